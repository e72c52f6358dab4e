from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from encrypted_model_fields.fields import EncryptedCharField, EncryptedTextField

from articles.html import sanitise_html
from referral_site.client_address import current_client_ip

from .references import new_reference

MESSAGE_MAX_LENGTH = 1000


class ForWhom(models.TextChoices):
    SELF = "self", "Myself"
    SOMEONE_ELSE = "someone_else", "Someone I care about"


class Relationship(models.TextChoices):
    PARTNER = "partner", "My partner"
    PARENT = "parent", "My parent"
    CHILD = "child", "My son or daughter"
    SIBLING = "sibling", "My brother or sister"
    FRIEND = "friend", "A friend"
    OTHER = "other", "Someone else"


class TheyKnow(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_SURE = "not_sure", "I am not sure"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message first, then a call"
    EMAIL = "email", "Email"


class CallWindow(models.TextChoices):
    MORNING = "morning", "Morning (9am to 12pm)"
    AFTERNOON = "afternoon", "Afternoon (12pm to 5pm)"
    EVENING = "evening", "Evening (5pm to 8pm)"


class Weekday(models.IntegerChoices):
    """Python's numbering: date.weekday() is 0 on a Monday."""

    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class Substance(models.TextChoices):
    ALCOHOL = "alcohol", "Alcohol"
    HEROIN = "heroin", "Heroin or other opioids"
    COCAINE = "cocaine", "Cocaine or crack"
    CANNABIS = "cannabis", "Cannabis"
    BENZODIAZEPINES = "benzodiazepines", "Benzodiazepines (such as diazepam)"
    PRESCRIBED = "prescribed", "Prescribed or over-the-counter medicines"
    KETAMINE = "ketamine", "Ketamine"
    OTHER = "other", "Something else"
    NOT_SURE = "not_sure", "I am not sure"


class Danger(models.TextChoices):
    NONE = "none", "No"
    OVERDOSE = "overdose", "Yes: someone may have taken too much (an overdose)"
    SUICIDE = "suicide", "Yes: someone is thinking about ending their life"
    OTHER = "other", "Yes: someone is in danger for another reason"


# The answers that say who the person is, who they ask about, where they live and
# how to reach them: what only the clinician who calls needs (the admin's record).
WHO_AND_HOW_TO_REACH = (
    "name", "phone", "email", "relationship", "they_know", "area", "came_from_topic",
)  # fmt: skip


class EnquiryQuerySet(models.QuerySet):
    def active(self) -> "EnquiryQuerySet":
        """Enquiries still holding personal data: not withdrawn, not anonymised."""
        return self.filter(anonymised_at__isnull=True)

    def without_who_and_how_to_reach(self) -> "EnquiryQuerySet":
        """Read without `WHO_AND_HOW_TO_REACH`, so none of it is decrypted: for
        what works from the rest of the answers (opening a callback: its urgency
        and due time). A deferred answer asked of is read then, by itself."""
        return self.defer(*WHO_AND_HOW_TO_REACH)


class Enquiry(models.Model):
    """A person's request for a callback. What they tell us is health data: every
    answer that says something about them is encrypted at rest with
    FIELD_ENCRYPTION_KEY, and nothing here may reach a log or a URL."""

    reference = models.CharField(
        max_length=12,
        unique=True,
        default=new_reference,
        editable=False,
        help_text="What the person and the clinicians quote: it identifies no one.",
    )
    # Who it is for
    for_whom = models.CharField(max_length=20, choices=ForWhom)
    relationship = EncryptedCharField(
        max_length=20, choices=Relationship, blank=True,
        help_text="When asking for someone else: who they are to the caller.",
    )  # fmt: skip
    they_know = EncryptedCharField(
        max_length=20, choices=TheyKnow, blank=True,
        help_text="When asking for someone else: whether that person knows.",
    )  # fmt: skip
    # How to reach them
    name = EncryptedCharField(
        max_length=100, help_text="What they would like to be called: any name will do."
    )
    contact_method = models.CharField(max_length=10, choices=ContactMethod)
    phone = EncryptedCharField(
        max_length=32, blank=True, help_text="For a call or a text."
    )
    email = EncryptedCharField(max_length=254, blank=True)
    call_windows = models.CharField(
        max_length=40, blank=True,
        help_text="Comma-separated CallWindow values; empty means any open time.",
    )  # fmt: skip
    call_days = models.CharField(
        max_length=20, blank=True,
        help_text="Comma-separated weekday numbers (0 is Monday); empty means any day.",
    )  # fmt: skip
    voicemail_ok = models.BooleanField(
        help_text="Whether we may leave a voicemail or a message."
    )
    say_who_we_are_ok = models.BooleanField(
        help_text="Whether we may say who we are to whoever answers."
    )
    # What they are worried about
    danger = EncryptedCharField(
        max_length=20, choices=Danger, default=Danger.NONE,
        help_text="Whether someone was in immediate danger when they wrote.",
    )  # fmt: skip
    substances = EncryptedCharField(
        max_length=200, blank=True, help_text="Comma-separated Substance values."
    )
    message = EncryptedTextField(
        max_length=MESSAGE_MAX_LENGTH,
        # TextField does not check max_length itself; the service's full_clean must.
        validators=[MaxLengthValidator(MESSAGE_MAX_LENGTH)],
        blank=True,
        help_text="What they chose to tell us before the call.",
    )
    area = EncryptedCharField(
        max_length=60,
        blank=True,
        help_text="A county, or the first half of a postcode.",
    )
    came_from_topic = EncryptedCharField(
        max_length=100,
        blank=True,
        help_text="The topic of the article they came from, if they chose to share it.",
    )
    # Consent and the form it came from
    consent_version = models.CharField(
        max_length=20, help_text="The version of the consent text they agreed to."
    )
    consented_at = models.DateTimeField(help_text="When they gave consent.")
    submission_token = models.UUIDField(
        unique=True,
        null=True,
        editable=False,
        help_text="The one-time token of the form they sent: a second send of the"
        " same form finds this enquiry instead of making another.",
    )
    withdrawal_token_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="SHA-256 of the private withdrawal link's token; the token itself"
        " is shown once and never stored.",
    )
    # Its life
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="When its callback was closed."
    )
    withdrawn_at = models.DateTimeField(
        null=True, blank=True, help_text="When the person withdrew it."
    )
    anonymised_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="When its personal data was erased; only de-identified facts remain.",
    )

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "enquiries"
        ordering = ["-created_at"]
        permissions = [
            ("export_enquiry", "Can export an enquiry's data (subject access)"),
            ("erase_enquiry", "Can erase an enquiry's personal data"),
        ]

    def __str__(self) -> str:
        return self.reference  # never personal data: __str__ reaches logs and admin

    def get_call_windows(self) -> list[str]:
        return [value for value in self.call_windows.split(",") if value]

    def get_call_days(self) -> list[int]:
        return [int(value) for value in self.call_days.split(",") if value]

    def get_substances(self) -> list[str]:
        return [value for value in self.substances.split(",") if value]


