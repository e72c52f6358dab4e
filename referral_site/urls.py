from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from two_factor.urls import urlpatterns as two_factor_urls

from articles import views as article_views
from articles.feeds import LatestArticlesFeed
from articles.sitemaps import SITEMAPS
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
    path("robots.txt", article_views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("feed/", LatestArticlesFeed(), name="feed"),
    path("media/<path:name>", views.media, name="media"),
    path("privacy/", enquiry_views.privacy_notice, name="privacy"),
    # Staff login, authenticator setup and backup codes: /admin/account/...
    # Before the admin's own URLs, whose catch-all would answer them.
    path("admin/", include(two_factor_urls)),
    path("admin/", admin.site.urls),
    path("get-help/", include("enquiries.urls")),
    path("", include("articles.urls")),
]
