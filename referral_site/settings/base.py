"""Settings shared by every environment.

Values that differ between environments come from the environment (see .env.example);
dev.py and test.py give them development defaults, prod.py insists on them.
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "referral_site.apps.StaffAdminConfig",  # django.contrib.admin, our site class
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_ratelimit",
    "simple_history",
    "django_prose_editor",
    "articles",
    "enquiries",
    "clinicians",
]

MIDDLEWARE = [
    # First, so that it compresses what every other layer made. Django's own adds
    # random bytes to each response against BREACH (the form carries a token).
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Early, so that every response carries the policy and the site's own headers,
    # static files and the 400 for a NUL byte included (referral_site/middleware.py).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "referral_site.middleware.SiteSecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Kept reading pages, for anonymous readers, before the layers below.
    "articles.page_cache.AnonymousPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "referral_site.middleware.StaffSessionMiddleware",  # idle and absolute expiry
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # who made each revision
]

ROOT_URLCONF = "referral_site.urls"
WSGI_APPLICATION = "referral_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "referral_site.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default="sqlite:///db.sqlite3")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded article images and their resized copies.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# The largest image an editor may upload.
ARTICLE_IMAGE_MAX_BYTES = env.int("ARTICLE_IMAGE_MAX_BYTES", default=5 * 1024 * 1024)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# One shared cache for every web process (the enquiry rate limit counts in it):
# Redis in production, this process's memory when CACHE_URL is unset. Nothing in
# the cache is needed to save an enquiry, so a cache that is slow is given up on
# within a third of a second (see referral_site/ratelimits.py and docs/nothing-lost.md).
CACHE_URL = env("CACHE_URL", default="")
CACHE_TIMEOUT_SECONDS = env.float("CACHE_TIMEOUT_SECONDS", default=0.3)
REDIS_CACHE = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": CACHE_URL,
    "OPTIONS": {
        "socket_connect_timeout": CACHE_TIMEOUT_SECONDS,
        "socket_timeout": CACHE_TIMEOUT_SECONDS,
    },
}
# Parts of the public pages (an article's text, a list of cards, the footer), kept
# in each process's own memory under the page generation, which every change raises
# in the database (articles/page_cache.py): so even a page rendered afresh (for
# someone with a session, or the first reader after a change) costs little. Never
# anything personal: the {% cache %} blocks in templates/, and their tests in
# tests/articles/test_kept_parts.py.
FRAGMENT_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "OPTIONS": {"MAX_ENTRIES": 2000},
}
CACHES = {
    "default": (
        REDIS_CACHE
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    "fragments": FRAGMENT_CACHE,
}
# Whole public reading pages are kept in that cache for anonymous readers this long
# at most, forgotten at once when an article or the opening hours change
# (articles/page_cache.py). Off without a shared cache: with one memory per
# process, the worker's publish could not make the web forget a page.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300 if CACHE_URL else 0)
# How long a kept part may live at most, whatever the generation: what changes with
# the date alone (an article's review falling due) shows within this.
FRAGMENT_CACHE_SECONDS = env.int("FRAGMENT_CACHE_SECONDS", default=300)
# The rate limit counts per client address, as referral_site/client_address.py
# finds it (RATELIMIT_IP_META_KEY and TRUSTED_PROXY_COUNT: the security section).
# Django's own Redis cache increments atomically; django-ratelimit just does not
# list it among the backends it knows.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

# --- Security -----------------------------------------------------------------
# See docs/security.md for why each of these is what it is.
# How many proxies of ours stand in front of gunicorn, each appending the address
# it saw to X-Forwarded-For: 0 when none (the connection's address is the client's),
# 1 behind one load balancer. Only their entries are believed: anything to the
# left was written by the client (referral_site/client_address.py).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if "RATELIMIT_IP_META_KEY" in os.environ:
    # It used to name a header to believe whole; a client can write any address
    # there. Refuse to start rather than silently count everyone as the proxy.
    raise ImproperlyConfigured(
        "RATELIMIT_IP_META_KEY is no longer read: unset it and set"
        " TRUSTED_PROXY_COUNT (1 behind one proxy) instead; see .env.example."
    )
# The enquiry rate limit and the login lockout count per the same address.
RATELIMIT_IP_META_KEY = "referral_site.client_address.client_ip"
# Every asset is ours: no CDN, font service or analytics, so the policy can be strict.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# The private withdrawal link's pages send less (referral_site/middleware.py).
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Django's database sessions, less the question whether a new key is taken.
SESSION_ENGINE = "referral_site.sessions"
SESSION_COOKIE_HTTPONLY = True
# Lax: a link from an email to the admin still arrives signed in; a form posted
# from another site does not carry the cookie.
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
# The load balancer's health probe speaks plain HTTP to /healthz.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Uploaded pictures larger than this many pixels are refused: a small file can
# unpack to gigabytes (a decompression bomb) in the worker that resizes it.
ARTICLE_IMAGE_MAX_PIXELS = env.int("ARTICLE_IMAGE_MAX_PIXELS", default=40_000_000)

# The encryption key(s) for contact details and free text. A comma-separated list:
# the first key encrypts, every key decrypts, so keys can be rotated
# (see `manage.py reencrypt_enquiries`).
FIELD_ENCRYPTION_KEY = env.list("FIELD_ENCRYPTION_KEY", default=[])

# --- Forms --------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email (Django 6.1 mailers) -------------------------------------------------
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env("MAIL_HOST", default="localhost"),
            "port": env.int("MAIL_PORT", default=25),
            "username": env("MAIL_USERNAME", default=""),
            "password": env("MAIL_PASSWORD", default=""),
            "use_tls": env.bool("MAIL_USE_TLS", default=False),
            "timeout": 10,
        },
    }
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="callbacks@example.org")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where staff notifications link to: the site's own public address.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# --- Celery: settings/queues.py --------------------------------------------------
from .queues import *  # noqa: E402, F403

CELERY_TIMEZONE = TIME_ZONE

# --- The service ----------------------------------------------------------------
# Enquiries: how long personal data is kept after the callback closes, when a lead
# hears about one never closed, and the spam guards on the form.
ENQUIRY_RETENTION_DAYS = env.int("ENQUIRY_RETENTION_DAYS", default=90)
ENQUIRY_UNCLOSED_ALERT_DAYS = env.int("ENQUIRY_UNCLOSED_ALERT_DAYS", default=180)
ENQUIRY_MIN_FILL_SECONDS = env.int("ENQUIRY_MIN_FILL_SECONDS", default=3)
ENQUIRY_RATE_LIMIT = env("ENQUIRY_RATE_LIMIT", default="5/h")  # per client address
# What shows on a phone when a clinician calls, and how many tries before closing.
CALLER_ID = env("CALLER_ID", default="a withheld number")
CALLBACK_MAX_ATTEMPTS = env.int("CALLBACK_MAX_ATTEMPTS", default=3)
# Failed tries count towards closing as unable to reach only when spaced out: this
# many minutes after the last counted try for these bands; for routine (no number
# here), in another part of the day (morning, afternoon, evening) or on another day.
CALLBACK_ATTEMPT_SPACING_MINUTES = {
    "urgent": env.int("CALLBACK_ATTEMPT_SPACING_URGENT_MINUTES", default=30),
    "soon": env.int("CALLBACK_ATTEMPT_SPACING_SOON_MINUTES", default=60),
}
SITE_NAME = env("SITE_NAME", default="Addictions Advice and Referral")
# The service's own phone line, shown where a person may need to talk now (the
# outage page among them). Empty: not shown. Demo settings use a drama number.
SERVICE_PHONE = env("SERVICE_PHONE", default="")
# Shown in every footer. A placeholder until the service's registration is confirmed.
ICO_REGISTRATION = env("ICO_REGISTRATION", default="ZA000000 (placeholder)")
# How soon a clinician should call back a new enquiry, by urgency band (minutes);
# CALLBACK_TARGET_HOURS is what the public pages promise for a routine callback.
CALLBACK_TARGET_HOURS = env.int("CALLBACK_TARGET_HOURS", default=24)
CALLBACK_TARGET_MINUTES = {
    "urgent": env.int("CALLBACK_TARGET_URGENT_MINUTES", default=60),
    "soon": env.int("CALLBACK_TARGET_SOON_MINUTES", default=4 * 60),
    "routine": CALLBACK_TARGET_HOURS * 60,
}

# Every handler redacts personal data that slips into a message (see logging.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "referral_site.logging.RedactPersonalData"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {"plain": {"format": "{levelname} {name}: {message}", "style": "{"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
        },
        # Django's error e-mails to ADMINS, through the same filter (replacing the
        # unfiltered handler Django's own logging config would leave in place).
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "redact"],
        },
    },
    "loggers": {"django": {"handlers": ["mail_admins"], "level": "INFO"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
# Error reports (to ADMINS, or any tracker) carry no submitted values or variables.
DEFAULT_EXCEPTION_REPORTER_FILTER = "referral_site.errors.NoPersonalDataReporterFilter"
# The worker logs through the handlers above (and their filter), not its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Staff login security lives in its own module.
from .security import *  # noqa: E402, F403
from .security import (  # noqa: E402
    SECURITY_APPS,
    SECURITY_LOCKOUT_MIDDLEWARE,
    SECURITY_OTP_MIDDLEWARE,
)

INSTALLED_APPS += SECURITY_APPS
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    SECURITY_OTP_MIDDLEWARE,
)
MIDDLEWARE.append(SECURITY_LOCKOUT_MIDDLEWARE)
# two_factor's own page frame loads Bootstrap from a CDN; ours uses the site's base.
TEMPLATES[0]["DIRS"].append(BASE_DIR / "templates" / "admin_security" / "overrides")
