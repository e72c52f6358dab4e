"""What intake announces. Intake never imports the callbacks side; it listens here.

Every signal carries ids only, and is sent inside the transaction that made the
change: a receiver that starts work elsewhere (a task, an email) waits for the commit.
"""

from django.dispatch import Signal

# A new enquiry was saved: `enquiry_id`.
enquiry_submitted = Signal()
# An enquiry's personal data was erased: `enquiry_id`, `action` (the AuditEvent
# action: "withdrawn" by the person, "erased" by staff, "anonymised" when expired)
# and `actor_id` (the member of staff, or None). Receivers erase whatever they hold
# about it and close what is still open.
enquiry_anonymised = Signal()
# Everything held about an enquiry was asked for (a subject access request, or the
# list of what an erasure will remove): `enquiry`. Receivers return a list of
# `enquiries.presenters.Section`, in words the person can read. Reads only.
enquiry_record_requested = Signal()
# The retention sweep found enquiries never closed long after they came in:
# `enquiry_ids`. A lead should look at them.
enquiries_unclosed = Signal()
