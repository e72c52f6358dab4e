"""Every write that matters on the callbacks side. Views, admin actions, tasks and
commands call these; each says whether it is safe to run twice."""

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from enquiries.availability import call_slots
from enquiries.models import Enquiry
from enquiries.services import enquiry_mark_closed

from .lifecycle import check_transition
from .models import (
    Callback,
    CallbackEvent,
    Clinician,
    ContactAttempt,
    Outcome,
    Provider,
    Referral,
    RiskAssessment,
    Status,
    Urgency,
)
from .selectors import SUBSTANCE_TOPICS, clinician_next_available, clinicians_on_duty
from .staff_groups import LEAD
from .urgency import urgency_for

logger = logging.getLogger(__name__)

FAILED_RESULTS = {
    ContactAttempt.Result.NO_ANSWER,
    ContactAttempt.Result.VOICEMAIL,
    ContactAttempt.Result.WRONG_NUMBER,
    ContactAttempt.Result.MESSAGE_SENT,
}


# --- opening and assigning --------------------------------------------------------


def callback_due_at(*, enquiry: Enquiry, urgency: str) -> datetime:
    """When the callback must happen: the band's target from the enquiry's arrival,
    kept inside a time the person said is safe and the service is open. If no safe
    time falls before the target, the end of the first safe time."""
    target = enquiry.created_at + timedelta(
        minutes=settings.CALLBACK_TARGET_MINUTES[urgency]
    )
    due = first_end = None
    slots = call_slots(
        after=enquiry.created_at,
        windows=enquiry.get_call_windows(),
        days=enquiry.get_call_days(),
    )
    for slot in slots:
        first_end = first_end or slot.end
        if slot.start >= target:
            break
        due = min(slot.end, target)
    return due or first_end or target


def callback_open(*, enquiry_id: int) -> Callback | None:
    """Put an enquiry on the queue, scored and due, and assign it. Safe to run twice:
    a second run finds the callback and changes nothing. Urgent callbacks, and any
    that nobody can take, are told to the leads after the commit. An enquiry already
    withdrawn or erased gets no callback."""
    enquiry = Enquiry.objects.active().filter(pk=enquiry_id).first()
    if enquiry is None:
        return None
    urgency = urgency_for(enquiry)
    with transaction.atomic():
        callback, created = Callback.objects.get_or_create(
            enquiry=enquiry,
            defaults={
                "urgency": urgency,
                "due_at": callback_due_at(enquiry=enquiry, urgency=urgency),
            },
        )
        if created:
            CallbackEvent.objects.create(callback=callback, to_status=Status.NEW)
            assignee = callback_assign(callback=callback)
            if assignee is None or urgency == Urgency.URGENT:
                _on_commit_tell_leads(callback)
    return callback


def _topics_for(enquiry: Enquiry) -> set[str]:
    return {
        SUBSTANCE_TOPICS[s] for s in enquiry.get_substances() if s in SUBSTANCE_TOPICS
    }


def callback_assign(
    *, callback: Callback, by: AbstractBaseUser | None = None
) -> Clinician | None:
    """Give `callback` to the on-duty clinician with room and the fewest open
    callbacks (specialism breaks ties). With nobody available it stays unassigned.
    The assignee is told after the commit."""
    clinician = clinician_next_available(
        at=timezone.now(), topics=_topics_for(callback.enquiry)
    )
    if clinician is None:
        logger.warning(
            "Callback %s waits: no clinician on duty with room.", callback.pk
        )
        return None
    _hand_to(callback, clinician, by=by, detail="assigned by the rota")
    return clinician


def _hand_to(callback: Callback, clinician: Clinician, *, by, detail: str) -> None:
    from .tasks import callback_notify_assignee  # tasks import services, not back

    previous = callback.status
    if previous == Status.NEW:
        check_transition(previous, Status.ASSIGNED)
        callback.status = Status.ASSIGNED
    callback.assigned_to = clinician
    callback.assigned_at = timezone.now()
    callback.assignee_notified_at = None
    callback.reminded_at = None
    callback.save(
        update_fields=["status", "assigned_to", "assigned_at", "assignee_notified_at",
                       "reminded_at"]
    )  # fmt: skip
    CallbackEvent.objects.create(
        callback=callback,
        by=by,
        from_status=previous,
        to_status=callback.status,
        assigned_to=clinician,
        detail=detail,
    )
    callback_notify_assignee.delay_on_commit(callback.pk)


