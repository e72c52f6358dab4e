"""A callback's life once it is on the queue: tries, the risk panel, the lead's
sign-off, closing, referral and its follow-up, and what erasure leaves behind."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from enquiries.services import enquiry_mark_closed

from ..lifecycle import check_transition
from ..models import (
    Callback,
    CallbackEvent,
    ContactAttempt,
    FollowUpResult,
    LeadNotice,
    Outcome,
    Provider,
    Referral,
    RiskAssessment,
    Status,
    Urgency,
)
from .notify import lead_notice_raise
from .queue import locked, refuse_if_closed

FAILED_RESULTS = {
    ContactAttempt.Result.NO_ANSWER,
    ContactAttempt.Result.VOICEMAIL,
    ContactAttempt.Result.WRONG_NUMBER,
    ContactAttempt.Result.MESSAGE_SENT,
}
# The parts of the day a routine callback's counted tries must differ in.
DAY_PARTS = ((12, "morning"), (17, "afternoon"), (24, "evening"))


def set_status(
    callback: Callback, status: str, *, by: User | None, detail: str = "",
    note: str = "", kind: str = CallbackEvent.Kind.STATUS, **fields: object,
) -> None:  # fmt: skip
    """Move `callback` to `status` (the lifecycle table decides) and record it."""
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
        kind=kind,
        from_status=previous,
        to_status=status,
        assigned_to=callback.assigned_to,
        detail=detail,
        note=note,
    )


def _record(
    callback: Callback, *, by: User | None, kind: str, detail: str, note: str = ""
) -> None:
    """An event that does not change the status: a sign-off, a follow-up."""
    CallbackEvent.objects.create(
        callback=callback,
        by=by,
        kind=kind,
        from_status=callback.status,
        to_status=callback.status,
        assigned_to=callback.assigned_to,
        detail=detail,
        note=note,
    )


@transaction.atomic
def callback_start(*, callback: Callback, by: User) -> Callback:
    """The clinician is working on it now."""
    callback = locked(callback)
    set_status(callback, Status.IN_PROGRESS, by=by)
    return callback


# --- tries -----------------------------------------------------------------------


def _day_part(moment: datetime) -> tuple[date, str]:
    local = timezone.localtime(moment)
    return local.date(), next(name for end, name in DAY_PARTS if local.hour < end)


def spacing_rule(urgency: str) -> str:
    """The spacing a counted try needs, in words for staff and the record."""
    minutes = settings.CALLBACK_ATTEMPT_SPACING_MINUTES.get(urgency)
    if minutes is None:
        return "in another part of the day (morning, afternoon, evening) or day"
    return f"at least {minutes} minutes after the last counted try"


def is_spaced(*, urgency: str, at: datetime, last_counted: datetime | None) -> bool:
    """Whether a failed try at `at` counts towards closing as unable to reach: the
    first always does; later ones only when spaced from the last counted try, by
    CALLBACK_ATTEMPT_SPACING_MINUTES for the band, or (bands without a number,
    routine) in another part of the day. Three tries in a minute are one try."""
    if last_counted is None:
        return True
    minutes = settings.CALLBACK_ATTEMPT_SPACING_MINUTES.get(urgency)
    if minutes is None:
        return _day_part(at) != _day_part(last_counted)
    return at - last_counted >= timedelta(minutes=minutes)


@transaction.atomic
def attempt_log(
    *,
    callback: Callback,
    by: User,
    channel: str,
    result: str,
    message_left: bool = False,
    note: str = "",
) -> ContactAttempt:
    """Record one try at reaching the person, and move the callback on.

    Reached means contacted. A failed try means attempted; it counts towards
    closing only when spaced from the last counted one (`is_spaced`). After
    CALLBACK_MAX_ATTEMPTS counted tries a callback closes as unable to reach,
    except an urgent one: that waits for a lead's sign-off (`callback_signoff`),
    and the leads are told. A message is refused when the person said none may be
    left."""
    callback = locked(callback)
    leaves_message = message_left or result == ContactAttempt.Result.VOICEMAIL
    if leaves_message and not callback.enquiry.voicemail_ok:
        raise ValidationError(
            "This person asked us not to leave a voicemail or a message."
        )
    now = timezone.now()
    failed = result in FAILED_RESULTS
    last = callback.attempts.filter(counts=True).order_by("-at").first()
    counts = failed and is_spaced(
        urgency=callback.urgency, at=now, last_counted=last.at if last else None
    )
    attempt = ContactAttempt.objects.create(
        callback=callback,
        by=by,
        channel=channel,
        result=result,
        message_left=leaves_message,
        counts=counts,
        note=note,
    )
    if not failed:
        set_status(
            callback, Status.CONTACTED, by=by, signoff_requested_at=None,
            first_contact_at=callback.first_contact_at or attempt.at,
        )  # fmt: skip
        return attempt
    counted = callback.attempts.filter(counts=True).count()
    limit = settings.CALLBACK_MAX_ATTEMPTS
    detail = (
        f"{attempt.get_result_display()}: try {counted} of {limit} counted"
        if counts
        else f"{attempt.get_result_display()}: not counted, tries count only"
        f" {spacing_rule(callback.urgency)}"
    )
    set_status(callback, Status.ATTEMPTED, by=by, detail=detail[:200])
    if counts and counted >= limit:
        _tries_ran_out(callback, counted, by=by)
    return attempt


def _tries_ran_out(callback: Callback, counted: int, *, by: User) -> None:
    # The clinician's last step is in the record: a neutral message only where the
    # person allowed one.
    last_step = (
        "a last neutral message may be left"
        if callback.enquiry.voicemail_ok
        else "no message may be left"
    )
    if callback.urgency != Urgency.URGENT:
        detail = f"{counted} spaced tries without reaching them; {last_step}"
        close(callback, Outcome.UNABLE_TO_REACH, by=by, detail=detail)
        return
    if callback.signoff_requested_at is None:
        callback.signoff_requested_at = timezone.now()
        callback.save(update_fields=["signoff_requested_at"])
        _record(
            callback, by=by, kind=CallbackEvent.Kind.SIGNOFF,
            detail=f"{counted} spaced tries without reaching them: urgent, so a lead"
            " must sign off before it closes as unable to reach",
        )  # fmt: skip
        lead_notice_raise(
            callback_id=callback.pk, kind=LeadNotice.Kind.SIGNOFF, at=timezone.now()
        )


def counted_tries(callback: Callback) -> int:
    return callback.attempts.filter(counts=True).count()


@transaction.atomic
def callback_signoff(
    *, callback: Callback, by: User, reason: str, close_it: bool = True
) -> Callback:
    """A lead's decision on an urgent callback nobody could reach: close it as
    unable to reach (`close_it`), or send it back for more tries. Either way the
    lead and their reason are in the history."""
    if not by.has_perm("clinicians.signoff_callback"):
        raise ValidationError("Only a lead clinician can sign this off.")
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why: the reason goes in the record.")
    callback = locked(callback)
    refuse_if_closed(callback)
    if close_it:
        close(
            callback, Outcome.UNABLE_TO_REACH, by=by, kind=CallbackEvent.Kind.SIGNOFF,
            detail="a lead signed off closing it as unable to reach", note=reason,
        )  # fmt: skip
    else:
        callback.signoff_requested_at = None
        callback.save(update_fields=["signoff_requested_at"])
        _record(
            callback, by=by, kind=CallbackEvent.Kind.SIGNOFF,
            detail="a lead asked for more tries", note=reason,
        )  # fmt: skip
    return callback


@transaction.atomic
def callback_schedule_next_attempt(
    *, callback: Callback, at: datetime, by: User
) -> Callback:
    """Plan the next try; beat reminds the assignee before it."""
    callback = locked(callback)
    refuse_if_closed(callback)
    if at <= timezone.now():
        raise ValidationError("Choose a time in the future for the next try.")
    callback.next_attempt_at = at
    callback.reminded_at = None
    callback.save(update_fields=["next_attempt_at", "reminded_at"])
    return callback


def risk_record(*, callback: Callback, by: User, **answers: str) -> RiskAssessment:
    """Record or update the risk panel."""
    risk, _ = RiskAssessment.objects.update_or_create(
        callback=callback, defaults={**answers, "updated_by": by}
    )
    return risk


# --- closing ---------------------------------------------------------------------


@transaction.atomic
def callback_close(
    *, callback: Callback, outcome: str, by: User | None = None
) -> Callback:
    """Close a callback with its outcome; the enquiry's retention clock starts.

    A referral closes through `callback_refer`, which records the provider. Unable
    to reach needs CALLBACK_MAX_ATTEMPTS spaced tries, and for an urgent callback a
    lead's sign-off (`callback_signoff`): never a click after three quick tries."""
    if outcome == Outcome.REFERRED:
        raise ValidationError("To close as referred, use Refer and choose a provider.")
    callback = locked(callback)
    if outcome == Outcome.UNABLE_TO_REACH:
        if callback.urgency == Urgency.URGENT:
            raise ValidationError(
                "An urgent callback closes as unable to reach only when a lead signs"
                " it off. Keep trying, or ask a lead."
            )
        counted, limit = counted_tries(callback), settings.CALLBACK_MAX_ATTEMPTS
        if counted < limit:
            raise ValidationError(
                f"Close as unable to reach after {limit} spaced tries; {counted} so"
                f" far (tries count {spacing_rule(callback.urgency)})."
            )
    close(callback, outcome, by=by)
    return callback


