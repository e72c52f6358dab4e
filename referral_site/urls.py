from django.contrib import admin
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, reverse
from django.views.generic import TemplateView
from two_factor import views as two_factor_views

from articles import views as article_views
from articles.feeds import LatestArticlesFeed
from articles.sitemaps import ArticleSitemap, TopicSitemap
from enquiries import views as enquiry_views

from . import views


class PageSitemap(Sitemap):
    """The site's fixed pages, from every app: listed here, where all their URL
    names are known, so that no app names another's."""

    changefreq = "monthly"

    def items(self):
        return ["articles:home", "articles:article_list", "enquiries:enquiry_create",
                "privacy", "cover_your_tracks"]  # fmt: skip

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {"pages": PageSitemap, "articles": ArticleSitemap, "topics": TopicSitemap}

# admin.site is a StaffAdminSite (referral_site.apps.StaffAdminConfig): it asks for
# the second factor when ADMIN_REQUIRE_OTP is on.

# Only the two_factor pages the service needs: log in, set up an authenticator, its
# QR code, and backup codes. Not its profile or "disable" pages: a stolen session
# must not be able to remove the second factor. A lead or a superuser removes a
# lost device through the admin (django_otp's device pages).
two_factor_urls = (
    [
        path("account/login/", two_factor_views.LoginView.as_view(), name="login"),
        path(
            "account/two_factor/setup/",
            two_factor_views.SetupView.as_view(),
            name="setup",
        ),
        path(
            "account/two_factor/qrcode/",
            two_factor_views.QRGeneratorView.as_view(),
            name="qr",
        ),
        path(
            "account/two_factor/setup/complete/",
            two_factor_views.SetupCompleteView.as_view(),
            name="setup_complete",
        ),
        path(
            "account/two_factor/backup/tokens/",
            two_factor_views.BackupTokensView.as_view(),
            name="backup_tokens",
        ),
    ],
    "two_factor",
)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", article_views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("feed/", LatestArticlesFeed(), name="feed"),
    path("media/<path:name>", views.media, name="media"),
    path("privacy/", enquiry_views.privacy_notice, name="privacy"),
    path(
        "cover-your-tracks/",
        TemplateView.as_view(template_name="cover_your_tracks.html"),
        name="cover_your_tracks",
    ),
    # Staff login, authenticator setup and backup codes: /admin/account/...
    # Before the admin's own URLs, whose catch-all would answer them.
    path("admin/", include(two_factor_urls)),
    path("admin/", admin.site.urls),
    path("get-help/", include("enquiries.urls")),
    path("", include("articles.urls")),
]

# Any failure nothing else handled: the outage page when the database is down.
handler500 = "referral_site.errors.server_error"
