"""Who works, and when: clinicians with their weekly shifts and one-off changes."""

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from ..models import Clinician, DutyChange, Shift, Status
from ..selectors import clinicians_on_duty


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
        # Both columns come with the rows: no query per row, no state on the admin.
        on_duty = clinicians_on_duty(at=timezone.now()).filter(pk=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_count=Count(
                    "callbacks", filter=~Q(callbacks__status=Status.CLOSED)
                ),
                is_on_duty=Exists(on_duty),
            )
        )

    @admin.display(description="On duty now", boolean=True, ordering="is_on_duty")
    def on_duty_now(self, obj: Clinician) -> bool:
        return obj.is_on_duty

    @admin.display(description="Open callbacks", ordering="open_count")
    def open_callbacks(self, obj: Clinician) -> int:
        return obj.open_count

    @admin.display(description="Registration")
    def registration(self, obj: Clinician) -> str:
        return f"{obj.registration_body} {obj.registration_number}".strip()
