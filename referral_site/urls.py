from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "Referral service: staff"
admin.site.site_title = "Referral service staff"
admin.site.index_title = "Staff area"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("privacy/", views.privacy, name="privacy"),
    path("admin/", admin.site.urls),
    path("get-help/", include("enquiries.urls")),
    path("", include("articles.urls")),
]
