"""The callback queue and the rota, in the admin.

The queue lists no personal data. A callback's page shows the enquiry's answers,
decrypted, to its assignee (or anyone, for an unassigned one) and to leads; every
opening is recorded in the audit log. Changes go through the services, by the
one-click actions on that page.
"""

from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import timesince
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from enquiries.models import CallWindow, Relationship, Substance, TheyKnow, Weekday
from enquiries.services import enquiry_record_access

from . import services
from .forms import AttemptForm, CloseForm, ReferForm, RiskForm, ScheduleForm
from .lifecycle import IllegalTransition
from .models import (
    Callback,
    CallbackEvent,
    Clinician,
    ContactAttempt,
    DutyChange,
    Provider,
    Referral,
    Shift,
    Status,
    Urgency,
)
from .selectors import clinicians_on_duty, dashboard, urgency_rank

_OPEN = ~Q(callbacks__status=Status.CLOSED)


class ShiftInline(admin.TabularInline):
    model = Shift
    extra = 0


class DutyChangeInline(admin.TabularInline):
    model = DutyChange
    extra = 0


@admin.register(Clinician)
class ClinicianAdmin(admin.ModelAdmin):
    list_display = ["display_name", "on_duty_now", "open_callbacks",
                    "max_open_callbacks", "registration", "is_active"]  # fmt: skip
    list_filter = ["is_active"]
    search_fields = ["display_name"]
    filter_horizontal = ["specialisms"]
    inlines = [ShiftInline, DutyChangeInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(open_count=Count("callbacks", filter=_OPEN))
        )

    def changelist_view(self, request, extra_context=None):
        # One query for who is on duty, not one per row.
        self._on_duty = set(
            clinicians_on_duty(at=timezone.now()).values_list("pk", flat=True)
        )
        return super().changelist_view(request, extra_context)

    @admin.display(description="On duty now", boolean=True)
    def on_duty_now(self, obj: Clinician) -> bool:
        return obj.pk in getattr(self, "_on_duty", set())

    @admin.display(description="Open callbacks", ordering="open_count")
    def open_callbacks(self, obj: Clinician) -> int:
        return obj.open_count

    @admin.display(description="Registration")
    def registration(self, obj: Clinician) -> str:
        return f"{obj.registration_body} {obj.registration_number}".strip()


class QueueFilter(admin.SimpleListFilter):
    """The views a clinician opens every morning; 'My open callbacks' by default."""

    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("mine", "My open callbacks"),
            ("open", "All open"),
            ("unassigned", "Unassigned"),
            ("urgent", "Urgent"),
            ("overdue", "Overdue"),
            ("today", "Due today"),
            ("closed", "Closed"),
        ]

    def value(self):
        value = super().value()
        if value in dict(self.lookup_choices):
            return value
        return "mine" if hasattr(self.request.user, "clinician") else "open"

    def __init__(self, request, params, model, model_admin):
        self.request = request
        super().__init__(request, params, model, model_admin)

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
        match self.value():
            case "mine":
                return open_.filter(assigned_to__user=request.user)
            case "unassigned":
                return open_.filter(assigned_to__isnull=True)
            case "urgent":
                return open_.filter(urgency=Urgency.URGENT)
            case "overdue":
                return open_.filter(due_at__lt=now)
            case "today":
                return open_.filter(due_at__date=timezone.localdate())
            case "closed":
                return queryset.filter(status=Status.CLOSED)
        return open_


