from django.contrib import admin
from django.urls import include, path
from two_factor.urls import urlpatterns as two_factor_urls

from enquiries import views as enquiry_views

from . import views
from .admin_security import StaffAdminSite

# What two_factor's docs do: every ModelAdmin stays registered with admin.site, which
# now asks for the second factor when ADMIN_REQUIRE_OTP is on.
admin.site.__class__ = StaffAdminSite
admin.site.site_header = "Referral service: staff"
admin.site.site_title = "Referral service staff"
admin.site.index_title = "Staff area"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("privacy/", enquiry_views.privacy_notice, name="privacy"),
    # Staff login, authenticator setup and backup codes: /admin/account/...
    # Before the admin's own URLs, whose catch-all would answer them.
    path("admin/", include(two_factor_urls)),
    path("admin/", admin.site.urls),
    path("get-help/", include("enquiries.urls")),
    path("", include("articles.urls")),
]
