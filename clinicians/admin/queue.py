"""The queue's rows: the views staff open it on (the filters), who holds what, the
tries column, and rows read without the enquiry's encrypted answers."""

from datetime import datetime, time, timedelta

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import ContactAttempt, Status, Urgency, overdue_condition
from ..selectors import without_answers


class QueueFilter(admin.SimpleListFilter):
    """The views staff open every morning. A clinician's default is their own open
    callbacks plus every urgent one nobody holds; a lead's is what needs a lead."""

    title = "queue"
    parameter_name = "queue"

    def __init__(self, request, params, model, model_admin):
        self.request = request
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        lead = request.user.has_perm("clinicians.view_any_callback")
        return [
            ("mine", "My open callbacks and urgent unassigned"),
            *([("lead", "Needs a lead")] if lead else []),
            ("open", "All open"),
            ("unassigned", "Unassigned"),
            ("urgent", "Urgent"),
            ("overdue", "Overdue"),
            ("today", "Due today"),
            ("signoff", "Awaiting a lead's sign-off"),
            ("unnotified", "Assignee not told: e-mail failing"),
            ("follow_ups", "Follow-ups due"),
            ("closed", "Closed"),
        ]

    def value(self):
        value = super().value()
        if value in dict(self.lookup_choices):
            return value
        if self.request.user.has_perm("clinicians.view_any_callback"):
            return "lead"
        return "mine" if hasattr(self.request.user, "clinician") else "open"

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: lookup}
                ),
                "display": title,
            }

    def queryset(self, request, queryset):
        now = timezone.now()
        open_ = queryset.exclude(status=Status.CLOSED)
        mine = Q(assigned_to__user=request.user)
        urgent_unheld = Q(urgency=Urgency.URGENT, assigned_to__isnull=True)
        overdue = overdue_condition(now=now)
        untold = Q(assignee_notified_at__isnull=True, assignee_notify_failures__gt=0)
        today = timezone.localdate()
        midnight = timezone.make_aware(datetime.combine(today, time()))
        next_midnight = timezone.make_aware(
            datetime.combine(today + timedelta(days=1), time())
        )
        match self.value():
            case "mine":
                return open_.filter(mine | urgent_unheld)
            case "lead":
                return open_.filter(
                    mine | Q(assigned_to__isnull=True) | overdue
                    | Q(signoff_requested_at__isnull=False) | untold
                )  # fmt: skip
            case "unassigned":
                return open_.filter(assigned_to__isnull=True)
            case "urgent":
                return open_.filter(urgency=Urgency.URGENT)
            case "overdue":
                return open_.filter(overdue)
            case "today":
                # due_at__date, as a range the (status, due_at) index can serve.
                return open_.filter(due_at__gte=midnight, due_at__lt=next_midnight)
            case "signoff":
                return open_.filter(signoff_requested_at__isnull=False)
            case "unnotified":
                return open_.filter(untold)
            case "follow_ups":
                due = queryset.follow_ups_due(on=timezone.localdate())
                if request.user.has_perm("clinicians.view_any_callback"):
                    return due
                return due.filter(mine | Q(referral__referred_by=request.user))
            case "closed":
                return queryset.filter(status=Status.CLOSED)
        return open_


class HolderFilter(admin.RelatedFieldListFilter):
    """Who holds it: the clinicians are listed once a request. The admin builds its
    filters again for each count when "Show counts" is on, and each build would
    otherwise read the clinicians again."""

    def field_choices(self, field, request, model_admin):
        if not hasattr(request, "_queue_holder_choices"):
            request._queue_holder_choices = super().field_choices(
                field, request, model_admin
            )
        return request._queue_holder_choices


def attempts_count() -> Coalesce:
    """How many tries a callback has had, as a subquery rather than a join and a
    GROUP BY: PostgreSQL works it out for the rows on the page only (after the sort
    and LIMIT), and the queue's COUNT(*) leaves it out."""
    tries = (
        ContactAttempt.objects.filter(callback=OuterRef("pk"))
        .order_by()
        .values("callback")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(tries, output_field=IntegerField()), 0)


class QueueChangeList(ChangeList):
    """The queue's rows, read without the enquiry's encrypted answers: the queue
    shows none of them, so none is fetched or decrypted, whatever the page size."""

    def get_queryset(self, request, exclude_parameters=None):
        return without_answers(super().get_queryset(request, exclude_parameters))
