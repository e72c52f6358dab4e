import hashlib
import json
import secrets
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import cast

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from referral_site.emails import send_templated_mail

from . import presenters
from .models import AuditEvent, ContactMethod, Danger, Enquiry
from .references import new_reference
from .signals import (
    enquiries_unclosed,
    enquiry_anonymised,
    enquiry_record_requested,
    enquiry_submitted,
)

_REFERENCE_ATTEMPTS = 5


@dataclass(frozen=True)
class Answers:
    """What the person told us on the form, cleaned."""

    for_whom: str
    name: str
    contact_method: str
    voicemail_ok: bool
    say_who_we_are_ok: bool
    phone: str = ""
    email: str = ""
    relationship: str = ""
    they_know: str = ""
    danger: str = Danger.NONE
    substances: list[str] = field(default_factory=list)
    message: str = ""
    area: str = ""
    call_windows: list[str] = field(default_factory=list)
    call_days: list[int] = field(default_factory=list)
    came_from_topic: str = ""

    @classmethod
    def from_form(cls, form) -> "Answers":
        cleaned = form.cleaned_data | {"came_from_topic": form.shared_topic()}
        return cls(**{name: cleaned[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Submission:
    enquiry: Enquiry
    created: bool
    # The private withdrawal link's token: only on the first send, shown once.
    withdrawal_token: str | None = None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _sent_before(submission_token: uuid.UUID) -> Enquiry | None:
    """The enquiry an earlier send of this same form made, if any. Asked by its id
    first: nearly every send is a first one, and on PostgreSQL the whole row (every
    encrypted column) is a dearer question than whether it exists."""
    pk = (
        Enquiry.objects.filter(submission_token=submission_token)
        .values_list("pk", flat=True)
        .first()
    )
    return Enquiry.objects.get(pk=pk) if pk is not None else None


def enquiry_submit(
    *, answers: Answers, submission_token: uuid.UUID, consent_version: str
) -> Submission:
    """Save a consented enquiry and announce it.

    Idempotent on `submission_token`: a refreshed or double-clicked form returns the
    enquiry the first send made, announces nothing and saves nothing new. The enquiry
    is committed before anything else happens: receivers act only after the commit.
    Only what the chosen contact method needs is kept.
    """
    existing = _sent_before(submission_token)
    if existing:
        return Submission(existing, created=False)
    withdrawal_token = secrets.token_urlsafe(32)
    values = asdict(answers)
    # Keep only the contact detail the chosen method needs.
    values["phone" if answers.contact_method == ContactMethod.EMAIL else "email"] = ""
    values["call_windows"] = ",".join(answers.call_windows)
    values["call_days"] = ",".join(str(day) for day in answers.call_days)
    values["substances"] = ",".join(answers.substances)
    enquiry = Enquiry(
        **values,
        reference=new_reference(),
        consent_version=consent_version,
        consented_at=timezone.now(),
        submission_token=submission_token,
        withdrawal_token_hash=_token_hash(withdrawal_token),
    )
    enquiry.full_clean(exclude=["reference", "submission_token"])
    for _attempt in range(_REFERENCE_ATTEMPTS):
        try:
            # One insert in its own transaction (a savepoint inside a caller's):
            # a clash leaves nothing behind to roll back.
            with transaction.atomic():
                enquiry.save()
            break
        except IntegrityError:
            # Either the same form arrived twice at once, or (rarely) the random
            # reference is taken: the first wins, the second draws again.
            existing = _sent_before(submission_token)
            if existing:
                return Submission(existing, created=False)
            enquiry.pk = None
            enquiry.reference = new_reference()
    else:
        raise IntegrityError("No free enquiry reference after several attempts.")
    # Committed: what the receivers queue goes at once (after a caller's commit).
    enquiry_submitted.send(sender=Enquiry, enquiry_id=enquiry.pk)
    return Submission(enquiry, created=True, withdrawal_token=withdrawal_token)


def enquiry_by_withdrawal_token(*, token: str) -> Enquiry | None:
    """The enquiry a private withdrawal link belongs to, if it still holds data."""
    if not token:
        return None
    return (
        Enquiry.objects.active()
        .filter(withdrawal_token_hash=_token_hash(token))
        .first()
    )


# What survives anonymisation: de-identified facts for the service's statistics.
KEPT_WHEN_ANONYMISED = (
    "id", "reference", "for_whom", "contact_method", "substances", "consent_version",
    "consented_at", "created_at", "closed_at", "withdrawn_at", "anonymised_at",
)  # fmt: skip
_ERASED = {
    "name": "",
    "phone": "",
    "email": "",
    "message": "",
    "area": "",
    "relationship": "",
    "they_know": "",
    "danger": Danger.NONE,
    "call_windows": "",
    "call_days": "",
    "came_from_topic": "",
    "voicemail_ok": False,
    "say_who_we_are_ok": False,
    "submission_token": None,
    "withdrawal_token_hash": "",
}


@transaction.atomic
def enquiry_anonymise(
    *,
    enquiry: Enquiry,
    action: str,
    actor: User | None = None,
) -> bool:
    """Erase the enquiry's personal data now, keeping only de-identified facts, and
    tell the callbacks side, which closes an open callback (withdrawn, or erased)
    and erases its notes in the same transaction. Returns False if already
    anonymised.

    `action` is the AuditEvent action recorded: erased, withdrawn or anonymised.
    """
    enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
    if enquiry.anonymised_at is not None:
        return False
    now = timezone.now()
    for name, value in _ERASED.items():
        setattr(enquiry, name, value)
    enquiry.anonymised_at = now
    if action == AuditEvent.Action.WITHDRAWN:
        enquiry.withdrawn_at = now
    enquiry.save()
    AuditEvent.objects.create(enquiry=enquiry, action=action, actor=actor)
    enquiry_anonymised.send(
        sender=Enquiry,
        enquiry_id=enquiry.pk,
        action=action,
        actor_id=actor.pk if actor else None,
    )
    return True


def enquiry_withdraw(*, token: str) -> Enquiry | None:
    """The person withdrew their enquiry with its private link: erase it at once."""
    enquiry = enquiry_by_withdrawal_token(token=token)
    if enquiry is None:
        return None
    enquiry_anonymise(enquiry=enquiry, action=AuditEvent.Action.WITHDRAWN)
    return enquiry


def withdrawal_link_email(*, token: str, link: str) -> bool:
    """Email the person their private withdrawal link, because they asked. Only for
    an enquiry made by email; the message names no service and no health matter."""
    enquiry = enquiry_by_withdrawal_token(token=token)
    if enquiry is None or not enquiry.email:
        return False
    send_templated_mail(
        "withdrawal_link",
        to=[enquiry.email],
        context={"reference": enquiry.reference, "link": link},
    )
    return True


def enquiry_mark_closed(*, enquiry_id: int, at: datetime | None = None) -> None:
    """Called by the callbacks side when the enquiry's callback closes: the retention
    clock starts. Idempotent: the first closing time stands."""
    Enquiry.objects.filter(pk=enquiry_id, closed_at__isnull=True).update(
        closed_at=at or timezone.now()
    )


def enquiry_record_access(*, enquiry: Enquiry, actor: User) -> AuditEvent:
    """Someone on the staff opened this enquiry's details: record who and when."""
    return AuditEvent.objects.create(
        enquiry=enquiry, action=AuditEvent.Action.VIEWED, actor=actor
    )


def enquiry_record(*, enquiry: Enquiry) -> list[presenters.Section]:
    """Everything we hold about the person, in words they can read: their answers,
    what the callbacks side holds (its receivers of `enquiry_record_requested` add
    their sections: tries and their notes, the history, the risk panel, the
    referral), and who opened their details, when. Reads only."""
    sections = [presenters.answers(enquiry)]
    for _receiver, answer in enquiry_record_requested.send(
        sender=Enquiry, enquiry=enquiry
    ):
        # A receiver's answer is whatever it returns (the stubs say str | None).
        sections.extend(cast(list[presenters.Section], answer))
    sections.append(presenters.access_log(enquiry))
    return sections


def enquiry_subject_access(
    *, enquiry: Enquiry, actor: User
) -> list[presenters.Section]:
    """The person's copy of their data (a subject access request), for a printable
    page; the export is recorded in the audit log."""
    sections = enquiry_record(enquiry=enquiry)
    AuditEvent.objects.create(
        enquiry=enquiry, action=AuditEvent.Action.EXPORTED, actor=actor
    )
    return sections


def enquiry_export(*, enquiry: Enquiry, actor: User) -> str:
    """`enquiry_subject_access` as readable JSON: sections of rows, each row a
    mapping from a plain-English label to words, never internal codes. Audited."""
    sections = enquiry_subject_access(enquiry=enquiry, actor=actor)
    document = {
        "reference": enquiry.reference,
        "prepared": presenters.moment(timezone.now()),
        "about": presenters.ABOUT_THIS_COPY,
        "sections": [section.as_dict() for section in sections],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


@dataclass(frozen=True)
class PurgeReport:
    anonymised: int
    unclosed_flagged: int


def enquiries_purge_expired(*, dry_run: bool = False) -> PurgeReport:
    """Apply the retention policy. Idempotent.

    Enquiries closed more than ENQUIRY_RETENTION_DAYS ago are anonymised; enquiries
    never closed after ENQUIRY_UNCLOSED_ALERT_DAYS are reported (by id) to whoever
    listens to `enquiries_unclosed`, so that a lead can act. `dry_run` only counts.
    """
    now = timezone.now()
    expired = Enquiry.objects.active().filter(
        closed_at__lt=now - timedelta(days=settings.ENQUIRY_RETENTION_DAYS)
    )
    unclosed_ids = list(
        Enquiry.objects.active()
        .filter(
            closed_at__isnull=True,
            created_at__lt=now - timedelta(days=settings.ENQUIRY_UNCLOSED_ALERT_DAYS),
        )
        .values_list("pk", flat=True)
    )
    if dry_run:
        return PurgeReport(
            anonymised=expired.count(), unclosed_flagged=len(unclosed_ids)
        )
    # The leads hear first: a long backlog cut short by the task's time limit
    # (each anonymisation commits on its own; the next run goes on) must not
    # silence the enquiries nobody closed.
    if unclosed_ids:
        enquiries_unclosed.send(sender=Enquiry, enquiry_ids=unclosed_ids)
    anonymised = sum(
        enquiry_anonymise(enquiry=enquiry, action=AuditEvent.Action.ANONYMISED)
        for enquiry in expired.only("pk")
    )
    return PurgeReport(anonymised=anonymised, unclosed_flagged=len(unclosed_ids))
