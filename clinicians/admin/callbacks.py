"""The callback queue, and a callback's page.

The queue lists no personal data; urgent callbacks show their band by colour and by
an icon and word. A callback's page shows, to those allowed to open it (its
assignee, anyone while it is unassigned, leads), the reason for its band, the
person's answers, and the whole clinical record, open or closed; every opening is
recorded in the audit log. Changes go through the services, by the buttons in
actions.py.
"""

import copy
from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html

from enquiries import presenters
from enquiries.services import enquiry_record_access
from referral_site.admin_security import ReadOnlyAdminMixin

from ..lifecycle import IllegalTransition
from ..models import Callback, Referral, Status, Urgency
from ..record import band_reason, callback_record
from ..selectors import dashboard, urgency_rank
from ..services import counted_tries, spacing_rule
from ..services.notify import when
from .actions import ACTIONS, may_open
from .durations import duration_words
from .queue import HolderFilter, QueueChangeList, QueueFilter, attempts_count

BAND_ICONS = {Urgency.URGENT: "▲", Urgency.SOON: "◆", Urgency.ROUTINE: "●"}


@admin.register(Callback)
class CallbackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The callback queue. Read-only as the admin knows it: callbacks come from
    enquiries only, are closed and never deleted, and change by the buttons."""

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
