"""Where people are referred: the directory of registered providers, and each
callback's referral with its follow-up."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from encrypted_model_fields.fields import EncryptedTextField

from .callback import Callback


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
        max_length=20, choices=FollowUpResult, blank=True
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
