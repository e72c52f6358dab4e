"""Enquiries in the admin: read-only, personal data shown only where a clinician
needs it (see clinicians' callback page), every export and erasure audited."""

from django.contrib import admin, messages
from django.http import HttpResponse

from .models import AuditEvent, ClosedDay, Enquiry, OpeningHours, PrivacyNotice
from .services import enquiry_anonymise, enquiry_export


def mask_phone(phone: str) -> str:
    """07700 900123 -> ******123: enough to tell two numbers apart, no more."""
    digits = [character for character in phone if character.isdigit()]
    return "*" * 6 + "".join(digits[-3:]) if digits else ""


class ReadOnlyAdmin(admin.ModelAdmin):
    """Staff look; only the code writes (through services, which audit)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Enquiry)
class EnquiryAdmin(ReadOnlyAdmin):
    """Lists carry no personal data; subject access and erasure are actions here."""

    list_display = ["reference", "for_whom", "contact_method", "created_at", "status"]
    list_filter = ["for_whom", "contact_method", "anonymised_at"]
    search_fields = ["reference"]  # encrypted fields cannot be searched, by design
    fields = ["reference", "for_whom", "contact_method", "masked_phone", "created_at",
              "closed_at", "withdrawn_at", "anonymised_at"]  # fmt: skip
    readonly_fields = fields
    # No delete: erase instead, which keeps the anonymous record and the audit.
    actions = ["export_json", "erase"]

    @admin.display(description="Phone")
    def masked_phone(self, obj: Enquiry) -> str:
        return mask_phone(obj.phone)

    @admin.display(description="Status")
    def status(self, obj: Enquiry) -> str:
        if obj.withdrawn_at:
            return "Withdrawn"
        if obj.anonymised_at:
            return "Anonymised"
        return "Closed" if obj.closed_at else "Open"

    def has_export_permission(self, request) -> bool:
        return request.user.has_perm("enquiries.export_enquiry")

    def has_erase_permission(self, request) -> bool:
        return request.user.has_perm("enquiries.erase_enquiry")

    @admin.action(
        description="Export all data held (subject access request)",
        permissions=["export"],
    )
    def export_json(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose exactly one enquiry.", messages.ERROR)
            return None
        enquiry = queryset.get()
        body = enquiry_export(enquiry=enquiry, actor=request.user)
        response = HttpResponse(body, content_type="application/json")
        response["Content-Disposition"] = (
            f'attachment; filename="{enquiry.reference}.json"'
        )
        return response

    @admin.action(
        description="Erase personal data now (keeps an anonymous record)",
        permissions=["erase"],
    )
    def erase(self, request, queryset):
        erased = sum(
            enquiry_anonymise(
                enquiry=enquiry, action=AuditEvent.Action.ERASED, actor=request.user
            )
            for enquiry in queryset
        )
        self.message_user(request, f"Erased the personal data of {erased} enquiries.")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit log: read by leads, written only by the code, never edited."""

    list_display = ["at", "enquiry", "action", "actor"]
    list_filter = ["action"]
    search_fields = ["enquiry__reference"]
    list_select_related = ["enquiry", "actor"]


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    list_display = ["weekday", "opens", "closes"]


@admin.register(ClosedDay)
class ClosedDayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    list_display = ["version", "published_at", "created_at"]
