"""The callback queue, and a callback's page.

The queue lists no personal data; urgent callbacks show their band by colour and by
an icon and word. A callback's page shows, to those allowed to open it (its
assignee, anyone while it is unassigned, leads), the reason for its band, the
person's answers, and the whole clinical record, open or closed; every opening is
recorded in the audit log. Changes go through the services, by the buttons in
actions.py.
"""

import copy
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html

from enquiries import presenters
from enquiries.encryption import encrypted_fields
from enquiries.services import enquiry_record_access

from ..lifecycle import IllegalTransition
from ..models import (
    Callback,
    ContactAttempt,
    Referral,
    Status,
    Urgency,
    overdue_condition,
)
from ..record import band_reason, callback_record
from ..selectors import dashboard, urgency_rank
from ..services import counted_tries, spacing_rule
from ..services.notify import when
from .actions import ACTIONS, may_open
from .durations import duration_words

BAND_ICONS = {Urgency.URGENT: "▲", Urgency.SOON: "◆", Urgency.ROUTINE: "●"}


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
        queryset = super().get_queryset(request, exclude_parameters)
        secret = encrypted_fields()["enquiries.Enquiry"]
        return queryset.defer(*(f"enquiry__{name}" for name in secret))


@admin.register(Callback)
class CallbackAdmin(admin.ModelAdmin):
    """The callback queue."""

    change_form_template = "admin/clinicians/callback/change_form.html"
    change_list_template = "admin/clinicians/callback/change_list.html"
    list_display = ["reference", "band", "status", "time_left", "holder",
                    "attempt_count", "age"]  # fmt: skip
    list_filter = [QueueFilter, "urgency", "status", ("assigned_to", HolderFilter)]
    list_select_related = ["enquiry", "assigned_to"]
    # A COUNT(*) over every callback ever, on every page, only to print "(N total)".
    show_full_result_count = False
    search_fields = ["enquiry__reference"]  # references only: nothing personal
    fieldsets = [
        ("Callback", {"fields": ["reference", "urgency", "status", "outcome",
                                 "assigned_to", "due_at", "next_attempt_at",
                                 "created_at", "first_contact_at", "closed_at"]}),
        ("How and when to call", {"fields": ["name", "contact", "safe_times",
                                             "voicemail", "say_who_we_are"]}),
        ("What they told us", {"fields": ["for_whom", "danger", "substances",
                                          "message", "area", "came_from_topic"]}),
    ]  # fmt: skip
    readonly_fields = [
        "reference", "urgency", "status", "outcome", "assigned_to", "due_at",
        "next_attempt_at", "created_at", "first_contact_at", "closed_at", "name",
        "contact", "safe_times", "voicemail", "say_who_we_are", "for_whom",
        "danger", "substances", "message", "area", "came_from_topic",
    ]  # fmt: skip

    class Media:
        css = {"all": ["clinicians/callbacks.css"]}

    # --- who sees what --------------------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(attempts_count=attempts_count())

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_ordering(self, request):
        return [urgency_rank().asc(), "due_at"]  # most urgent first, then soonest

    def has_view_permission(self, request, obj=None) -> bool:
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or may_open(request, obj))

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the page is read-only; the actions change things

    def has_add_permission(self, request) -> bool:
        return False  # callbacks come from enquiries only

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a callback is closed, never deleted

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not (object_id.isascii() and object_id.isdigit()):
            raise Http404  # a crafted address ("abc"), not a callback's
        callback = get_object_or_404(
            Callback.objects.select_related("enquiry", "assigned_to__user"),
            pk=object_id,
        )
        if not self.has_view_permission(request, callback):
            raise PermissionDenied
        if request.method == "GET":
            enquiry_record_access(enquiry=callback.enquiry, actor=request.user)
        context = self._page_context(request, callback, bound=extra_context)
        return super().change_view(request, object_id, form_url, context)

    def _page_context(self, request, callback: Callback, bound=None) -> dict:
        """What the page shows beyond the fields: the band's reason, the record,
        and each button the table offers this user, with its form (bound, with its
        errors, after a refused press)."""
        bound = (bound or {}).get("bound_form", (None, None))
        context = {
            "band_reason": band_reason(callback),
            "band_icon": BAND_ICONS[callback.urgency],
            "record": callback_record(callback),
            "waits_until": callback.clock_starts_at
            if callback.clock_starts_at and callback.clock_starts_at > timezone.now()
            else None,
            "counted_tries": counted_tries(callback),
            "max_tries": settings.CALLBACK_MAX_ATTEMPTS,
            "spacing": spacing_rule(callback.urgency),
            "no_commission": Referral.NO_COMMISSION,
            "voicemail_ok": callback.enquiry.voicemail_ok,
            "say_who_ok": callback.enquiry.say_who_we_are_ok,
            "safe_to_call": presenters.safe_times(callback.enquiry),
        }
        for name, action in ACTIONS.items():
            shown = action.offered(request, callback) and action.permitted(
                request, callback
            )
            context[f"may_{name}"] = shown
            if shown and action.form is not None:
                context[f"{name}_form"] = (
                    bound[1] if bound[0] == name else action.bind(callback)
                )
        return context

    # --- the queue's columns -------------------------------------------------

    @admin.display(description="Reference", ordering="enquiry__reference")
    def reference(self, obj: Callback) -> str:
        return obj.enquiry.reference

    @admin.display(description="Band", ordering=urgency_rank())
    def band(self, obj: Callback) -> str:
        return format_html(
            '<span class="band band-{}"><span aria-hidden="true">{}</span> {}</span>',
            obj.urgency,
            BAND_ICONS[obj.urgency],
            obj.get_urgency_display(),
        )

    @admin.display(description="Time left", ordering="due_at")
    def time_left(self, obj: Callback) -> str:
        """How long before the target is breached, or how long since; out of hours,
        when calls can start; once the person is reached, that the target is met."""
        if obj.status == Status.CLOSED:
            return "-"
        if obj.first_contact_at:
            return f"Reached {when(obj.first_contact_at)}"
        now = timezone.now()
        left = obj.due_at - now
        if left < timedelta(0):
            return f"Overdue by {duration_words(left)}"
        countdown = f"{duration_words(left)} left"
        if obj.clock_starts_at and obj.clock_starts_at > now:
            return (
                f"{countdown}: nobody can call before {when(obj.clock_starts_at)},"
                f" due {when(obj.due_at)}"
            )
        return countdown

    @admin.display(description="Assigned to", ordering="assigned_to")
    def holder(self, obj: Callback) -> str:
        """Who holds it, and a warning while their assignment e-mail is failing:
        they may not know it is theirs."""
        if obj.assigned_to is None:
            return "-"
        if obj.assignee_notified_at is None and obj.assignee_notify_failures:
            return format_html(
                '{} <strong class="untold">(not told: e-mail refused {} times)'
                "</strong>",
                obj.assigned_to,
                obj.assignee_notify_failures,
            )
        return str(obj.assigned_to)

    @admin.display(description="Attempts", ordering="attempts_count")
    def attempt_count(self, obj: Callback) -> int:
        return obj.attempts_count

    @admin.display(description="Age", ordering="created_at")
    def age(self, obj: Callback) -> str:
        return duration_words(timezone.now() - obj.created_at)

    # --- the enquiry's answers, decrypted only here ---------------------------

    @admin.display(description="Name to use")
    def name(self, obj: Callback) -> str:
        return obj.enquiry.name

    @admin.display(description="Contact")
    def contact(self, obj: Callback) -> str:
        return presenters.contact(obj.enquiry)

    @admin.display(description="Safe to call")
    def safe_times(self, obj: Callback) -> str:
        return presenters.safe_times(obj.enquiry)

    @admin.display(description="Voicemail or message", boolean=True)
    def voicemail(self, obj: Callback) -> bool:
        return obj.enquiry.voicemail_ok

    @admin.display(description="May say who we are", boolean=True)
    def say_who_we_are(self, obj: Callback) -> bool:
        return obj.enquiry.say_who_we_are_ok

    @admin.display(description="For")
    def for_whom(self, obj: Callback) -> str:
        return presenters.for_whom(obj.enquiry)

    @admin.display(description="Danger when they wrote")
    def danger(self, obj: Callback) -> str:
        return presenters.danger(obj.enquiry)

    @admin.display(description="Worried about")
    def substances(self, obj: Callback) -> str:
        return presenters.substances(obj.enquiry)

    @admin.display(description="Message")
    def message(self, obj: Callback) -> str:
        return obj.enquiry.message or "-"

    @admin.display(description="Area")
    def area(self, obj: Callback) -> str:
        return obj.enquiry.area or "-"

    @admin.display(description="Came from an article on")
    def came_from_topic(self, obj: Callback) -> str:
        return obj.enquiry.came_from_topic or "-"

    # --- the buttons, and the lead's dashboard ---------------------------------

    def get_urls(self):
        return [
            path(
                "dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="clinicians_dashboard",
            ),
            *[
                path(
                    f"<int:pk>/{name}/",
                    self.admin_site.admin_view(self.action_view),
                    {"name": name},
                    name=f"clinicians_callback_{name}",
                )
                for name in ACTIONS
            ],
            *super().get_urls(),
        ]

    def action_view(self, request, pk: int, name: str):
        """Press one button: check the table's rule, validate its form, call its
        service. Refused input re-shows the page with the form's errors beside
        its fields and a summary at the top; nothing is half-saved."""
        if request.method != "POST":
            return redirect("admin:clinicians_callback_change", pk)
        action = ACTIONS[name]
        callback = get_object_or_404(Callback, pk=pk)
        if not action.permitted(request, callback):
            raise PermissionDenied
        form = action.bind(callback, request.POST)
        try:
            if form is not None and not form.is_valid():
                raise ValidationError("")
            done = action.run(request, callback, form.cleaned_data if form else {})
        except (ValidationError, IllegalTransition) as error:
            problems = [m for m in getattr(error, "messages", [str(error)]) if m]
            if form is None:
                messages.error(request, " ".join(problems))
                return redirect("admin:clinicians_callback_change", pk)
            for problem in problems:
                form.add_error(None, problem)
            messages.error(request, _summary(form))
            return self.change_view(
                _as_get(request), str(pk), extra_context={"bound_form": (name, form)}
            )
        messages.success(request, done)
        return redirect("admin:clinicians_callback_change", pk)

    def dashboard_view(self, request):
        """The lead's view: who holds what, what is overdue, how fast we call."""
        if not request.user.has_perm("clinicians.view_dashboard"):
            raise PermissionDenied
        figures = dashboard(now=timezone.now())
        context = self.admin_site.each_context(request) | {
            "title": "Lead's dashboard",
            **figures,
            "first_contact": {
                days: waits | {key: _in_words(waits[key]) for key in ("median", "p90")}
                for days, waits in figures["first_contact"].items()
            },
        }
        return TemplateResponse(request, "admin/clinicians/dashboard.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = (extra_context or {}) | {
            "may_see_dashboard": request.user.has_perm("clinicians.view_dashboard")
        }
        return super().changelist_view(request, extra_context)


def _summary(form) -> str:
    """The errors of a refused form in one line, for the message at the top."""
    return "There is a problem: " + " ".join(
        (f"{form.fields[field].label or field}: {error}" if field != "__all__"
         else error)
        for field, errors in form.errors.items()
        for error in errors
    )  # fmt: skip


def _as_get(request):
    # The page is shown again, as a GET shows it, with the refused form's errors.
    shown = copy.copy(request)
    shown.method = "GET"
    return shown


def _in_words(wait: timedelta | None) -> str | None:
    return None if wait is None else duration_words(wait)