class RecordInline(admin.TabularInline):
    """A record kept by the services: shown on the callback's page, never edited."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class EventInline(RecordInline):
    model = CallbackEvent
    fields = ["at", "by", "from_status", "to_status", "assigned_to", "detail"]
    verbose_name_plural = "history"


class AttemptInline(RecordInline):
    model = ContactAttempt
    fields = ["at", "by", "channel", "result", "message_left", "note"]
    verbose_name_plural = "contact attempts"


def _labels(values, choices) -> str:
    names = dict(choices)
    return ", ".join(str(names.get(v, v)) for v in values) or "-"


@admin.register(Callback)
class CallbackAdmin(admin.ModelAdmin):
    """The callback queue."""

    change_form_template = "admin/clinicians/callback/change_form.html"
    list_display = ["reference", "urgency", "status", "time_left", "assigned_to",
                    "attempt_count", "age"]  # fmt: skip
    list_filter = [QueueFilter, "urgency", "status", "assigned_to"]
    list_select_related = ["enquiry", "assigned_to"]
    search_fields = ["enquiry__reference"]  # references only: nothing personal
    inlines = [AttemptInline, EventInline]
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

    # --- who sees what --------------------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(attempts_count=Count("attempts"))

    def get_ordering(self, request):
        return [urgency_rank().asc(), "due_at"]  # most urgent first, then soonest

    def may_open(self, request, obj: Callback) -> bool:
        """Details are for the assignee, anyone while unassigned, and leads."""
        user = request.user
        return (
            user.has_perm("clinicians.view_any_callback")
            or obj.assigned_to_id is None
            or obj.assigned_to.user_id == user.pk
        )

    def has_view_permission(self, request, obj=None) -> bool:
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or self.may_open(request, obj))

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the page is read-only; the actions below change things

    def has_add_permission(self, request) -> bool:
        return False  # callbacks come from enquiries only

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a callback is closed, never deleted

    def may_act(self, request, obj: Callback) -> bool:
        return request.user.has_perm("clinicians.change_callback") and self.may_open(
            request, obj
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        callback = get_object_or_404(Callback, pk=object_id)
        if not self.has_view_permission(request, callback):
            raise PermissionDenied
        if request.method == "GET":
            enquiry_record_access(enquiry=callback.enquiry, actor=request.user)
        extra_context = (extra_context or {}) | self._action_context(request, callback)
        return super().change_view(request, object_id, form_url, extra_context)

    def _action_context(self, request, callback: Callback) -> dict:
        clinician = getattr(request.user, "clinician", None)
        is_open = callback.status != Status.CLOSED
        return {
            "may_act": self.may_act(request, callback) and is_open,
            "may_claim": bool(clinician) and is_open
            and callback.assigned_to_id != getattr(clinician, "pk", None),
            "may_reassign": request.user.has_perm("clinicians.reassign_callback")
            and is_open,
            "clinicians": Clinician.objects.filter(is_active=True),
            "attempt_form": AttemptForm(
                initial={"channel": callback.enquiry.contact_method}
            ),
            "schedule_form": ScheduleForm(),
            "close_form": CloseForm(),
            "refer_form": ReferForm(),
            "no_commission": Referral.NO_COMMISSION,
            "risk_form": RiskForm(instance=getattr(callback, "risk", None)),
            "voicemail_ok": callback.enquiry.voicemail_ok,
            "say_who_ok": callback.enquiry.say_who_we_are_ok,
            "safe_to_call": self.safe_times(callback),
        }  # fmt: skip

    # --- the queue's columns -------------------------------------------------

    @admin.display(description="Reference", ordering="enquiry__reference")
    def reference(self, obj: Callback) -> str:
        return obj.enquiry.reference

    @admin.display(description="Time left", ordering="due_at")
    def time_left(self, obj: Callback) -> str:
        """How long before the callback target is breached, or how long since."""
        if obj.status == Status.CLOSED:
            return "-"
        left = obj.due_at - timezone.now()
        if left >= timedelta(0):
            return f"{_hours_minutes(left)} left"
        return f"Overdue by {_hours_minutes(-left)}"

    @admin.display(description="Attempts", ordering="attempts_count")
    def attempt_count(self, obj: Callback) -> int:
        return obj.attempts_count

    @admin.display(description="Age", ordering="created_at")
    def age(self, obj: Callback) -> str:
        return timesince(obj.created_at)

    # --- the enquiry's answers, decrypted only here ---------------------------

    @admin.display(description="Name to use")
    def name(self, obj: Callback) -> str:
        return obj.enquiry.name

    @admin.display(description="Contact")
    def contact(self, obj: Callback) -> str:
        enquiry = obj.enquiry
        detail = enquiry.email if enquiry.contact_method == "email" else enquiry.phone
        return f"{enquiry.get_contact_method_display()}: {detail}"

    @admin.display(description="Safe to call")
    def safe_times(self, obj: Callback) -> str:
        enquiry = obj.enquiry
        windows = enquiry.get_call_windows()
        days = enquiry.get_call_days()
        when = (
            _labels(windows, CallWindow.choices) if windows else "Any time we are open"
        )
        on = _labels(days, Weekday.choices) if days else "any day"
        return f"{when}; {on}"

    @admin.display(description="Voicemail or message", boolean=True)
    def voicemail(self, obj: Callback) -> bool:
        return obj.enquiry.voicemail_ok

    @admin.display(description="May say who we are", boolean=True)
    def say_who_we_are(self, obj: Callback) -> bool:
        return obj.enquiry.say_who_we_are_ok

    @admin.display(description="For")
    def for_whom(self, obj: Callback) -> str:
        enquiry = obj.enquiry
        if enquiry.for_whom == "self":
            return "Themselves"
        relationship = dict(Relationship.choices).get(enquiry.relationship, "")
        they_know = dict(TheyKnow.choices).get(enquiry.they_know, "not asked")
        return f"Someone else: {relationship}. Do they know? {they_know}"

    @admin.display(description="Danger when they wrote")
    def danger(self, obj: Callback) -> str:
        return obj.enquiry.get_danger_display()

    @admin.display(description="Worried about")
    def substances(self, obj: Callback) -> str:
        return _labels(obj.enquiry.get_substances(), Substance.choices)

    @admin.display(description="Message")
    def message(self, obj: Callback) -> str:
        return obj.enquiry.message or "-"

    @admin.display(description="Area")
    def area(self, obj: Callback) -> str:
        return obj.enquiry.area or "-"

    @admin.display(description="Came from an article on")
    def came_from_topic(self, obj: Callback) -> str:
        return obj.enquiry.came_from_topic or "-"

    # --- one-click actions -----------------------------------------------------

    def get_urls(self):
        actions = ["claim", "start", "attempt", "schedule", "close", "refer", "risk",
                   "reassign"]  # fmt: skip
        dashboard_url = path(
            "dashboard/",
            self.admin_site.admin_view(self.dashboard_view),
            name="clinicians_dashboard",
        )
        return [
            dashboard_url,
            *[
                path(
                    f"<int:pk>/{name}/",
                    self.admin_site.admin_view(self._action_view(name)),
                    name=f"clinicians_callback_{name}",
                )
                for name in actions
            ],
            *super().get_urls(),
        ]

    def dashboard_view(self, request):
        """The lead's view: who holds what, what is overdue, how fast we call."""
        if not request.user.has_perm("clinicians.view_dashboard"):
            raise PermissionDenied
        context = self.admin_site.each_context(request) | {
            "title": "Lead's dashboard",
            **dashboard(now=timezone.now()),
        }
        return TemplateResponse(request, "admin/clinicians/dashboard.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = (extra_context or {}) | {
            "may_see_dashboard": request.user.has_perm("clinicians.view_dashboard")
        }
        return super().changelist_view(request, extra_context)

    def _action_view(self, name: str):
        def view(request, pk: int):
            if request.method != "POST":
                return redirect("admin:clinicians_callback_change", pk)
            callback = get_object_or_404(Callback, pk=pk)
            if name == "reassign":
                allowed = request.user.has_perm("clinicians.reassign_callback")
            else:
                # Claiming too needs the callback to be open to this user: their own,
                # unassigned, or (for a lead) anyone's.
                allowed = self.may_act(request, callback) and (
                    name != "claim" or hasattr(request.user, "clinician")
                )
            if not allowed:
                raise PermissionDenied
            try:
                done = getattr(self, f"_do_{name}")(request, callback)
            except (ValidationError, IllegalTransition) as error:
                text = " ".join(getattr(error, "messages", [str(error)]))
                messages.error(request, text)
            else:
                messages.success(request, done)
            return redirect("admin:clinicians_callback_change", pk)

        return view

    def _form(self, form_class, request, **kwargs):
        form = form_class(request.POST, **kwargs)
        if not form.is_valid():
            raise ValidationError(
                [f"{form.fields[f].label or f}: {e}" if f != "__all__" else e
                 for f, errors in form.errors.items() for e in errors]
            )  # fmt: skip
        return form

    def _do_claim(self, request, callback):
        services.callback_claim(callback=callback, clinician=request.user.clinician)
        return "The callback is yours."

    def _do_start(self, request, callback):
        services.callback_start(callback=callback, by=request.user)
        return "Marked as in progress."

    def _do_attempt(self, request, callback):
        data = self._form(AttemptForm, request).cleaned_data
        attempt = services.attempt_log(callback=callback, by=request.user, **data)
        return f"Attempt logged: {attempt.get_result_display()}."

    def _do_schedule(self, request, callback):
        at = self._form(ScheduleForm, request).cleaned_data["at"]
        services.callback_schedule_next_attempt(
            callback=callback, at=at, by=request.user
        )
        return f"Next try planned for {timezone.localtime(at):%H:%M on %d %b}."

    def _do_close(self, request, callback):
        outcome = self._form(CloseForm, request).cleaned_data["outcome"]
        services.callback_close(callback=callback, outcome=outcome, by=request.user)
        return "Callback closed."

    def _do_refer(self, request, callback):
        data = self._form(ReferForm, request).cleaned_data
        referral = services.callback_refer(callback=callback, by=request.user, **data)
        follow_up = f"{referral.follow_up_on:%d %b}"
        return f"Referred to {referral.provider}; follow up on {follow_up}."

    def _do_risk(self, request, callback):
        form = self._form(RiskForm, request, instance=getattr(callback, "risk", None))
        services.risk_record(callback=callback, by=request.user, **form.cleaned_data)
        return "Risk panel saved."

    def _do_reassign(self, request, callback):
        clinician = Clinician.objects.filter(
            pk=request.POST.get("clinician"), is_active=True
        ).first()
        if clinician is None:
            raise ValidationError("Choose a clinician to give this callback to.")
        services.callback_reassign(
            callback=callback, clinician=clinician, by=request.user
        )
        return f"Reassigned to {clinician}."


