from datetime import timedelta

from django.contrib import admin
from django.db.models import Count, Q
from django.utils import timezone

from .models import Callback, Clinician
from .services import callback_close


@admin.register(Clinician)
class ClinicianAdmin(admin.ModelAdmin):
    list_display = [
        "display_name",
        "on_duty",
        "open_callbacks",
        "max_open_callbacks",
        "is_active",
    ]
    list_filter = ["on_duty", "is_active"]
    list_editable = ["on_duty"]
    search_fields = ["display_name"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_count=Count(
                    "callbacks", filter=~Q(callbacks__status=Callback.Status.CLOSED)
                )
            )
        )

    @admin.display(description="Open callbacks", ordering="open_count")
    def open_callbacks(self, obj: Clinician) -> int:
        return obj.open_count


@admin.register(Callback)
class CallbackAdmin(admin.ModelAdmin):
    """The callback queue. Shows no personal data: reference, status, who and when."""

    list_display = [
        "reference",
        "status",
        "time_left",
        "assigned_to",
        "due_at",
        "created_at",
    ]
    list_filter = ["status", "assigned_to"]
    list_select_related = ["enquiry", "assigned_to"]
    search_fields = ["enquiry__reference"]
    fields = ["reference", "status", "outcome", "assigned_to", "due_at", "created_at",
              "assigned_at", "closed_at"]  # fmt: skip
    readonly_fields = ["reference", "due_at", "created_at", "assigned_at", "closed_at"]
    ordering = ["due_at"]

    def save_model(self, request, obj: Callback, form, change: bool) -> None:
        if obj.status == Callback.Status.CLOSED and "status" in form.changed_data:
            callback_close(callback=obj, outcome=obj.outcome)
        else:
            super().save_model(request, obj, form, change)

    def has_add_permission(self, request) -> bool:
        return False  # callbacks come from enquiries only

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a callback is closed, never deleted

    @admin.display(description="Reference", ordering="enquiry__reference")
    def reference(self, obj: Callback) -> str:
        return obj.enquiry.reference

    @admin.display(description="Time left", ordering="due_at")
    def time_left(self, obj: Callback) -> str:
        """How long before the callback target is breached, or how long since."""
        if obj.status == Callback.Status.CLOSED:
            return "-"
        left = obj.due_at - timezone.now()
        if left >= timedelta(0):
            return f"{_hours_minutes(left)} left"
        return f"Overdue by {_hours_minutes(-left)}"


def _hours_minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60}h {minutes % 60:02d}m"
