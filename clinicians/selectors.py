"""Reads that need care: who is on duty, who can take a callback, the queue."""

import math
from collections.abc import Collection
from datetime import datetime, timedelta

from django.db.models import (
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from enquiries.encryption import encrypted_fields

from .models import (
    Callback,
    Clinician,
    DutyChange,
    Outcome,
    Shift,
    Status,
    Urgency,
    overdue_condition,
)

# Substances on the form, and the topics clinicians list as specialisms.
SUBSTANCE_TOPICS = {
    "heroin": "heroin-and-opioids",
    "alcohol": "alcohol",
    "cocaine": "cocaine",
}


def without_answers[M: Model](
    queryset: QuerySet[M], *, enquiry: str = "enquiry"
) -> QuerySet[M]:
    """`queryset` read without the encrypted answers of the enquiry it reaches by
    `enquiry` (a callback's own, a notice's "callback__enquiry"): for what shows
    none of them (the queue, the staff e-mails, which name the reference only), so
    none is fetched or decrypted."""
    secret = encrypted_fields()["enquiries.Enquiry"]
    return queryset.defer(*(f"{enquiry}__{name}" for name in secret))


def clinicians_on_duty(*, at: datetime) -> QuerySet[Clinician]:
    """Active clinicians the rota has on duty at `at`: a weekly shift or an extra
    duty covers it, and no absence does. (Subqueries, not joins, so that counts
    annotated afterwards are not multiplied.)"""
    local = timezone.localtime(at)
    covering = {"starts_at__lte": at, "ends_at__gt": at}
    shift = Shift.objects.filter(
        clinician=OuterRef("pk"),
        weekday=local.weekday(),
        starts__lte=local.time(),
        ends__gt=local.time(),
    )
    extra = DutyChange.objects.filter(
        clinician=OuterRef("pk"), kind=DutyChange.Kind.EXTRA, **covering
    )
    absent = DutyChange.objects.filter(
        clinician=OuterRef("pk"), kind=DutyChange.Kind.ABSENT, **covering
    )
    return Clinician.objects.filter(
        Q(Exists(shift)) | Q(Exists(extra)),
        ~Exists(absent),
        is_active=True,
        user__is_active=True,
    )


def is_on_duty(clinician: Clinician, *, at: datetime) -> bool:
    return clinicians_on_duty(at=at).filter(pk=clinician.pk).exists()


def open_callback_count() -> Coalesce:
    """For each clinician, how many callbacks they hold that are not closed: counted
    through the index of open callbacks by holder, so that the closed ones, which
    grow with every month the service runs, are never read."""
    held = (
        Callback.objects.filter(assigned_to=OuterRef("pk"))
        .exclude(status=Status.CLOSED)
        .order_by()
        .values("assigned_to")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(held), 0)


def clinician_next_available(
    *, at: datetime, topics: Collection[str] = frozenset()
) -> Clinician | None:
    """The on-duty clinician with room for another callback and the fewest open ones;
    among equals, one whose specialisms include one of `topics` (slugs)."""
    specialist = Clinician.specialisms.through.objects.filter(
        clinician=OuterRef("pk"), topic__slug__in=topics
    )
    return (
        clinicians_on_duty(at=at)
        .annotate(open_count=open_callback_count(), specialist=Exists(specialist))
        .filter(open_count__lt=F("max_open_callbacks"))
        .order_by("open_count", "-specialist", "pk")
        .first()
    )


URGENCY_ORDER = {Urgency.URGENT: 0, Urgency.SOON: 1, Urgency.ROUTINE: 2}


def urgency_rank() -> Case:
    """0 for urgent, 1 for soon, 2 for routine: to sort the queue in the database."""
    return Case(
        *[
            When(urgency=band, then=Value(order))
            for band, order in URGENCY_ORDER.items()
        ],
        output_field=IntegerField(),
    )


# --- the lead's dashboard: every figure from the database's own aggregates ---------


def _percentile(queryset: QuerySet, field: str, fraction: float):
    """The nearest-rank percentile of `field` over `queryset`: one COUNT and one
    ORDER BY ... OFFSET, the same on PostgreSQL and SQLite."""
    count = queryset.count()
    if not count:
        return None
    rank = max(math.ceil(fraction * count) - 1, 0)
    return queryset.order_by(field).values_list(field, flat=True)[rank]


def time_to_first_contact(*, since: datetime) -> dict:
    """Median and 90th percentile from an enquiry arriving to a clinician first
    speaking to the person, for callbacks opened since `since`."""
    waits = Callback.objects.filter(
        created_at__gte=since, first_contact_at__isnull=False
    ).annotate(
        wait=ExpressionWrapper(
            F("first_contact_at") - F("created_at"), output_field=DurationField()
        )
    )
    return {
        "count": waits.count(),
        "median": _percentile(waits, "wait", 0.5),
        "p90": _percentile(waits, "wait", 0.9),
    }


def dashboard(*, now: datetime) -> dict:
    open_ = ~Q(callbacks__status=Status.CLOSED)
    return {
        "per_clinician": Clinician.objects.filter(is_active=True)
        .annotate(
            open_count=Count("callbacks", filter=open_),
            overdue_count=Count(
                "callbacks",
                filter=open_ & overdue_condition(now=now, prefix="callbacks__"),
            ),
        )
        .order_by("-open_count", "display_name"),
        "overdue": Callback.objects.overdue(now=now).count(),
        "unassigned": Callback.objects.open().filter(assigned_to__isnull=True).count(),
        "first_contact": {
            days: time_to_first_contact(since=now - timedelta(days=days))
            for days in (7, 30)
        },
        "outcomes_by_month": [
            row | {"outcome": Outcome(row["outcome"]).label}  # labels for the page
            for row in Callback.objects.filter(status=Status.CLOSED)
            .annotate(month=TruncMonth("closed_at"))
            .values("month", "outcome")
            .annotate(count=Count("pk"))
            .order_by("-month", "outcome")
        ],
    }
