"""The staff admin's guards: the site with its second-factor gate, the lockout
backend, the device pages nobody uses on themselves, and the read-only screens.

Settings live in settings/security.py. The admin asks for a second factor only when
ADMIN_REQUIRE_OTP is on (production); the check reads the setting on every request.
The site is django.contrib.admin's default through referral_site.apps.StaffAdminConfig.
"""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor.utils import default_device


class StaffAdminSite(AdminSite):
    """The admin, refusing staff who have not passed the second factor (when on).

    StaffAdminConfig.default_site makes django.contrib.admin's default site one of
    these, so every ModelAdmin registered with admin.site is behind the check.
    """

    site_header = "Referral service: staff"
    site_title = "Referral service staff"
    index_title = "Staff area"

    def ready(self) -> None:
        """Once every app's admin.py has registered (StaffAdminConfig.ready)."""
        guard_second_factor_admins(self)

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        return not settings.ADMIN_REQUIRE_OTP or request.user.is_verified()

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        if not settings.ADMIN_REQUIRE_OTP:
            return super().login(request, extra_context)
        user = request.user
        if super().has_permission(request) and not default_device(user):
            # Password accepted but no authenticator yet: set one up, rather than
            # be sent round the login page again.
            return redirect("two_factor:setup")
        # Anyone else signs in (again) through the two-step login.
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}
        ):
            next_url = reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_url, "two_factor:login")


class LockoutBackend(AxesStandaloneBackend):
    """Axes' lockout check, for logins that come over HTTP.

    authenticate() without a request (manage.py, the shell) cannot be tried from
    outside, and axes would raise on it rather than let the next backend answer.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def guard_second_factor_admins(site: AdminSite) -> None:
    """Nobody removes their own second factor, not even a lead: a stolen session
    could otherwise drop the device and enrol the thief's. A colleague with the
    permission (a lead) or a superuser removes a lost phone's device."""
    for model in (TOTPDevice, StaticDevice):
        registered = site._registry.get(model)
        if registered is None:
            continue

        class Guarded(type(registered)):
            def has_delete_permission(self, request, obj=None) -> bool:
                if obj is not None and obj.user_id == request.user.pk:
                    return False
                return super().has_delete_permission(request, obj)

        site.unregister(model)
        site.register(model, Guarded)


class ReadOnlyAdminMixin:
    """Staff look; only the code writes, through the services, which audit and keep
    the history. No add, change or delete in the admin's own forms."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