def _hours_minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60}h {minutes % 60:02d}m"


class StaleFilter(admin.SimpleListFilter):
    title = "verification"
    parameter_name = "verification"

    def lookups(self, request, model_admin):
        return [("stale", "Not verified for 12 months")]

    def queryset(self, request, queryset):
        if self.value() == "stale":
            return queryset.filter(last_verified_on__lt=_a_year_ago())
        return queryset


def _a_year_ago():
    return timezone.localdate() - timedelta(days=365)


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    """The directory of registered services clinicians refer to."""

    list_display = ["name", "kind", "regulator", "registration_id", "region",
                    "cost_band", "nhs_funded", "last_verified_on",
                    "verified_recently"]  # fmt: skip
    list_filter = [
        StaleFilter,
        "kind",
        "regulator",
        "nhs_funded",
        "cost_band",
        "region",
    ]
    search_fields = ["name", "region", "registration_id"]

    @admin.display(description="Verified in the last year", boolean=True)
    def verified_recently(self, obj: Provider) -> bool:
        return obj.last_verified_on >= _a_year_ago()


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["callback", "provider", "funding_route", "referred_on",
                    "follow_up_on", "commission"]  # fmt: skip
    list_filter = ["funding_route", "provider"]
    list_select_related = ["callback__enquiry", "provider"]
    readonly_fields = ["callback", "provider", "funding_route", "referred_on",
                       "follow_up_on", "referred_by", "commission"]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False  # referrals are made from the callback page

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Commission")
    def commission(self, obj: Referral) -> str:
        return Referral.NO_COMMISSION
