"""What intake announces. Intake never imports the callbacks side; it listens here.

Every signal carries ids only, and is sent inside the transaction that made the
change: a receiver that starts work elsewhere (a task, an email) waits for the commit.
"""

from django.dispatch import Signal

# A new enquiry was saved: `enquiry_id`.
enquiry_submitted = Signal()
# An enquiry's personal data was erased (withdrawn, erased by staff, or expired):
# `enquiry_id`. Receivers erase whatever they hold about it.
enquiry_anonymised = Signal()
# The person withdrew their enquiry: `enquiry_id`. Its callback should close.
enquiry_withdrawn = Signal()
# The retention sweep found enquiries never closed long after they came in:
# `enquiry_ids`. A lead should look at them.
enquiries_unclosed = Signal()
