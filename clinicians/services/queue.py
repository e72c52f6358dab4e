"""Opening a callback: its band, when it is due, and who holds it."""

import logging
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from enquiries.availability import CallPlan, call_plan, open_from, read_once
from enquiries.models import Enquiry
from referral_site.queueing import send_after_commit

from ..lifecycle import check_transition
from ..models import Callback, CallbackEvent, Clinician, LeadNotice, Status, Urgency
from ..selectors import SUBSTANCE_TOPICS, clinician_next_available
from ..urgency import urgency_for
from .notify import lead_notice_raise

logger = logging.getLogger(__name__)

# The tasks queued from here and from clinicians/receivers.py, by the names
# clinicians/tasks.py registers them under: the services and receivers send by
# name and never import tasks.py (referral_site/queueing.py).
CALLBACK_OPEN_TASK = "clinicians.tasks.callback_open"
CALLBACK_NOTIFY_ASSIGNEE_TASK = "clinicians.tasks.callback_notify_assignee"


def callback_plan(*, enquiry: Enquiry, urgency: str) -> CallPlan:
    """When the band's clock starts and when the call is due (see `call_plan`)."""
    return call_plan(
        after=enquiry.created_at,
        minutes=settings.CALLBACK_TARGET_MINUTES[urgency],
        windows=enquiry.get_call_windows(),
        days=enquiry.get_call_days(),
    )


def callback_due_at(*, enquiry: Enquiry, urgency: str) -> datetime:
    """When the callback must happen: the band's target, counted from the next moment
    the service can call (opening, or the start of the person's safe time) and kept
    inside the safe, open times. An urgent callback is never due after a routine one
    sent at the same moment."""
    return callback_plan(enquiry=enquiry, urgency=urgency).due_at


def callback_open(*, enquiry_id: int) -> Callback | None:
    """Put an enquiry on the queue, scored and due, and assign it. Safe to run twice:
    a second run finds the callback and changes nothing. An urgent callback, or one
    that nobody can take, becomes a notice in the leads' next digest (out of hours,
    the first digest after opening). An enquiry already withdrawn or erased gets no
    callback."""
    # Its urgency and due time come from the other answers: nothing that says who
    # the person is or how to reach them is decrypted here.
    enquiry = (
        Enquiry.objects.active()
        .without_who_and_how_to_reach()
        .filter(pk=enquiry_id)
        .first()
    )
    if enquiry is None:
        return None
    urgency = urgency_for(enquiry)
    # The due time and when the leads hear of it: one reading of the hours, from
    # the database.
    with read_once(kept=False), transaction.atomic():
        plan = callback_plan(enquiry=enquiry, urgency=urgency)
        callback, created = Callback.objects.get_or_create(
            enquiry=enquiry,
            defaults={
                "urgency": urgency,
                "due_at": plan.due_at,
                "clock_starts_at": plan.starts_at,
            },
        )
        if created:
            CallbackEvent.objects.create(callback=callback, to_status=Status.NEW)
            assignee = callback_assign(callback=callback)
            tell_leads = open_from(timezone.now())
            if urgency == Urgency.URGENT:
                lead_notice_raise(
                    callback_id=callback.pk, kind=LeadNotice.Kind.URGENT, at=tell_leads
                )
            elif assignee is None:
                lead_notice_raise(
                    callback_id=callback.pk, kind=LeadNotice.Kind.WAITING, at=tell_leads
                )
    return callback


def topics_for(enquiry: Enquiry) -> set[str]:
    """The specialism topics of what the person is worried about."""
    return {
        SUBSTANCE_TOPICS[s] for s in enquiry.get_substances() if s in SUBSTANCE_TOPICS
    }


def callback_assign(*, callback: Callback, by: User | None = None) -> Clinician | None:
    """Give `callback` to the on-duty clinician with room and the fewest open
    callbacks (specialism breaks ties). With nobody available it stays unassigned.
    The assignee is told after the commit."""
    clinician = clinician_next_available(
        at=timezone.now(), topics=topics_for(callback.enquiry)
    )
    if clinician is None:
        logger.warning(
            "Callback %s waits: no clinician on duty with room.", callback.pk
        )
        return None
    hand_to(callback, clinician, by=by, detail="assigned by the rota")
    return clinician


