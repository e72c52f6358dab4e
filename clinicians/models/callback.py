"""The callback (one per enquiry), its bands, statuses and outcomes, the QuerySet
that answers "which are open, overdue, waiting", and its history of events."""

from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from encrypted_model_fields.fields import EncryptedTextField

from .rota import Clinician


class Urgency(models.TextChoices):
    """Bands in order of urgency; each has its callback target in settings."""

    URGENT = "urgent", "Urgent"
    SOON = "soon", "Soon"
    ROUTINE = "routine", "Routine"


class Status(models.TextChoices):
    NEW = "new", "New"
    ASSIGNED = "assigned", "Assigned"
    IN_PROGRESS = "in_progress", "In progress"
    ATTEMPTED = "attempted", "Attempted"
    CONTACTED = "contacted", "Contacted"
    CLOSED = "closed", "Closed"


class Outcome(models.TextChoices):
    ADVICE_GIVEN = "advice_given", "Advice given"
    REFERRED = "referred", "Referred to a provider"
    NOT_WANTED = "not_wanted", "Help not wanted"
    UNABLE_TO_REACH = "unable_to_reach", "Unable to reach"
    WITHDRAWN = "withdrawn", "Withdrawn by the person"
    ERASED = "erased", "Personal data erased on request"


def overdue_condition(*, now: datetime, prefix: str = "") -> Q:
    """Past the due time and nobody has spoken to the person yet: once they are
    reached, the target is met, however long the callback stays open. `prefix`
    reaches it through a relation ("callbacks__")."""
    return Q(**{f"{prefix}due_at__lt": now, f"{prefix}first_contact_at__isnull": True})


class CallbackQuerySet(models.QuerySet):
    def open(self) -> "CallbackQuerySet":
        return self.exclude(status=Status.CLOSED)

    def overdue(self, *, now: datetime) -> "CallbackQuerySet":
        """Open and overdue (`overdue_condition`)."""
        return self.open().filter(overdue_condition(now=now))

    def awaiting_signoff(self) -> "CallbackQuerySet":
        return self.open().filter(signoff_requested_at__isnull=False)

    def follow_ups_due(self, *, on: date) -> "CallbackQuerySet":
        """Referred callbacks whose check that the person got there is due."""
        return self.filter(
            referral__follow_up_on__lte=on, referral__followed_up_at__isnull=True
        )


class Callback(models.Model):
    """One per enquiry: the promise that a clinician will call the person back."""

    Status = Status
    Outcome = Outcome
    Urgency = Urgency

    enquiry = models.OneToOneField(
        "enquiries.Enquiry", on_delete=models.PROTECT, related_name="callback"
    )
    urgency = models.CharField(
        max_length=10, choices=Urgency, default=Urgency.ROUTINE, db_index=True
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
        max_length=20, choices=Status, default=Status.NEW, db_index=True
    )
    outcome = models.CharField(
        max_length=20, choices=Outcome, blank=True, help_text="Set on closing."
    )
    due_at = models.DateTimeField(help_text="Call back by this time.")
    clock_starts_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the band's target started to count: the enquiry's arrival,"
        " or the next moment the service could call (opening, or the start of the"
        " person's safe time).",
    )
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="When the next try is planned."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    first_contact_at = models.DateTimeField(
        null=True, blank=True, help_text="When a clinician first spoke to the person."
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    signoff_requested_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="An urgent callback's tries ran out: a lead must sign off before"
        " it closes as unable to reach.",
    )
    # Beat's marks: each is set by the one run that acts, so nothing is sent twice.
    # The assignment e-mail is claimed before it is sent and marked sent after:
    # a run that dies in between holds the claim until it expires (a lease), then
    # beat's sweep sends it (see services/notify.py and docs/nothing-lost.md).
    assignee_notify_claimed_at = models.DateTimeField(
        null=True, blank=True, editable=False
    )
    assignee_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    assignee_notify_failures = models.PositiveSmallIntegerField(
        default=0,
        editable=False,
        help_text="How many times the assignment e-mail has been refused.",
    )
    assignee_notify_failed_at = models.DateTimeField(
        null=True, blank=True, editable=False
    )
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CallbackQuerySet.as_manager()

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            # The queue's order (most urgent band first, then soonest due; the
            # admin adds -pk to make it total), so a page is read in order from
            # the index instead of sorting every callback. The band's rank must be
            # selectors.urgency_rank() to the letter, or the index goes unused
            # (tests/clinicians/test_queue_scale.py checks it is).
            models.Index(
                models.Case(
                    models.When(urgency="urgent", then=models.Value(0)),
                    models.When(urgency="soon", then=models.Value(1)),
                    models.When(urgency="routine", then=models.Value(2)),
                    output_field=models.IntegerField(),
                ),
                models.F("due_at"),
                models.F("id").desc(),
                name="callback_queue_order",
            ),
            # Each clinician's open callbacks, for the rota's "fewest open" count
            # (selectors.open_callback_count): closed ones are left out, so it
            # stays small however long the service runs.
            models.Index(
                fields=["assigned_to"],
                condition=~models.Q(status="closed"),
                name="callback_open_by_assignee",
            ),
        ]
        permissions = [
            ("view_any_callback", "Can open any callback's details"),
            ("reassign_callback", "Can reassign a callback to another clinician"),
            ("view_dashboard", "Can see the lead's dashboard"),
            ("signoff_callback", "Can sign off closing an urgent callback unreached"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["new", "closed"])
                | Q(assigned_to__isnull=False),
                name="callback_in_hand_has_assignee",
                violation_error_message="Someone must hold a callback in progress.",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(outcome=""),
                name="callback_closed_has_outcome",
                violation_error_message="A closed callback needs an outcome.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"Callback {self.enquiry.reference}"


class CallbackEvent(models.Model):
    """The callback's history: every change of status, assignee or band, every
    sign-off and follow-up; who, when, from what to what, and why."""

    class Kind(models.TextChoices):
        STATUS = "status", "Status or assignee"
        BAND = "band", "Band changed by hand"
        SIGNOFF = "signoff", "Lead's sign-off"
        FOLLOW_UP = "follow_up", "Referral follow-up"

    callback = models.ForeignKey(
        Callback, on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the system acted.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STATUS)
    from_status = models.CharField(max_length=20, choices=Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Status)
    assigned_to = models.ForeignKey(
        Clinician, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    detail = models.CharField(
        max_length=200,
        blank=True,
        help_text="Never personal data: it is not encrypted.",
    )
    note = EncryptedTextField(
        blank=True,
        max_length=1000,
        help_text="A clinician's reason, in their words. Encrypted; erased with the"
        " enquiry.",
    )

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"