class OpeningHours(models.Model):
    """When clinicians make calls, one row a weekday; a missing weekday is closed."""

    weekday = models.PositiveSmallIntegerField(choices=Weekday, unique=True)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["weekday"]
        verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")),
                name="opening_hours_open_before_close",
                violation_error_message="Closing time must be after opening time.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class ClosedDay(models.Model):
    """A day the service makes no calls: bank holidays and the like."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=100, help_text="Such as 'Christmas Day'.")

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%d %b %Y})"


class PrivacyNotice(models.Model):
    """The privacy notice at /privacy/: staff publish a new version to change it."""

    version = models.CharField(max_length=20, unique=True, help_text="Such as 2026-11.")
    body = models.TextField(
        help_text="HTML: headings, paragraphs, lists and links are kept, anything else"
        " is removed when saved."
    )
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="The newest published version is shown."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return f"Privacy notice {self.version}"

    def save(self, *args, **kwargs) -> None:
        self.body = sanitise_html(self.body)
        super().save(*args, **kwargs)


class AuditEvent(models.Model):
    """Who did what to which enquiry, and when. Append-only: no one edits or deletes
    these, in the admin or anywhere else; they hold no personal data of the enquirer."""

    class Action(models.TextChoices):
        VIEWED = "viewed", "Viewed details"
        EXPORTED = "exported", "Exported (subject access)"
        ERASED = "erased", "Erased by staff"
        WITHDRAWN = "withdrawn", "Withdrawn by the person"
        ANONYMISED = "anonymised", "Anonymised by the retention policy"

    enquiry = models.ForeignKey(
        Enquiry, on_delete=models.PROTECT, related_name="audit_events"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The member of staff; empty when the person or the system acted.",
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    client_address = models.GenericIPAddressField(
        null=True,
        blank=True,
        help_text="Where the member of staff was (the request's client address, as"
        " referral_site/client_address.py finds it). Empty when the person or the"
        " system acted: the person's own address is not kept after they withdraw.",
    )

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.enquiry_id} {self.action} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("Audit events cannot be changed.")
        if self.actor_id is not None and self.client_address is None:
            # Staff acted, in the request being served (None in a task or command).
            self.client_address = current_client_ip()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events cannot be deleted.")
