"""Telling staff: references, bands, times and links only, never personal data.

Assignees hear about their own callbacks one e-mail at a time. The leads hear in
digests: every notice due goes into one e-mail a round, so a burst of sixty
callbacks is one message, and what arrived out of hours is one message at opening.
"""

import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypedDict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from enquiries.models import Enquiry
from referral_site.emails import absolute_url, send_templated_mail
from referral_site.queueing import send_after_commit
from referral_site.roles import LEAD

from ..models import Callback, LeadNotice, Status
from ..selectors import without_answers

logger = logging.getLogger(__name__)


# The task that sends the unclosed-enquiries alert, by the name clinicians/tasks.py
# registers it under (referral_site/queueing.py); on the mail queue.
LEADS_NOTIFY_UNCLOSED_TASK = "clinicians.tasks.leads_notify_unclosed"


def callback_link(callback: Callback) -> str:
    return absolute_url(reverse("admin:clinicians_callback_change", args=[callback.pk]))


def assignee_email(callback: Callback) -> str:
    """The address of the clinician holding `callback` ("" if they gave none). Only
    a callback someone holds is claimed for an e-mail, and none is ever unassigned."""
    if callback.assigned_to is None:
        raise ValueError(f"callback {callback.pk} has no assignee")
    return callback.assigned_to.user.email


def when(moment: datetime) -> str:
    """'14:30' today, '14:30 on Thu 3 Dec' on another day: how staff read times."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return date_format(local, "H:i")
    return date_format(local, "H:i \\o\\n D j M")


def lead_emails() -> list[str]:
    return list(
        get_user_model()
        .objects.filter(groups__name=LEAD, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def claim(callback_id: int, mark: str, now: datetime) -> bool:
    """Set `mark` where it is still empty; True for the one caller that set it.

    Each round claims with this conditional UPDATE: of two beats racing, one
    updates the row and acts, the other updates nothing and moves on."""
    return bool(
        Callback.objects.filter(pk=callback_id, **{f"{mark}__isnull": True}).update(
            **{mark: now}
        )
    )


def _notify_lease_start(now: datetime) -> datetime:
    return now - timedelta(seconds=settings.CALLBACK_NOTIFY_LEASE_SECONDS)


def notify_claimable(now: datetime) -> Q:
    """Callbacks whose assignment e-mail is unsent and not being sent: never
    claimed, or claimed by a run that died (its lease expired)."""
    return Q(assigned_to__isnull=False, assignee_notified_at__isnull=True) & (
        Q(assignee_notify_claimed_at__isnull=True)
        | Q(assignee_notify_claimed_at__lt=_notify_lease_start(now))
    )


def callback_notify_assignee(*, callback_id: int) -> bool:
    """E-mail the assignee that a callback is theirs; return whether mail was sent.

    Once per assignment, whatever runs it (the task, its retries, a redelivery after
    a killed worker, beat's sweep): the run first claims the e-mail in a committed
    UPDATE, sends, then marks it sent. A refused send releases the claim and counts
    a failure (the leads hear after CALLBACK_NOTIFY_ALERT_AFTER), then raises so the
    task retries. A run killed between claim and mark holds the claim until its
    lease ends; then the sweep sends, with the same Message-ID."""
    now = timezone.now()
    claimed = Callback.objects.filter(notify_claimable(now), pk=callback_id).update(
        assignee_notify_claimed_at=now
    )
    if not claimed:
        return False
    # It names the reference only: none of the person's answers is decrypted.
    callback = without_answers(
        Callback.objects.select_related("enquiry", "assigned_to__user")
    ).get(pk=callback_id)
    recipient = assignee_email(callback)
    try:
        if not recipient:
            raise OSError(f"clinician {callback.assigned_to_id} has no address")
        send_templated_mail(
            "callback_assigned",
            to=[recipient],
            context={
                "callback": callback,
                "due": when(callback.due_at),
                "link": callback_link(callback),
            },
            key=_assignment_key(callback),
        )
    except OSError:
        _notify_failed(callback, claimed_at=now)
        raise
    # Only the run that holds the claim marks it: a reassignment since has reset it.
    record_sent(
        Callback.objects.filter(pk=callback_id, assignee_notify_claimed_at=now).update,
        assignee_notified_at=timezone.now(),
    )
    return True


# How long a run that has sent an e-mail keeps trying to record that it did, while
# the database restarts: a restart takes seconds, the claim's lease minutes.
RECORD_SENT_PATIENCE_SECONDS = 60


def record_sent(update: Callable[..., int], **values) -> None:
    """Mark what the mail server has just accepted as sent, through a database
    restart: given up, the claim would lapse and the sweep send it all again."""
    deadline = time.monotonic() + RECORD_SENT_PATIENCE_SECONDS
    pause = 0.25
    while True:
        try:
            update(**values)
            return
        except (OperationalError, InterfaceError):
            if connection.in_atomic_block or time.monotonic() + pause > deadline:
                raise
            logger.warning("Sent, but not yet recorded: the database is away.")
            connection.close()  # a new connection on the next try
            time.sleep(pause)
            pause = min(pause * 2, 4)


def _assignment_key(callback: Callback) -> str:
    """One key per assignment: a new holder gets a new e-mail."""
    assigned = callback.assigned_at or callback.created_at
    return f"callback-{callback.pk}-assigned-{assigned.timestamp():.0f}"


def _notify_failed(callback: Callback, *, claimed_at: datetime) -> None:
    """Release the claim and count the failure; at the threshold, tell the leads
    once (the queue shows it from the first failure)."""
    with transaction.atomic():
        released = Callback.objects.filter(
            pk=callback.pk, assignee_notify_claimed_at=claimed_at
        ).update(
            assignee_notify_claimed_at=None,
            assignee_notify_failures=F("assignee_notify_failures") + 1,
            assignee_notify_failed_at=timezone.now(),
        )
        failures = (
            Callback.objects.filter(pk=callback.pk)
            .values_list("assignee_notify_failures", flat=True)
            .get()
        )
        if released and failures == settings.CALLBACK_NOTIFY_ALERT_AFTER:
            lead_notice_raise(
                callback_id=callback.pk,
                kind=LeadNotice.Kind.UNNOTIFIED,
                at=timezone.now(),
            )
    logger.warning(
        "The assignment e-mail for callback %s was refused (%d so far).",
        callback.pk,
        failures,
    )


def lead_notice_raise(*, callback_id: int, kind: str, at: datetime) -> LeadNotice:
    """Put the callback in the leads' first digest at or after `at`."""
    return LeadNotice.objects.create(callback_id=callback_id, kind=kind, not_before=at)


def _still_applies(notice: LeadNotice, *, overdue: set[int]) -> bool:
    callback = notice.callback
    if callback.status == Status.CLOSED:
        return False
    match notice.kind:
        case LeadNotice.Kind.WAITING:
            return callback.assigned_to_id is None
        case LeadNotice.Kind.OVERDUE:
            return callback.pk in overdue
        case LeadNotice.Kind.SIGNOFF:
            return callback.signoff_requested_at is not None
    return True


def leads_digest_send() -> int:
    """Send the leads one e-mail listing every notice that is due, grouped by kind;
    return how many notices it carried. A notice that no longer applies (closed,
    since assigned) is dropped unsent.

    Safe on two beats, and sent once: a round claims its notices in a committed
    UPDATE, sends, then marks them sent. A refused send releases the claim, so the
    next round sends them; a round that dies holds them until the claim's lease
    ends (CALLBACK_NOTIFY_LEASE_SECONDS)."""
    now = timezone.now()
    batch = uuid.uuid4()
    claimed = (
        LeadNotice.objects.filter(sent_at__isnull=True, not_before__lte=now)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=_notify_lease_start(now)))
        .update(claimed_at=now, batch=batch)
    )
    if not claimed:
        return 0
    mine = LeadNotice.objects.filter(batch=batch, sent_at__isnull=True)
    claimed_notices = list(
        without_answers(
            mine.select_related("callback__enquiry", "callback__assigned_to"),
            enquiry="callback__enquiry",
        ).order_by("callback__due_at", "pk")
    )
    overdue = set(  # the queue's own rule, not a copy of it
        Callback.objects.overdue(now=now)
        .filter(lead_notices__batch=batch)
        .values_list("pk", flat=True)
    )
    notices = [n for n in claimed_notices if _still_applies(n, overdue=overdue)]
    leads = lead_emails()
    if not notices:
        mine.update(sent_at=now)  # nothing left to say: dropped
        return 0
    if not leads:
        mine.update(claimed_at=None, batch=None)
        logger.warning(
            "No lead has an e-mail address: %d notices unsent.", len(notices)
        )
        return 0
    try:
        _send_digest(notices, leads=leads, batch=batch)
    except OSError:
        mine.update(claimed_at=None, batch=None)
        raise
    record_sent(mine.update, sent_at=timezone.now())
    return len(notices)


