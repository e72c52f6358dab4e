"""Staff login security: second factor, lockout, session expiry. Imported by base.py.

base.py adds SECURITY_APPS to INSTALLED_APPS and the middleware below to MIDDLEWARE:
this module cannot import base.py's lists (base.py imports it).
"""

from datetime import timedelta as _timedelta

import environ

# Private names: base.py star-imports this module and keeps its own `env`.
_env = environ.Env()

# --- Second factor (django-two-factor-auth over django-otp) ----------------------
# On unless switched off: production asks every staff login for a TOTP code (or a
# backup code). dev.py and test.py switch it off so the demo users need a password
# only. Read per request by referral_site.admin_security.StaffAdminSite.
ADMIN_REQUIRE_OTP = _env.bool("ADMIN_REQUIRE_OTP", default=True)

SECURITY_APPS = [
    "django_otp",
    "django_otp.plugins.otp_static",  # backup codes
    "django_otp.plugins.otp_totp",  # authenticator apps
    "two_factor",
    "axes",
]
# Goes straight after AuthenticationMiddleware: it marks request.user as verified.
SECURITY_OTP_MIDDLEWARE = "django_otp.middleware.OTPMiddleware"
# Goes last, as axes asks: it turns a locked-out login into the lockout page.
SECURITY_LOCKOUT_MIDDLEWARE = "axes.middleware.AxesMiddleware"

# The two-factor login and setup pages; the admin sends staff to them when the
# second factor is required (and keeps its own password-only login when it is not).
LOGIN_URL = "two_factor:login"
LOGIN_REDIRECT_URL = "admin:index"
# two_factor would otherwise replace every admin login with its own, whatever
# ADMIN_REQUIRE_OTP says; StaffAdminSite decides instead.
TWO_FACTOR_PATCH_ADMIN = False
# No "remember this browser": every login asks for the second factor.
TWO_FACTOR_REMEMBER_COOKIE_AGE = None

# --- Lockout after repeated failed logins (django-axes) --------------------------
AUTHENTICATION_BACKENDS = [
    "referral_site.admin_security.LockoutBackend",  # refuses locked-out logins
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"  # shared by every process
AXES_FAILURE_LIMIT = _env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = _timedelta(minutes=_env.int("LOGIN_LOCKOUT_MINUTES", default=60))
# One username from one address: someone guessing from elsewhere cannot lock a
# clinician out of their own computer.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin_security/locked_out.html"
# The client's address as the enquiry rate limit reads it: behind a proxy, the one
# the proxy saw (TRUSTED_PROXY_COUNT), never an address the client wrote itself.
AXES_CLIENT_IP_CALLABLE = "referral_site.client_address.client_ip"

# --- Sessions ---------------------------------------------------------------------
# Gone when the browser closes, and after this long without a request: every staff
# request (under /admin/) saves the session, so the age counts from the last one
# (referral_site.middleware.StaffSessionMiddleware). Public pages do not save it:
# a page that shared caches may keep must not set a cookie.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = _env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = False
# However busy, a staff session ends this long after its login: a stolen session
# cookie is not good for ever.
STAFF_SESSION_MAX_HOURS = _env.int("STAFF_SESSION_MAX_HOURS", default=12)
