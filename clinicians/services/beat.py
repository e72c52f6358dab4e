"""Beat's rounds: each safe on two beats at once, and cheap when nothing is due.

Each round claims a callback with a conditional UPDATE (`notify.claim`: set the mark
only where it is still empty); of two beats racing, one updates the row and acts,
the other updates nothing and moves on. No lock server needed.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from enquiries.models import Enquiry
from referral_site.emails import send_templated_mail

from ..models import Callback, LeadNotice, Referral, Status
from ..selectors import clinician_next_available, clinicians_on_duty
from .notify import (
    assignee_email,
    callback_link,
    callback_notify_assignee,
    claim,
    lead_notice_raise,
    notify_claimable,
)
from .queue import callback_open, hand_to, locked, topics_for

logger = logging.getLogger(__name__)


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
            if not claim(callback_id, "reminded_at", now):
                continue
            callback = Callback.objects.select_related(
                "enquiry", "assigned_to__user"
            ).get(pk=callback_id)
            moment = callback.next_attempt_at or callback.due_at
            if recipient := assignee_email(callback):
                send_templated_mail(
                    "callback_reminder",
                    to=[recipient],
                    context={
                        "callback": callback,
                        "due": f"{timezone.localtime(moment):%H:%M}",
                        "link": callback_link(callback),
                    },
                )
                sent += 1
    return sent


def callbacks_escalate() -> int:
    """Put each callback that passed its due time without anyone reaching the
    person into the leads' next digest, once (again if its band changes)."""
    now = timezone.now()
    escalated = 0
    for callback_id in (
        Callback.objects.overdue(now=now)
        .filter(escalated_at__isnull=True)
        .values_list("pk", flat=True)
    ):
        with transaction.atomic():
            if claim(callback_id, "escalated_at", now):
                lead_notice_raise(
                    callback_id=callback_id,
                    kind=LeadNotice.Kind.OVERDUE,
                    at=now,
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
            current = locked(callback)
            if current.assigned_to_id != callback.assigned_to_id:
                continue  # another beat got there first
            clinician = clinician_next_available(
                at=now, topics=topics_for(current.enquiry)
            )
            if clinician is None or clinician.pk == current.assigned_to_id:
                continue
            detail = (
                "assigned by the rota"
                if current.assigned_to is None
                else "reassigned: the assignee went off duty"
            )
            hand_to(current, clinician, by=None, detail=detail)
            moved += 1
    return moved


def callbacks_notify_missed() -> int:
    """Tell assignees whose assignment e-mail was never sent (the broker was down
    when they were given the callback, or the mail server refused it). Once per
    assignment, as the task is; a refused send is tried again next round."""
    now = timezone.now()
    grace = now - timedelta(seconds=settings.CALLBACK_SWEEP_GRACE_SECONDS)
    missed = Callback.objects.open().filter(
        notify_claimable(now), assigned_at__lte=grace
    )
    sent = 0
    for callback_id in missed.values_list("pk", flat=True):
        try:
            sent += callback_notify_assignee(callback_id=callback_id)
        except OSError:
            # The mail server refused: the claim is released and the failure
            # counted, so the next sweep tries again; the rest of this round goes on.
            continue
    return sent


def enquiries_without_callback(*, older_than: timedelta) -> QuerySet[Enquiry]:
    """Enquiries that should have a callback by now and do not."""
    cutoff = timezone.now() - older_than
    return Enquiry.objects.active().filter(
        callback__isnull=True, created_at__lte=cutoff
    )


def callbacks_sweep() -> int:
    """Open callbacks for enquiries that never got one (the broker or the worker was
    down when they were submitted). Safe to run twice, or on two beats at once.
    Assignment e-mails that were never sent are a round of their own, on the mail
    queue (`callbacks_notify_missed`): a frozen mail server never slows this one."""
    grace = timedelta(seconds=settings.CALLBACK_SWEEP_GRACE_SECONDS)
    enquiry_ids = list(
        enquiries_without_callback(older_than=grace).values_list("pk", flat=True)
    )
    for enquiry_id in enquiry_ids:
        callback_open(enquiry_id=enquiry_id)
    if enquiry_ids:
        logger.warning("Sweep opened %d missed callback(s).", len(enquiry_ids))
    return len(enquiry_ids)


def referrals_remind_follow_up() -> int:
    """Remind the assignee (or whoever referred) when a referral's follow-up falls
    due. Once per referral."""
    now = timezone.now()
    due = Referral.objects.filter(
        follow_up_on__lte=timezone.localdate(),
        followed_up_at__isnull=True,
        follow_up_reminded_at__isnull=True,
    )
    sent = 0
    for referral_id in due.values_list("pk", flat=True):
        with transaction.atomic():  # a failed send un-claims, so the retry sends
            claimed = Referral.objects.filter(
                pk=referral_id, follow_up_reminded_at__isnull=True
            ).update(follow_up_reminded_at=now)
            if not claimed:
                continue
            referral = Referral.objects.select_related(
                "callback__enquiry", "callback__assigned_to__user", "referred_by"
            ).get(pk=referral_id)
            holder = referral.callback.assigned_to
            recipient = holder.user.email if holder else referral.referred_by.email
            if recipient:
                send_templated_mail(
                    "follow_up_due",
                    to=[recipient],
                    context={
                        "callback": referral.callback,
                        "follow_up_on": f"{referral.follow_up_on:%a %d %b}",
                        "link": callback_link(referral.callback),
                    },
                )
                sent += 1
    return sent
