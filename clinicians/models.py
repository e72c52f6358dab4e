from django.conf import settings
from django.db import models
from django.db.models import Q


class Clinician(models.Model):
    """A clinician's working profile: whether they are on duty, how much they hold."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinician"
    )
    display_name = models.CharField(max_length=100, help_text="As colleagues see it.")
    on_duty = models.BooleanField(
        default=False,
        help_text="New callbacks are assigned only to clinicians on duty.",
    )
    max_open_callbacks = models.PositiveSmallIntegerField(
        default=10, help_text="No more open callbacks than this are assigned to them."
    )
    is_active = models.BooleanField(
        default=True, help_text="Untick when they leave, instead of deleting them."
    )

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name


class CallbackQuerySet(models.QuerySet):
    def open(self) -> "CallbackQuerySet":
        return self.exclude(status=Callback.Status.CLOSED)


class Callback(models.Model):
    """One per enquiry: the promise that a clinician will call the person back."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        ASSIGNED = "assigned", "Assigned"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        ADVICE_GIVEN = "advice_given", "Advice given"
        REFERRED = "referred", "Referred to a provider"
        NOT_WANTED = "not_wanted", "Help not wanted"
        UNABLE_TO_REACH = "unable_to_reach", "Unable to reach"
        WITHDRAWN = "withdrawn", "Withdrawn by the person"

    enquiry = models.OneToOneField(
        "enquiries.Enquiry", on_delete=models.CASCADE, related_name="callback"
    )
    assigned_to = models.ForeignKey(
        Clinician,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="callbacks",
        help_text="The clinician who will call.",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    due_at = models.DateTimeField(help_text="Call back by this time.")
    created_at = models.DateTimeField(auto_now_add=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=20, choices=Outcome.choices, blank=True, help_text="Set on closing."
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    assignee_notified_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the assignee was told."
    )

    objects = CallbackQuerySet.as_manager()

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["status", "due_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="assigned") | Q(assigned_to__isnull=False),
                name="callback_assigned_has_assignee",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(outcome=""),
                name="callback_closed_has_outcome",
                violation_error_message="A closed callback needs an outcome.",
            ),
        ]

    def __str__(self) -> str:
        return f"Callback {self.enquiry.reference}"
