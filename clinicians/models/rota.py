"""Who is on the service and when: a clinician's working profile and the duty rota
(weekly shifts and one-off changes)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

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