def close(
    callback: Callback, outcome: str, *, by: User | None, detail: str = "",
    note: str = "", kind: str = CallbackEvent.Kind.STATUS,
) -> None:  # fmt: skip
    if not outcome:
        raise ValidationError("Choose an outcome to close the callback.")
    set_status(
        callback, Status.CLOSED, by=by, detail=detail, note=note, kind=kind,
        outcome=outcome, closed_at=timezone.now(), next_attempt_at=None,
        signoff_requested_at=None,
    )  # fmt: skip
    enquiry_mark_closed(enquiry_id=callback.enquiry_id, at=callback.closed_at)


@transaction.atomic
def callback_refer(
    *,
    callback: Callback,
    provider: Provider,
    funding_route: str,
    follow_up_on: date,
    by: User,
) -> Referral:
    """Close a callback as referred to a registered provider, with how it is paid
    for and when to check the person got there (beat reminds the assignee then)."""
    callback = locked(callback)
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
    close(callback, Outcome.REFERRED, by=by, detail=f"referred to {provider}")
    referral.save()
    return referral


@transaction.atomic
def referral_follow_up_record(
    *, callback: Callback, by: User, result: str, note: str = ""
) -> Referral:
    """Record the check that a referred person got there; it leaves the follow-ups
    queue. Recorded in the history, the note encrypted."""
    if result not in FollowUpResult.values:
        raise ValidationError("Choose what you found.")
    callback = locked(callback)
    referral = Referral.objects.select_for_update().filter(callback=callback).first()
    if referral is None:
        raise ValidationError("This callback was not referred.")
    if referral.followed_up_at:
        raise ValidationError("The follow-up is already recorded.")
    referral.followed_up_at, referral.followed_up_by = timezone.now(), by
    referral.follow_up_result, referral.follow_up_note = result, note
    referral.save()
    _record(
        callback, by=by, kind=CallbackEvent.Kind.FOLLOW_UP,
        detail=f"followed up: {FollowUpResult(result).label.lower()}", note=note,
    )  # fmt: skip
    return referral


