"""The directory of registered services clinicians refer to, and the referrals."""

from datetime import timedelta

from django.contrib import admin
from django.utils import timezone

from referral_site.admin_security import ReadOnlyAdminMixin

from ..models import Provider, Referral


def _a_year_ago():
    return timezone.localdate() - timedelta(days=365)


class StaleFilter(admin.SimpleListFilter):
    title = "verification"
    parameter_name = "verification"

    def lookups(self, request, model_admin):
        return [("stale", "Not verified for 12 months")]

    def queryset(self, request, queryset):
        if self.value() == "stale":
            return queryset.filter(last_verified_on__lt=_a_year_ago())
        return queryset


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "regulator", "registration_id", "region",
                    "cost_band", "nhs_funded", "last_verified_on",
                    "verified_recently"]  # fmt: skip
    list_filter = [StaleFilter, "kind", "regulator", "nhs_funded", "cost_band",
                   "region"]  # fmt: skip
    search_fields = ["name", "region", "registration_id"]

    @admin.display(description="Verified in the last year", boolean=True)
    def verified_recently(self, obj: Provider) -> bool:
        return obj.last_verified_on >= _a_year_ago()


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Referrals are made, and followed up, from the callback's page."""

    list_display = ["callback", "provider", "funding_route", "referred_on",
                    "follow_up_on", "followed_up_at", "commission"]  # fmt: skip
    list_filter = ["funding_route", "provider"]
    list_select_related = ["callback__enquiry", "provider"]
    fields = readonly_fields = [
        "callback", "provider", "funding_route", "referred_on", "follow_up_on",
        "referred_by", "followed_up_at", "follow_up_result", "commission",
    ]  # fmt: skip

    @admin.display(description="Commission")
    def commission(self, obj: Referral) -> str:
        return Referral.NO_COMMISSION
