"""What intake announces. Intake never imports the callbacks side; it listens here."""

from django.dispatch import Signal

# Sent with `enquiry_id` inside the transaction that saved the enquiry. Receivers
# that start work elsewhere (a task, an email) must wait for the commit.
enquiry_submitted = Signal()
