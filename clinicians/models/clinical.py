"""The clinical record kept on a callback: each try at reaching the person, and the
risk assessment made on contact."""

from django.conf import settings
from django.db import models
from encrypted_model_fields.fields import EncryptedCharField, EncryptedTextField

from .callback import Callback


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
        label, max_length=10, choices=Risk, default=Risk.NOT_ASKED
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