# --- when the person withdraws, or their data is erased ----------------------------

_CLOSED_BY = {"withdrawn": Outcome.WITHDRAWN, "erased": Outcome.ERASED}


def callback_close_anonymised(
    *, enquiry_id: int, action: str, actor_id: int | None = None
) -> None:
    """The enquiry's personal data was erased: close its callback if it is still
    open (withdrawn by the person, or erased by staff), so nobody is sent to call
    a number we no longer hold, and erase what we wrote about the person."""
    with transaction.atomic():
        callback = Callback.objects.open().filter(enquiry_id=enquiry_id).first()
        if callback is not None:
            callback = locked(callback)
            outcome = _CLOSED_BY.get(action, Outcome.ERASED)
            close(callback, outcome, by=_user(actor_id),
                  detail="closed: the enquiry's personal data was erased")  # fmt: skip
        callback_erase_notes(enquiry_id=enquiry_id)


def _user(user_id: int | None) -> User | None:
    return get_user_model().objects.filter(pk=user_id).first() if user_id else None


def callback_erase_notes(*, enquiry_id: int) -> None:
    """Erase what we wrote about the person: attempt and history notes, the risk
    panel, the follow-up note. Times, results and who acted stay, anonymous."""
    ContactAttempt.objects.filter(callback__enquiry_id=enquiry_id).update(note="")
    CallbackEvent.objects.filter(callback__enquiry_id=enquiry_id).update(note="")
    Referral.objects.filter(callback__enquiry_id=enquiry_id).update(follow_up_note="")
    RiskAssessment.objects.filter(callback__enquiry_id=enquiry_id).delete()
