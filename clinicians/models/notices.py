"""What the leads must hear about, held for their next digest e-mail."""

from django.db import models

from .callback import Callback


class LeadNotice(models.Model):
    """Something a lead must hear about, waiting for the next digest: the leads get
    one e-mail a round listing every notice that is due, never one per callback."""

    class Kind(models.TextChoices):
        URGENT = "urgent", "Urgent"
        WAITING = "waiting", "Waiting: nobody on duty has room"
        OVERDUE = "overdue", "Overdue"
        SIGNOFF = "signoff", "Needs a lead's sign-off"
        UNNOTIFIED = "unnotified", "Assignee not told: their e-mail keeps failing"

    callback = models.ForeignKey(
        Callback, on_delete=models.CASCADE, related_name="lead_notices"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    not_before = models.DateTimeField(
        help_text="Not sent before this: out of hours, the service's next opening."
    )
    claimed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a digest round took it: the claim expires if that round"
        " dies before sending, so a later round sends it.",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    batch = models.UUIDField(
        null=True, blank=True, help_text="The digest round that claimed it."
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["sent_at", "not_before"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} notice for callback {self.callback_id}"
