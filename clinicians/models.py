from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from encrypted_model_fields.fields import EncryptedCharField, EncryptedTextField

from articles.models import RegistrationBody
from enquiries.models import Weekday


class Clinician(models.Model):
    """A clinician's working profile: registration, specialisms, and how much they
    hold. When they are on duty comes from the rota (Shift and DutyChange)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinician"
    )
    display_name = models.CharField(max_length=100, help_text="As colleagues see it.")
    registration_body = models.CharField(
        max_length=10, choices=RegistrationBody.choices, blank=True
    )
    registration_number = models.CharField(max_length=30, blank=True)
    specialisms = models.ManyToManyField(
        "articles.Topic",
        blank=True,
        related_name="+",
        help_text="Topics they know best: a tie-breaker when callbacks are assigned.",
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


class Shift(models.Model):
    """A recurring weekly shift on the duty rota, in UK local time. A shift across
    midnight is two rows, one on each day."""

    clinician = models.ForeignKey(
        Clinician, on_delete=models.CASCADE, related_name="shifts"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField()
    ends = models.TimeField(help_text="The shift ends just before this time.")

    class Meta:
        ordering = ["weekday", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts__lt=models.F("ends")),
                name="shift_starts_before_it_ends",
                violation_error_message="A shift must end after it starts.",
            )
        ]

    def __str__(self) -> str:
        day = self.get_weekday_display()
        return f"{self.clinician} {day} {self.starts:%H:%M}-{self.ends:%H:%M}"


class DutyChange(models.Model):
    """A one-off change to the rota: an extra duty, or an absence (leave, sickness)."""

    class Kind(models.TextChoices):
        EXTRA = "extra", "Extra duty"
        ABSENT = "absent", "Absent"

    clinician = models.ForeignKey(
        Clinician, on_delete=models.CASCADE, related_name="duty_changes"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")),
                name="duty_change_starts_before_it_ends",
                violation_error_message="A change must end after it starts.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.clinician} {self.get_kind_display()} from {self.starts_at:%d %b}"


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
        max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE, db_index=True
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
    outcome = models.CharField(
        max_length=20, choices=Outcome.choices, blank=True, help_text="Set on closing."
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
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
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


class ContactAttempt(models.Model):
    """One try at reaching the person."""

    class Channel(models.TextChoices):
        PHONE = "phone", "Phone call"
        TEXT = "text", "Text message"
        EMAIL = "email", "Email"

    class Result(models.TextChoices):
        REACHED = "reached", "Spoke to the person"
        NO_ANSWER = "no_answer", "No answer"
        VOICEMAIL = "voicemail", "Voicemail left"
        WRONG_NUMBER = "wrong_number", "Wrong number"
        MESSAGE_SENT = "message_sent", "Message sent, no reply yet"

    callback = models.ForeignKey(
        Callback, on_delete=models.CASCADE, related_name="attempts"
    )
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    result = models.CharField(max_length=20, choices=Result.choices)
    message_left = models.BooleanField(
        default=False, help_text="A voicemail or message was left."
    )
    counts = models.BooleanField(
        default=False,
        help_text="Counted towards closing as unable to reach: a failed try spaced"
        " from the last counted one (CALLBACK_ATTEMPT_SPACING_MINUTES).",
    )
    note = EncryptedTextField(blank=True, max_length=1000)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.get_result_display()}"

    @property
    def reached(self) -> bool:
        return self.result == self.Result.REACHED


class Risk(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    DECLINED = "declined", "Asked and declined"
    NOT_ASKED = "not_asked", "Not asked"


def _risk_field(label: str) -> EncryptedCharField:
    return EncryptedCharField(
        label, max_length=10, choices=Risk.choices, default=Risk.NOT_ASKED
    )


class RiskAssessment(models.Model):
    """What the clinician found on contact. Health data: encrypted at rest."""

    callback = models.OneToOneField(
        Callback, on_delete=models.CASCADE, related_name="risk"
    )
    overdose_risk = _risk_field("Overdose risk")
    injecting = _risk_field("Injecting")
    blood_borne_viruses = _risk_field("Blood-borne viruses")
    self_harm = _risk_field("Self-harm")
    harm_to_others = _risk_field("Harm to others")
    children_or_dependants = _risk_field("Children or dependants")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Risk assessment for callback {self.callback_id}"


class Provider(models.Model):
    """A service we refer people to. We take no commission from any of them."""

    class Regulator(models.TextChoices):
        CQC = "CQC", "Care Quality Commission (England)"
        CIW = "CIW", "Care Inspectorate Wales"
        HIS = "HIS", "Healthcare Improvement Scotland"
        RQIA = "RQIA", "Regulation and Quality Improvement Authority (Northern Ireland)"

    class Kind(models.TextChoices):
        RESIDENTIAL = "residential", "Residential rehab"
        DETOX = "detox", "Detox"
        COMMUNITY = "community", "Community service"
        SUPPORT_GROUP = "support_group", "Support group"

    class CostBand(models.TextChoices):
        FREE = "free", "Free"
        LOW = "low", "Under £1,000"
        MEDIUM = "medium", "£1,000 to £5,000"
        HIGH = "high", "Over £5,000"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    regulator = models.CharField(
        max_length=10,
        choices=Regulator.choices,
        blank=True,
        help_text="Required for every kind but a support group.",
    )
    registration_id = models.CharField(
        max_length=50, blank=True, help_text="The regulator's registration number."
    )
    region = models.CharField(max_length=100)
    cost_band = models.CharField(max_length=10, choices=CostBand.choices)
    nhs_funded = models.BooleanField("NHS funded", default=False)
    website = models.URLField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    last_verified_on = models.DateField(
        help_text="When someone last checked its registration and details."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="support_group")
                | (~Q(regulator="") & ~Q(registration_id="")),
                name="provider_registered_unless_support_group",
                violation_error_message="Give the regulator and registration number:"
                " we refer only to registered services (support groups aside).",
            )
        ]

    def __str__(self) -> str:
        return self.name


class FollowUpResult(models.TextChoices):
    STARTED = "started", "They have started treatment"
    WAITING = "waiting", "They are waiting for a place"
    NOT_STARTED = "not_started", "They did not go or changed their mind"
    UNREACHABLE = "unreachable", "We could not reach them"


class Referral(models.Model):
    """Where a callback sent the person. No commission is taken, ever."""

    FollowUpResult = FollowUpResult

    class Funding(models.TextChoices):
        NHS = "nhs", "NHS"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        SELF_PAY = "self_pay", "Self-pay"
        INSURANCE = "insurance", "Insurance"

    NO_COMMISSION = "The service takes no commission or payment for this referral."

    callback = models.OneToOneField(
        Callback, on_delete=models.PROTECT, related_name="referral"
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="referrals"
    )
    funding_route = models.CharField(max_length=20, choices=Funding.choices)
    referred_on = models.DateField()
    follow_up_on = models.DateField(help_text="When to check the person got there.")
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    follow_up_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    followed_up_at = models.DateTimeField(null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    follow_up_result = models.CharField(
        max_length=20, choices=FollowUpResult.choices, blank=True
    )
    follow_up_note = EncryptedTextField(
        blank=True, max_length=1000, help_text="Encrypted; erased with the enquiry."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_on__gte=models.F("referred_on")),
                name="referral_follow_up_after_referral",
                violation_error_message="Follow up on or after the referral date.",
            )
        ]

    def __str__(self) -> str:
        return f"Referral of callback {self.callback_id} to {self.provider}"


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