@transaction.atomic
def callback_claim(*, callback: Callback, clinician: Clinician) -> Callback:
    """A clinician takes a callback: an unassigned one, or (a lead) anyone's."""
    callback = _locked(callback)
    if callback.status == Status.CLOSED:
        raise ValidationError("This callback is closed.")
    if callback.assigned_to_id == clinician.pk:
        return callback
    _hand_to(callback, clinician, by=clinician.user, detail="claimed")
    return callback


@transaction.atomic
def callback_reassign(
    *, callback: Callback, clinician: Clinician, by: AbstractBaseUser
) -> Callback:
    """A lead gives a callback to another clinician."""
    callback = _locked(callback)
    if callback.status == Status.CLOSED:
        raise ValidationError("This callback is closed.")
    _hand_to(callback, clinician, by=by, detail="reassigned by a lead")
    return callback


def _locked(callback: Callback) -> Callback:
    return (
        Callback.objects.select_for_update(of=("self",))
        .select_related("enquiry")
        .get(pk=callback.pk)
    )


def _set_status(
    callback: Callback, status: str, *, by, detail: str = "", **fields
) -> None:
    previous = callback.status
    check_transition(previous, status)
    callback.status = status
    for name, value in fields.items():
        setattr(callback, name, value)
    callback.full_clean(exclude=["enquiry", "assigned_to"])
    callback.save()
    CallbackEvent.objects.create(
        callback=callback,
        by=by,
        from_status=previous,
        to_status=status,
        assigned_to=callback.assigned_to,
        detail=detail,
    )


@transaction.atomic
def callback_start(*, callback: Callback, by: AbstractBaseUser) -> Callback:
    """The clinician is working on it now."""
    callback = _locked(callback)
    _set_status(callback, Status.IN_PROGRESS, by=by)
    return callback


# --- contact attempts, risk, closing ----------------------------------------------


@transaction.atomic
def attempt_log(
    *,
    callback: Callback,
    by: AbstractBaseUser,
    channel: str,
    result: str,
    message_left: bool = False,
    note: str = "",
) -> ContactAttempt:
    """Record one try at reaching the person, and move the callback on: reached
    means contacted; a failed try means attempted, and after CALLBACK_MAX_ATTEMPTS
    failed tries the callback closes as unable to reach. A message is refused when
    the person said none may be left."""
    callback = _locked(callback)
    leaves_message = message_left or result == ContactAttempt.Result.VOICEMAIL
    if leaves_message and not callback.enquiry.voicemail_ok:
        raise ValidationError(
            "This person asked us not to leave a voicemail or a message."
        )
    attempt = ContactAttempt.objects.create(
        callback=callback,
        by=by,
        channel=channel,
        result=result,
        message_left=leaves_message,
        note=note,
    )
    if result == ContactAttempt.Result.REACHED:
        extra = {} if callback.first_contact_at else {"first_contact_at": attempt.at}
        _set_status(callback, Status.CONTACTED, by=by, **extra)
        return attempt
    _set_status(callback, Status.ATTEMPTED, by=by, detail=attempt.get_result_display())
    failed = callback.attempts.filter(result__in=FAILED_RESULTS).count()
    if failed >= settings.CALLBACK_MAX_ATTEMPTS:
        # The clinician's last step is in the record: a neutral message only where
        # the person allowed one.
        last_step = (
            "a last neutral message may be left"
            if callback.enquiry.voicemail_ok
            else "no message may be left"
        )
        _close(callback, Outcome.UNABLE_TO_REACH, by=by,
               detail=f"{failed} tries without reaching them; {last_step}")  # fmt: skip
    return attempt


