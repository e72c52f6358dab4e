from django.core.validators import MaxLengthValidator
from django.db import models
from encrypted_model_fields.fields import EncryptedCharField, EncryptedTextField

from .references import new_reference

MESSAGE_MAX_LENGTH = 1000


class Enquiry(models.Model):
    """A person's request for a callback. Contact details and free text are encrypted
    at rest with FIELD_ENCRYPTION_KEY; nothing here may reach a log or a URL."""

    reference = models.CharField(
        max_length=12,
        unique=True,
        default=new_reference,
        editable=False,
        help_text="What the person and the clinicians quote: it identifies no one.",
    )
    name = EncryptedCharField(
        max_length=100, help_text="What they would like to be called: any name will do."
    )
    phone = EncryptedCharField(max_length=32, help_text="The number a clinician calls.")
    message = EncryptedTextField(
        max_length=MESSAGE_MAX_LENGTH,
        # TextField does not check max_length itself; the service's full_clean must.
        validators=[MaxLengthValidator(MESSAGE_MAX_LENGTH)],
        blank=True,
        help_text="What they chose to tell us before the call.",
    )
    consent_version = models.CharField(
        max_length=20, help_text="The version of the consent text they agreed to."
    )
    consented_at = models.DateTimeField(help_text="When they gave consent.")
    submission_token = models.UUIDField(
        unique=True,
        editable=False,
        help_text="The one-time token of the form they sent: a second send of the"
        " same form finds this enquiry instead of making another.",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name_plural = "enquiries"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reference  # never personal data: __str__ reaches logs and admin
