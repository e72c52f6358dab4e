from django.contrib import admin
from django.urls import include, path

from enquiries import views as enquiry_views

from . import views

admin.site.site_header = "Referral service: staff"
admin.site.site_title = "Referral service staff"
admin.site.index_title = "Staff area"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("privacy/", enquiry_views.privacy_notice, name="privacy"),
    path("admin/", admin.site.urls),
    path("get-help/", include("enquiries.urls")),
    path("", include("articles.urls")),
]