@transaction.atomic
def callback_schedule_next_attempt(
    *, callback: Callback, at: datetime, by: AbstractBaseUser
) -> Callback:
    """Plan the next try; beat reminds the assignee before it."""
    callback = _locked(callback)
    if callback.status == Status.CLOSED:
        raise ValidationError("This callback is closed.")
    if at <= timezone.now():
        raise ValidationError("Choose a time in the future for the next try.")
    callback.next_attempt_at = at
    callback.reminded_at = None
    callback.save(update_fields=["next_attempt_at", "reminded_at"])
    return callback


def risk_record(
    *, callback: Callback, by: AbstractBaseUser, **answers: str
) -> RiskAssessment:
    """Record or update the risk panel."""
    risk, _ = RiskAssessment.objects.update_or_create(
        callback=callback, defaults={**answers, "updated_by": by}
    )
    return risk


@transaction.atomic
def callback_close(
    *, callback: Callback, outcome: str, by: AbstractBaseUser | None = None
) -> Callback:
    """Close a callback with its outcome; the enquiry's retention clock starts.
    A referral closes through `callback_refer`, which records the provider."""
    if outcome == Outcome.REFERRED:
        raise ValidationError("To close as referred, use Refer and choose a provider.")
    callback = _locked(callback)
    _close(callback, outcome, by=by)
    return callback


def _close(callback: Callback, outcome: str, *, by, detail: str = "") -> None:
    if not outcome:
        raise ValidationError("Choose an outcome to close the callback.")

    _set_status(
        callback, Status.CLOSED, by=by, detail=detail, outcome=outcome,
        closed_at=timezone.now(), next_attempt_at=None,
    )  # fmt: skip
    enquiry_mark_closed(enquiry_id=callback.enquiry_id, at=callback.closed_at)


@transaction.atomic
def callback_refer(
    *,
    callback: Callback,
    provider: Provider,
    funding_route: str,
    follow_up_on: date,
    by: AbstractBaseUser,
) -> Referral:
    """Close a callback as referred to a registered provider, with how it is paid
    for and when to check the person got there."""
    callback = _locked(callback)
    if not provider.is_active:
        raise ValidationError("That provider is no longer in the directory.")
    referral = Referral(
        callback=callback,
        provider=provider,
        funding_route=funding_route,
        referred_on=timezone.localdate(),
        follow_up_on=follow_up_on,
        referred_by=by,
    )
    referral.full_clean()
    _close(callback, Outcome.REFERRED, by=by, detail=f"referred to {provider}")
    referral.save()
    return referral


def callback_close_withdrawn(*, enquiry_id: int) -> None:
    """The person withdrew their enquiry: close its callback, if it is still open."""
    callback = Callback.objects.open().filter(enquiry_id=enquiry_id).first()
    if callback is not None:
        callback_close(callback=callback, outcome=Outcome.WITHDRAWN)


def callback_erase_notes(*, enquiry_id: int) -> None:
    """The enquiry's personal data was erased: erase what we wrote about the person."""
    ContactAttempt.objects.filter(callback__enquiry_id=enquiry_id).update(note="")
    RiskAssessment.objects.filter(callback__enquiry_id=enquiry_id).delete()


# --- telling staff (references and times only, never personal data) --------------


def _admin_link(callback: Callback) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "admin:clinicians_callback_change", args=[callback.pk]
    )


def _due(callback: Callback) -> str:
    due = timezone.localtime(callback.due_at)
    if due.date() == timezone.localdate():
        return date_format(due, "H:i")
    return date_format(due, "H:i \\o\\n D j M")