def hand_to(
    callback: Callback, clinician: Clinician, *, by: User | None, detail: str
) -> None:
    """Make `clinician` the holder (recorded), and tell them after the commit."""
    previous = callback.status
    if previous == Status.NEW:
        check_transition(previous, Status.ASSIGNED)
        callback.status = Status.ASSIGNED
    callback.assigned_to = clinician
    callback.assigned_at = timezone.now()
    # A new holder: their own e-mail, claimed and counted afresh.
    callback.assignee_notify_claimed_at = None
    callback.assignee_notified_at = None
    callback.assignee_notify_failures = 0
    callback.assignee_notify_failed_at = None
    callback.reminded_at = None
    callback.save(
        update_fields=["status", "assigned_to", "assigned_at", "assignee_notified_at",
                       "assignee_notify_claimed_at", "assignee_notify_failures",
                       "assignee_notify_failed_at", "reminded_at"]
    )  # fmt: skip
    CallbackEvent.objects.create(
        callback=callback,
        by=by,
        from_status=previous,
        to_status=callback.status,
        assigned_to=clinician,
        detail=detail,
    )
    send_after_commit(CALLBACK_NOTIFY_ASSIGNEE_TASK, callback.pk)


def locked(callback: Callback) -> Callback:
    """The callback's row, locked until the transaction ends, with its enquiry."""
    return (
        Callback.objects.select_for_update(of=("self",))
        .select_related("enquiry")
        .get(pk=callback.pk)
    )


def refuse_if_closed(callback: Callback) -> None:
    if callback.status == Status.CLOSED:
        raise ValidationError("This callback is closed.")


@transaction.atomic
def callback_claim(*, callback: Callback, clinician: Clinician) -> Callback:
    """A clinician takes a callback: an unassigned one, or (a lead) anyone's."""
    callback = locked(callback)
    refuse_if_closed(callback)
    if callback.assigned_to_id == clinician.pk:
        return callback
    hand_to(callback, clinician, by=clinician.user, detail="claimed")
    return callback


@transaction.atomic
def callback_reassign(
    *, callback: Callback, clinician: Clinician, by: User
) -> Callback:
    """A lead gives a callback to another clinician."""
    callback = locked(callback)
    refuse_if_closed(callback)
    hand_to(callback, clinician, by=by, detail="reassigned by a lead")
    return callback


@transaction.atomic
def callback_change_urgency(
    *, callback: Callback, urgency: str, reason: str, by: User
) -> Callback:
    """A clinician changes the band by hand, saying why. The due time is worked out
    again for the new band from the enquiry's arrival (so raising it can make it
    overdue at once, and beat escalates it); the change and the reason are in the
    history. Raising it to urgent tells the leads."""
    reason = reason.strip()
    if urgency not in Urgency.values:
        raise ValidationError("Choose urgent, soon or routine.")
    if not reason:
        raise ValidationError("Say why the band should change: it goes in the record.")
    callback = locked(callback)
    refuse_if_closed(callback)
    if urgency == callback.urgency:
        raise ValidationError(f"This callback is already {urgency}.")
    previous = Urgency(callback.urgency).label.lower()
    plan = callback_plan(enquiry=callback.enquiry, urgency=urgency)
    callback.urgency = urgency
    callback.due_at, callback.clock_starts_at = plan.due_at, plan.starts_at
    # A new due time deserves its own reminder and, if missed, its own escalation.
    callback.reminded_at = callback.escalated_at = None
    callback.save(
        update_fields=["urgency", "due_at", "clock_starts_at", "reminded_at",
                       "escalated_at"]
    )  # fmt: skip
    CallbackEvent.objects.create(
        callback=callback,
        by=by,
        kind=CallbackEvent.Kind.BAND,
        from_status=callback.status,
        to_status=callback.status,
        assigned_to=callback.assigned_to,
        detail=f"band changed from {previous} to {urgency}",
        note=reason,
    )
    if urgency == Urgency.URGENT:
        lead_notice_raise(
            callback_id=callback.pk,
            kind=LeadNotice.Kind.URGENT,
            at=open_from(timezone.now()),
        )
    return callback
