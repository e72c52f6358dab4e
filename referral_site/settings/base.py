"""Settings shared by every environment.

Values that differ between environments come from the environment (see .env.example);
dev.py and test.py give them development defaults, prod.py insists on them.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
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
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # who made each revision
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
STATIC_ROOT = BASE_DIR / "staticfiles"
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
# Redis in production, this process's memory when CACHE_URL is unset.
CACHE_URL = env("CACHE_URL", default="")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Behind a proxy, the header that carries the client's address (such as
# HTTP_X_FORWARDED_FOR); unset, the connection's own address is used.
RATELIMIT_IP_META_KEY = env("RATELIMIT_IP_META_KEY", default=None)
# Django's own Redis cache increments atomically; django-ratelimit just does not
# list it among the backends it knows.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

# --- Security -----------------------------------------------------------------
# Every asset is ours: no CDN, font service or analytics, so the policy can be strict.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# The load balancer's health probe speaks plain HTTP to /healthz.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

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

# --- Celery -------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://localhost:6379/0")
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True  # so every task must be safe to run twice
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True  # tasks return nothing worth keeping
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = env(
    "CELERY_BEAT_SCHEDULE_FILENAME",
    default=str(BASE_DIR / "var" / "celerybeat-schedule"),
)

# How often beat looks for enquiries that never got a callback (Redis or the worker
# was down when they were submitted), and how old such an enquiry must be first.
CALLBACK_SWEEP_INTERVAL_SECONDS = env.int(
    "CALLBACK_SWEEP_INTERVAL_SECONDS", default=120
)
CALLBACK_SWEEP_GRACE_SECONDS = env.int("CALLBACK_SWEEP_GRACE_SECONDS", default=300)
# Beat: remind the assignee this long before a callback falls due.
CALLBACK_REMINDER_MINUTES = env.int("CALLBACK_REMINDER_MINUTES", default=15)
CALLBACK_BEAT_INTERVAL_SECONDS = env.int("CALLBACK_BEAT_INTERVAL_SECONDS", default=60)
CELERY_BEAT_SCHEDULE = {
    "callbacks-sweep": {
        "task": "clinicians.tasks.callbacks_sweep",
        "schedule": CALLBACK_SWEEP_INTERVAL_SECONDS,
    },
    "callbacks-remind": {
        "task": "clinicians.tasks.callbacks_remind",
        "schedule": CALLBACK_BEAT_INTERVAL_SECONDS,
    },
    "callbacks-escalate": {
        "task": "clinicians.tasks.callbacks_escalate",
        "schedule": CALLBACK_BEAT_INTERVAL_SECONDS,
    },
    "callbacks-reassign-off-duty": {
        "task": "clinicians.tasks.callbacks_reassign_off_duty",
        "schedule": CALLBACK_BEAT_INTERVAL_SECONDS,
    },
    # One e-mail a round to the leads, whatever the burst (see services/notify.py).
    "leads-digest": {
        "task": "clinicians.tasks.leads_digest_send",
        "schedule": CALLBACK_BEAT_INTERVAL_SECONDS,
    },
    "referrals-remind-follow-up": {
        "task": "clinicians.tasks.referrals_remind_follow_up",
        "schedule": crontab(hour=8, minute=30),  # daily, as the day's calls begin
    },
    "articles-publish-scheduled": {
        "task": "articles.tasks.articles_publish_scheduled",
        "schedule": CALLBACK_BEAT_INTERVAL_SECONDS,
    },
    "articles-remind-reviews": {
        "task": "articles.tasks.articles_remind_reviews",
        "schedule": crontab(hour=8, minute=0),  # daily, at the start of the day
    },
    "enquiries-purge-expired": {
        "task": "enquiries.tasks.enquiries_purge_expired",
        "schedule": crontab(hour=3, minute=15),  # daily, in the quiet of the night
    },
}

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
    "filters": {"redact": {"()": "referral_site.logging.RedactPersonalData"}},
    "formatters": {"plain": {"format": "{levelname} {name}: {message}", "style": "{"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
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
