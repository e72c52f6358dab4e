"""What guards an enquiry send, beyond what the person answers: a trap only bots
fill in, the signed time the form was shown (a send much sooner is a bot's), the
one-use submission token (the same form sent twice finds the first enquiry) and the
consent version the form was shown with.

The last three are hidden values the page hands back. One that comes back missing
or tampered with (or a consent version since changed) is replaced by the form's own
fresh value, in the form shown again and in what it cleans, so that the next send
can work; `form.data` keeps what was sent. `resend_problems` says what to tell the
person."""

import time
import uuid
from typing import cast

from django import forms
from django.conf import settings
from django.core import signing

from . import consent

_STARTED_SALT = "enquiries.form-started"
UNREADABLE = "We could not read this form. Check your answers, then send it again."
CONSENT_CHANGED = (
    "We have changed how we describe the use of your information since"
    " this form was opened. Please read it and tick the box again."
)


def sign_started(at: float | None = None) -> str:
    """The signed time the form was shown: a send much sooner is a bot's."""
    return signing.dumps(time.time() if at is None else at, salt=_STARTED_SALT)


def started_at(value: object) -> float | None:
    """The time `sign_started` signed, or None if `value` is not one of ours (or is
    more than a day old)."""
    try:
        return float(signing.loads(str(value), salt=_STARTED_SALT, max_age=86400))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def bot_trap() -> forms.CharField:
    """Not for people: a field hidden from them that only bots fill in."""
    return forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


def looks_automated(*, trap: str, started: object) -> bool:
    """A bot: it filled the trap, or sent the form faster than people do."""
    if trap:
        return True
    shown_at = started_at(started)
    return (
        shown_at is None or time.time() - shown_at < settings.ENQUIRY_MIN_FILL_SECONDS
    )


class Reissued(forms.BoundField):
    """A hidden value as the form reads it: what was sent if its field accepts it,
    else the form's own fresh value (its initial)."""

    field: "_ReissuedField"  # the one field whose bound_field_class this is

    @property
    def data(self):
        sent = super().data
        return sent if self.field.accepts(sent) else self.initial

    @property
    def reissued(self) -> bool:
        """Whether what was sent is set aside for the form's fresh value."""
        return self.form.is_bound and not self.field.accepts(super().data)


class _ReissuedField(forms.Field):
    bound_field_class = Reissued
    problem = UNREADABLE  # what the person is told when it is reissued

    def accepts(self, value: object) -> bool:
        raise NotImplementedError


class SubmissionTokenField(_ReissuedField, forms.UUIDField):
    """One token per form shown: sending the same form twice finds the first enquiry."""

    def accepts(self, value: object) -> bool:
        return is_uuid(value)


class StartedField(_ReissuedField, forms.CharField):
    """When the form was shown, signed (`sign_started`)."""

    def accepts(self, value: object) -> bool:
        return started_at(value) is not None


class ConsentVersionField(_ReissuedField, forms.CharField):
    """The consent wording the form was shown with (`consent.VERSION`)."""

    problem = CONSENT_CHANGED

    def accepts(self, value: object) -> bool:
        return value == consent.VERSION


class _Agreed(forms.BoundField):
    """A tick given to older consent wording does not count: it reads as unticked."""

    field: "ConsentField"  # the one field whose bound_field_class this is

    @property
    def data(self):
        # The form's ConsentVersionField (enquiries/forms.py) binds as a Reissued.
        version = cast(Reissued, self.form[self.field.version_field])
        return super().data and not version.reissued


class ConsentField(forms.BooleanField):
    """The consent tick, counted only with the consent version the form now has."""

    bound_field_class = _Agreed

    def __init__(self, *, version_field: str = "consent_version", **kwargs) -> None:
        super().__init__(**kwargs)
        self.version_field = version_field


def resend_problems(form: forms.Form) -> list[str]:
    """What to tell the person about the hidden values reissued, each said once."""
    problems = [
        bound.field.problem
        for bound in form
        if isinstance(bound, Reissued) and bound.reissued
    ]
    return list(dict.fromkeys(problems))
