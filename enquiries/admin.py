"""Enquiries in the admin: read-only, personal data shown only where a clinician
needs it (see clinicians' callback page), every export and erasure audited.

Leads answer a subject access request with the person's copy of everything held
(a printable page, or readable JSON), and erase one enquiry at a time, after a page
that names what will be erased."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from referral_site.admin_security import ReadOnlyAdminMixin

from .models import AuditEvent, ClosedDay, Enquiry, OpeningHours, PrivacyNotice
from .presenters import ABOUT_THIS_COPY
from .services import (
    enquiry_anonymise,
    enquiry_export,
    enquiry_record,
    enquiry_subject_access,
)


def mask_phone(phone: str) -> str:
    """07700 900123 -> ******123: enough to tell two numbers apart, no more."""
    digits = [character for character in phone if character.isdigit()]
    return "*" * 6 + "".join(digits[-3:]) if digits else ""


@admin.register(Enquiry)
class EnquiryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path("<int:pk>/copy/", view(self.copy_view), name="enquiries_enquiry_copy"),
            path("<int:pk>/copy.json", view(self.copy_json_view),
                 name="enquiries_enquiry_copy_json"),
            path("<int:pk>/erase/", view(self.erase_view),
                 name="enquiries_enquiry_erase"),
            *super().get_urls(),
        ]  # fmt: skip

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = (extra_context or {}) | {
            "may_export": self.has_export_permission(request),
            "may_erase": self.has_erase_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _enquiry(self, request, pk: int, *, may) -> Enquiry:
        if not may(request):
            raise PermissionDenied
        return get_object_or_404(Enquiry, pk=pk)

    def copy_view(self, request, pk: int):
        """The person's copy of everything we hold, as a page to print. Audited."""
        enquiry = self._enquiry(request, pk, may=self.has_export_permission)
        context = self.admin_site.each_context(request) | {
            "title": f"Everything held about {enquiry.reference}",
            "enquiry": enquiry,
            "sections": enquiry_subject_access(enquiry=enquiry, actor=request.user),
            "about": ABOUT_THIS_COPY,
            "opts": self.opts,
        }
        return TemplateResponse(
            request, "admin/enquiries/enquiry/subject_access.html", context
        )

    def copy_json_view(self, request, pk: int):
        """The same copy as readable JSON, to send. Audited."""
        enquiry = self._enquiry(request, pk, may=self.has_export_permission)
        return _json_download(
            enquiry, enquiry_export(enquiry=enquiry, actor=request.user)
        )

    def erase_view(self, request, pk: int):
        """GET names what erasure removes and what it keeps; POST erases, closes an
        open callback as erased, and records who did it."""
        enquiry = self._enquiry(request, pk, may=self.has_erase_permission)
        change_page = reverse("admin:enquiries_enquiry_change", args=[enquiry.pk])
        if enquiry.anonymised_at:
            self.message_user(request, "Its personal data is already erased.")
            return redirect(change_page)
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            enquiry_anonymise(
                enquiry=enquiry, action=AuditEvent.Action.ERASED, actor=request.user
            )
            self.message_user(
                request,
                f"Erased the personal data of {enquiry.reference}; its callback is"
                " closed.",
                messages.SUCCESS,
            )
            return redirect(change_page)
        context = self.admin_site.each_context(request) | {
            "title": f"Erase the personal data of {enquiry.reference}?",
            "enquiry": enquiry,
            "sections": enquiry_record(enquiry=enquiry),
            "opts": self.opts,
            "change_page": change_page,
        }
        return TemplateResponse(
            request, "admin/enquiries/enquiry/erase_confirmation.html", context
        )

    @admin.action(
        description="Export all data held (subject access request)",
        permissions=["export"],
    )
    def export_json(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose exactly one enquiry.", messages.ERROR)
            return None
        enquiry = queryset.get()
        return _json_download(
            enquiry, enquiry_export(enquiry=enquiry, actor=request.user)
        )

    @admin.action(
        description="Erase personal data now (asks you to confirm)",
        permissions=["erase"],
    )
    def erase(self, request, queryset):
        # One at a time, after a page that says what goes: erasure cannot be undone.
        if queryset.count() != 1:
            self.message_user(
                request, "Erase one enquiry at a time: choose exactly one.",
                messages.ERROR,
            )  # fmt: skip
            return None
        return redirect("admin:enquiries_enquiry_erase", queryset.get().pk)


def _json_download(enquiry: Enquiry, body: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{enquiry.reference}.json"'
    return response


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit log: read by leads, written only by the code, never edited."""

    list_display = ["at", "enquiry", "action", "actor", "client_address"]
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
