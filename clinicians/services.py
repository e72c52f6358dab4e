import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from enquiries.models import Enquiry
from enquiries.services import enquiry_mark_closed

from .models import Callback, Clinician
from .staff_groups import LEAD

logger = logging.getLogger(__name__)


def callback_open(*, enquiry_id: int) -> Callback:
    """Put an enquiry on the callback queue and assign it. Safe to run twice.

    Creates the enquiry's one Callback, due CALLBACK_TARGET_HOURS after the enquiry,
    and assigns it to an on-duty clinician. A second run finds the callback and
    changes nothing. The assignee is told after the commit, by a task.
    """
    enquiry = Enquiry.objects.only("pk", "created_at").get(pk=enquiry_id)
    due_at = enquiry.created_at + timedelta(hours=settings.CALLBACK_TARGET_HOURS)
    with transaction.atomic():
        callback, created = Callback.objects.get_or_create(
            enquiry=enquiry, defaults={"due_at": due_at}
        )
        if created:
            callback_assign(callback=callback)
    return callback


def clinician_next_available() -> Clinician | None:
    """The on-duty clinician with room for another callback and the fewest open ones."""
    return (
        Clinician.objects.filter(is_active=True, on_duty=True, user__is_active=True)
        .annotate(
            open_count=Count(
                "callbacks", filter=~Q(callbacks__status=Callback.Status.CLOSED)
            )
        )
        .filter(open_count__lt=F("max_open_callbacks"))
        .order_by("open_count", "pk")
        .first()
    )


def callback_assign(*, callback: Callback) -> Clinician | None:
    """Assign `callback` to the next available clinician, if anyone is available.

    With nobody on duty with room, the callback stays new and unassigned. The
    assignee is notified after the transaction commits.
    """
    from .tasks import (
        callback_notify_assignee,
    )  # tasks import services, not the reverse

    clinician = clinician_next_available()
    if clinician is None:
        logger.warning(
            "Callback %s waits: no clinician on duty with room.", callback.pk
        )
        return None
    callback.assigned_to = clinician
    callback.status = Callback.Status.ASSIGNED
    callback.assigned_at = timezone.now()
    callback.save(update_fields=["assigned_to", "status", "assigned_at"])
    callback_notify_assignee.delay_on_commit(callback.pk)
    return clinician


@transaction.atomic
def callback_notify_assignee(*, callback_id: int) -> bool:
    """Email the assignee that a callback is theirs; return whether mail was sent.

    Once per assignment: a second run sends nothing. The email carries the reference,
    the due time and a link to the admin, and nothing about the person.
    """
    callback = (
        Callback.objects.select_for_update(of=("self",))
        .select_related("enquiry", "assigned_to__user")
        .get(pk=callback_id)
    )
    if callback.assigned_to is None or callback.assignee_notified_at is not None:
        return False
    recipient = callback.assigned_to.user.email
    if recipient:
        due = timezone.localtime(callback.due_at)
        link = settings.SITE_URL.rstrip("/") + reverse(
            "admin:clinicians_callback_change", args=[callback.pk]
        )
        send_mail(
            subject=f"Callback {callback.enquiry.reference} is assigned to you",
            message=(
                f"Callback {callback.enquiry.reference} is assigned to you,"
                f" due by {date_format(due, 'H:i \\o\\n D j M')}.\n\n"
                f"Open it in the admin: {link}\n"
            ),
            from_email=None,
            recipient_list=[recipient],
        )
    callback.assignee_notified_at = timezone.now()
    callback.save(update_fields=["assignee_notified_at"])
    return bool(recipient)


def enquiries_without_callback(*, older_than: timedelta):
    """Enquiries that should have a callback by now and do not."""
    cutoff = timezone.now() - older_than
    return Enquiry.objects.filter(callback__isnull=True, created_at__lte=cutoff)


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


@transaction.atomic
def callback_close(*, callback: Callback, outcome: str) -> Callback:
    """Close a callback with its outcome; the enquiry's retention clock starts."""
    callback.status = Callback.Status.CLOSED
    callback.outcome = outcome
    callback.closed_at = timezone.now()
    callback.full_clean()
    callback.save(update_fields=["status", "outcome", "closed_at"])
    enquiry_mark_closed(enquiry_id=callback.enquiry_id, at=callback.closed_at)
    return callback


def callback_close_withdrawn(*, enquiry_id: int) -> None:
    """The person withdrew their enquiry: close its callback, if it is still open."""
    callback = Callback.objects.open().filter(enquiry_id=enquiry_id).first()
    if callback is not None:
        callback_close(callback=callback, outcome=Callback.Outcome.WITHDRAWN)


def leads_notify_unclosed(*, enquiry_ids: list[int]) -> int:
    """Tell the lead clinicians which enquiries have stayed open far too long.
    References only. Returns the number of leads told."""
    references = sorted(
        Enquiry.objects.filter(pk__in=enquiry_ids).values_list("reference", flat=True)
    )
    leads = list(
        get_user_model()
        .objects.filter(groups__name=LEAD, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
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
