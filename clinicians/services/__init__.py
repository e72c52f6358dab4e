"""Every write that matters on the callbacks side, one module a sub-domain. Views,
admin actions, tasks and commands call these; each says whether it is safe to run
twice. The public names are re-exported here, so `clinicians.services.<name>` is the
one path other code and other tools use.

- queue: opening a callback, its band and due time, who holds it
- lifecycle: tries, the risk panel, sign-off, closing, referral, erasure
- notify: e-mails to the assignee, and the leads' digests
- beat: the periodic rounds
"""

from .beat import (
    callbacks_escalate,
    callbacks_notify_missed,
    callbacks_reassign_off_duty,
    callbacks_remind,
    callbacks_sweep,
    enquiries_without_callback,
    referrals_remind_follow_up,
)
from .lifecycle import (
    attempt_log,
    callback_close,
    callback_close_anonymised,
    callback_erase_notes,
    callback_refer,
    callback_schedule_next_attempt,
    callback_signoff,
    callback_start,
    counted_tries,
    is_spaced,
    referral_follow_up_record,
    risk_record,
    spacing_rule,
)
from .notify import (
    callback_notify_assignee,
    lead_notice_raise,
    leads_digest_send,
    leads_notify_unclosed,
    leads_notify_unclosed_queue,
)
from .queue import (
    callback_assign,
    callback_change_urgency,
    callback_claim,
    callback_due_at,
    callback_open,
    callback_plan,
    callback_reassign,
)

__all__ = [
    "attempt_log",
    "callback_assign",
    "callback_change_urgency",
    "callback_claim",
    "callback_close",
    "callback_close_anonymised",
    "callback_due_at",
    "callback_erase_notes",
    "callback_notify_assignee",
    "callback_open",
    "callback_plan",
    "callback_reassign",
    "callback_refer",
    "callback_schedule_next_attempt",
    "callback_signoff",
    "callback_start",
    "callbacks_escalate",
    "callbacks_notify_missed",
    "callbacks_reassign_off_duty",
    "callbacks_remind",
    "callbacks_sweep",
    "counted_tries",
    "enquiries_without_callback",
    "is_spaced",
    "lead_notice_raise",
    "leads_digest_send",
    "leads_notify_unclosed",
    "leads_notify_unclosed_queue",
    "referral_follow_up_record",
    "referrals_remind_follow_up",
    "risk_record",
    "spacing_rule",
]
