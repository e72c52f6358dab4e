"""Site-wide protections that no view should have to remember (docs/security.md).

- SiteSecurityMiddleware: a clear 400 for NUL bytes in the address, the query
  string, a cookie or a posted form (PostgreSQL refuses NUL in text, and a crafted
  request would otherwise answer 500); the headers Django has no setting for; no
  caching of anything under /admin/ or of the private link's pages; no response
  that sets a cookie is ever marked public for shared caches.
- StaffSessionMiddleware: the staff session's two clocks. The idle clock restarts
  on every staff request (and only there: a public page must not set a cookie);
  the absolute clock ends the session STAFF_SESSION_MAX_HOURS after login,
  however busy it has been.
"""

from urllib.parse import unquote_plus

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control

from .client_address import client_ip, serving

ADMIN_PREFIX = "/admin/"
# The pages that show, or are reached by, a private withdrawal link.
PRIVATE_LINK_PREFIXES = ("/get-help/thank-you/", "/get-help/withdraw/")
# The session key holding when this staff member logged in (a POSIX timestamp).
LOGIN_AT = "staff_login_at"

# Nothing on the site uses these; a page that is somehow injected cannot either.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)
# The private link's pages keep their path out of every Referer (their own CSS
# and JS requests included) but still let the browser send a real Origin with
# their forms: under "no-referrer" a browser sends `Origin: null`, which Django's
# CSRF check refuses, and the person could neither withdraw nor email the link.
PRIVATE_LINK_REFERRER_POLICY = "strict-origin"


def referrer_policy_for(path: str) -> str:
    """The policy for a page at `path`: the header says it, and so does base.html's
    <meta name="referrer"> (which browsers apply after the header)."""
    if path.startswith(PRIVATE_LINK_PREFIXES):
        return PRIVATE_LINK_REFERRER_POLICY
    return settings.SECURE_REFERRER_POLICY


NUL = "\x00"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(request: HttpRequest) -> bool:
    if NUL in request.path or NUL in request.path_info:
        return True
    if NUL in unquote_plus(request.META.get("QUERY_STRING", "")):
        return True
    if any(NUL in key or NUL in value for key, value in request.COOKIES.items()):
        return True
    # A posted form's fields (its files are binary, and not looked at). The CSRF
    # check parses the form anyway; nothing here changes upload handlers.
    if request.method == "POST" and request.content_type in _FORM_TYPES:
        return any(
            NUL in key or any(NUL in value for value in values)
            for key, values in request.POST.lists()
        )
    return False


class SiteSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            response = HttpResponseBadRequest(
                "This address or form contains a character we cannot accept"
                " (a NUL byte). Check the link, or go back and try again.",
                content_type="text/plain; charset=utf-8",
            )
        else:
            with serving(client_ip(request)):
                response = self.get_response(request)
        self._protect(request, response)
        return response

    def _protect(self, request: HttpRequest, response: HttpResponse) -> None:
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        path = request.path
        if path.startswith(PRIVATE_LINK_PREFIXES):
            response["Referrer-Policy"] = referrer_policy_for(path)
        if path.startswith(ADMIN_PREFIX) or path.startswith(PRIVATE_LINK_PREFIXES):
            add_never_cache_headers(response)
        elif response.cookies and "public" in response.get("Cache-Control", ""):
            # A shared cache would hand this cookie to the next visitor.
            patch_cache_control(response, private=True)


class StaffSessionMiddleware:
    """After AuthenticationMiddleware (it reads request.user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(ADMIN_PREFIX):
            # The idle expiry counts from the last staff request.
            request.session.modified = True
        # Only a request that brings a session can be a staff member's: anyone
        # else's public page is left without `Vary: Cookie`.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and (
            request.user.is_authenticated
        ):
            now = timezone.now().timestamp()
            started = request.session.setdefault(LOGIN_AT, now)
            if now - started > settings.STAFF_SESSION_MAX_HOURS * 3600:
                logout(request)  # the admin sends them to the login page
        return self.get_response(request)


def _stamp_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = timezone.now().timestamp()


user_logged_in.connect(_stamp_login, dispatch_uid="referral_site.staff_login_at")