class _DigestSection(TypedDict):
    title: str
    callbacks: list[dict[str, object]]


def _send_digest(
    notices: list[LeadNotice], *, leads: list[str], batch: uuid.UUID
) -> None:
    sections: list[_DigestSection] = [
        {
            "title": label,
            "callbacks": [
                {
                    "callback": n.callback,
                    "due": when(n.callback.due_at),
                    "link": callback_link(n.callback),
                }
                for n in notices
                if n.kind == kind
            ],
        }
        for kind, label in LeadNotice.Kind.choices
    ]
    sections = [section for section in sections if section["callbacks"]]
    send_templated_mail(
        "leads_digest",
        to=leads,
        context={
            "sections": sections,
            "summary": ", ".join(
                f"{len(s['callbacks'])} {s['title'].split(':')[0].lower()}"
                for s in sections
            ),
            "queue": absolute_url(reverse("admin:clinicians_callback_changelist")),
        },
        key=f"leads-digest-{batch}",
    )


def leads_notify_unclosed_queue(*, enquiry_ids: list[int]) -> None:
    """Have the mail worker tell the leads about these enquiries (the daily purge
    found them never closed). A mail server that refuses or hangs then delays
    neither the purge nor a callback being opened; the task retries."""
    send_after_commit(LEADS_NOTIFY_UNCLOSED_TASK, *enquiry_ids)


def leads_notify_unclosed(*, enquiry_ids: list[int]) -> int:
    """Tell the lead clinicians which enquiries have stayed open far too long.
    References only. Returns the number of leads told. Raises what the mailer
    raises (OSError), so that its task retries."""
    references = sorted(
        Enquiry.objects.filter(pk__in=enquiry_ids).values_list("reference", flat=True)
    )
    leads = lead_emails()
    if references and leads:
        send_templated_mail(
            "enquiries_unclosed",
            to=leads,
            context={
                "references": references,
                "days": settings.ENQUIRY_UNCLOSED_ALERT_DAYS,
                "queue": absolute_url(reverse("admin:clinicians_callback_changelist")),
            },
        )
    return len(leads) if references else 0