def _lead_emails() -> list[str]:
    return list(
        get_user_model()
        .objects.filter(groups__name=LEAD, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _on_commit_tell_leads(callback: Callback) -> None:
    from .tasks import callback_tell_leads

    callback_tell_leads.delay_on_commit(callback.pk)


@transaction.atomic
def callback_notify_assignee(*, callback_id: int) -> bool:
    """Email the assignee that a callback is theirs; return whether mail was sent.
    Once per assignment: a second run sends nothing."""
    if not Callback.objects.filter(pk=callback_id, assigned_to__isnull=False).exists():
        return False
    if not _claim(callback_id, "assignee_notified_at", timezone.now()):
        return False
    callback = Callback.objects.select_related("enquiry", "assigned_to__user").get(
        pk=callback_id
    )
    recipient = callback.assigned_to.user.email
    if not recipient:
        return False
    reference, band = callback.enquiry.reference, callback.get_urgency_display()
    send_mail(
        subject=f"Callback {reference} ({band.lower()}) is assigned to you",
        message=(
            f"Callback {reference} ({band.lower()}) is assigned to you,"
            f" due by {_due(callback)}.\n\n"
            f"Open it in the admin: {_admin_link(callback)}\n"
        ),
        from_email=None,
        recipient_list=[recipient],
    )
    return True


@transaction.atomic
def callback_tell_leads(*, callback_id: int) -> bool:
    """Tell the leads at once about an urgent callback, or one nobody could take.
    Once per callback."""
    if not _claim(callback_id, "leads_told_at", timezone.now()):
        return False
    callback = Callback.objects.select_related("enquiry", "assigned_to").get(
        pk=callback_id
    )
    leads = _lead_emails()
    if not leads:
        return False
    reference, band = callback.enquiry.reference, callback.get_urgency_display()
    holder = (
        f"is assigned to {callback.assigned_to}"
        if callback.assigned_to
        else "waits: nobody on duty has room to take it"
    )
    send_mail(
        subject=f"{band} callback {reference} {holder.split(':')[0]}",
        message=(
            f"{band} callback {reference} {holder}. Due by {_due(callback)}.\n\n"
            f"{_admin_link(callback)}\n"
        ),
        from_email=None,
        recipient_list=leads,
    )
    return True


def leads_notify_unclosed(*, enquiry_ids: list[int]) -> int:
    """Tell the lead clinicians which enquiries have stayed open far too long.
    References only. Returns the number of leads told."""
    references = sorted(
        Enquiry.objects.filter(pk__in=enquiry_ids).values_list("reference", flat=True)
    )
    leads = _lead_emails()
    if references and leads:
        send_mail(
            subject=f"{len(references)} enquiries have not been closed",
            message=(
                f"These enquiries came in over {settings.ENQUIRY_UNCLOSED_ALERT_DAYS}"
                " days ago and their callbacks are still open, so their personal data"
                " cannot be deleted yet. Please review and close them:\n\n"
                + "\n".join(references)
                + f"\n\n{settings.SITE_URL.rstrip('/')}"
                + reverse("admin:clinicians_callback_changelist")
                + "\n"
            ),
            from_email=None,
            recipient_list=leads,
        )
    return len(leads) if references else 0


# --- beat's rounds: each safe on two beats at once ---------------------------------
# Each round claims a callback with a conditional UPDATE (set the mark only where it
# is still empty); of two beats racing, one updates the row and acts, the other
# updates nothing and moves on. No lock server needed.


def _claim(callback_id: int, mark: str, now: datetime) -> bool:
    """Set `mark` where it is still empty; True for the one caller that set it."""
    return bool(
        Callback.objects.filter(pk=callback_id, **{f"{mark}__isnull": True}).update(
            **{mark: now}
        )
    )


def callbacks_remind() -> int:
    """Remind assignees of callbacks (or planned tries) due within the reminder
    window. Once per callback until it is reassigned or rescheduled."""
    now = timezone.now()
    soon = now + timedelta(minutes=settings.CALLBACK_REMINDER_MINUTES)
    due = (
        Callback.objects.open()
        .filter(assigned_to__isnull=False, reminded_at__isnull=True)
        .filter(
            Q(next_attempt_at__isnull=True, due_at__gt=now, due_at__lte=soon)
            | Q(next_attempt_at__gt=now, next_attempt_at__lte=soon)
        )
    )
    sent = 0
    for callback_id in due.values_list("pk", flat=True):
        with transaction.atomic():  # a failed send un-claims, so the retry sends
            if not _claim(callback_id, "reminded_at", now):
                continue
            callback = Callback.objects.select_related(
                "enquiry", "assigned_to__user"
            ).get(pk=callback_id)
            when = callback.next_attempt_at or callback.due_at
            if callback.assigned_to.user.email:
                send_mail(
                    subject=f"Reminder: callback {callback.enquiry.reference} is due",
                    message=(
                        f"Callback {callback.enquiry.reference}"
                        f" ({callback.get_urgency_display().lower()}) is due at"
                        f" {date_format(timezone.localtime(when), 'H:i')}.\n\n"
                        f"{_admin_link(callback)}\n"
                    ),
                    from_email=None,
                    recipient_list=[callback.assigned_to.user.email],
                )
                sent += 1
    return sent


def callbacks_escalate() -> int:
    """Tell the leads, once, about each open callback that is past its due time."""
    now = timezone.now()
    overdue = Callback.objects.open().filter(due_at__lt=now, escalated_at__isnull=True)
    leads = _lead_emails()
    escalated = 0
    for callback_id in overdue.values_list("pk", flat=True):
        with transaction.atomic():  # a failed send un-claims, so the retry sends
            if not _claim(callback_id, "escalated_at", now):
                continue
            callback = Callback.objects.select_related("enquiry", "assigned_to").get(
                pk=callback_id
            )
            if leads:
                holder = callback.assigned_to or "nobody"
                send_mail(
                    subject=f"Overdue: callback {callback.enquiry.reference}",
                    message=(
                        f"Callback {callback.enquiry.reference}"
                        f" ({callback.get_urgency_display().lower()}), held by"
                        f" {holder}, was due at {_due(callback)} and is still open.\n\n"
                        f"{_admin_link(callback)}\n"
                    ),
                    from_email=None,
                    recipient_list=leads,
                )
            escalated += 1
    return escalated


def callbacks_reassign_off_duty() -> int:
    """Give waiting callbacks to whoever is on duty now: unassigned ones, and those
    whose assignee has gone off duty before reaching the person. Safe to rerun."""
    now = timezone.now()
    moved = 0
    # One query for who is on duty, then only the callbacks that need a new holder:
    # this runs every minute over the whole queue.
    on_duty = clinicians_on_duty(at=now).values("pk")
    candidates = Callback.objects.filter(
        status__in=[Status.NEW, Status.ASSIGNED, Status.ATTEMPTED]
    ).exclude(assigned_to__in=on_duty)
    for callback in candidates:
        with transaction.atomic():
            locked = _locked(callback)
            if locked.assigned_to_id != callback.assigned_to_id:
                continue  # another beat got there first
            clinician = clinician_next_available(
                at=now, topics=_topics_for(locked.enquiry)
            )
            if clinician is None or clinician.pk == locked.assigned_to_id:
                continue
            detail = (
                "assigned by the rota"
                if locked.assigned_to is None
                else ("reassigned: the assignee went off duty")
            )
            _hand_to(locked, clinician, by=None, detail=detail)
            moved += 1
    return moved


def enquiries_without_callback(*, older_than: timedelta):
    """Enquiries that should have a callback by now and do not."""
    cutoff = timezone.now() - older_than
    return Enquiry.objects.active().filter(
        callback__isnull=True, created_at__lte=cutoff
    )


def callbacks_sweep() -> int:
    """Open callbacks for enquiries that never got one (the broker or the worker was
    down when they were submitted). Safe to run twice, or on two beats at once."""
    grace = timedelta(seconds=settings.CALLBACK_SWEEP_GRACE_SECONDS)
    enquiry_ids = list(
        enquiries_without_callback(older_than=grace).values_list("pk", flat=True)
    )
    for enquiry_id in enquiry_ids:
        callback_open(enquiry_id=enquiry_id)
    if enquiry_ids:
        logger.warning("Sweep opened %d missed callback(s).", len(enquiry_ids))
    return len(enquiry_ids)
