"""Settings shared by every environment.

Values that differ between environments come from the environment (see .env.example);
dev.py and test.py give them development defaults, prod.py insists on them.
"""

import os
from pathlib import Path

import environ
from celery.schedules import crontab
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

# --- Celery -------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://localhost:6379/0")
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Resizing a picture can take seconds and hundreds of MB: its own queue and worker,
# so it never delays opening a callback (docs/security.md, "Uploads"). Sending
# e-mail waits on a mail server that may be slow or frozen (EMAIL_TIMEOUT a try):
# its own queue and worker too, so that opening and escalating callbacks never
# queue behind it. Every worker start names the queues it takes: Procfile.dev all
# three, docker-compose one each.
CELERY_MAIL_QUEUE = env("CELERY_MAIL_QUEUE", default="mail")
CELERY_TASK_ROUTES = {
    "articles.tasks.article_make_renditions": {"queue": "images"},
    "articles.tasks.article_image_make_renditions": {"queue": "images"},
} | {
    f"{app}.tasks.{task}": {"queue": CELERY_MAIL_QUEUE}
    for app, task in [
        ("clinicians", "callback_notify_assignee"),
        ("clinicians", "callbacks_notify_missed"),
        ("clinicians", "callbacks_remind"),
        ("clinicians", "leads_digest_send"),
        ("clinicians", "referrals_remind_follow_up"),
        ("articles", "articles_remind_reviews"),
    ]
}
CELERY_TASK_ACKS_LATE = True  # so every task must be safe to run twice
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True  # tasks return nothing worth keeping
# No task runs for ever. At the soft limit Celery raises SoftTimeLimitExceeded in
# the task (its transaction rolls back; the retry or the next beat round does the
# work); at the hard one it kills the process. The slowest task is an e-mail: the
# SMTP timeout (10 s, MAILERS) a try, then up to 60 s recording the send through a
# database restart (clinicians/services/notify.py). Both stay under the e-mail
# claim's lease (CALLBACK_NOTIFY_LEASE_SECONDS) and the broker's visibility timeout.
# Picture renditions take seconds even at the pixel limit: no limit of their own.
# The prefork pool (production) enforces these; `make run`'s solo pool cannot.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=150)
# Without it Celery opens a new database connection for every task; with it each
# task treats the connection as a request does (referral_site/celery.py). Celery
# still starts afresh every this many tasks.
CELERY_DB_REUSE_MAX = 1000
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task running when the broker drops finishes, and its late ack is given up
# (referral_site/kombu_fixes.py); the message comes back after the visibility timeout
# and finds its work done. Unacked messages of a killed worker come back after
# the same timeout, but beat's sweep has usually done their work long before.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# No request waits on the broker for more than about a second: a frozen or absent
# Redis makes `.delay()` fail fast, the failure is logged after the commit, and
# beat's sweep does the work instead (referral_site/queueing.py). The worker reads
# these too; it reconnects by itself when they expire.
BROKER_TIMEOUT_SECONDS = env.float("BROKER_TIMEOUT_SECONDS", default=0.3)
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT_SECONDS
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": BROKER_TIMEOUT_SECONDS,
    "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
    "visibility_timeout": 15 * 60,  # longer than any task runs
}
# One quick retry (a pooled connection gone stale after a Redis restart), no more.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0,
    "interval_max": 0,
}
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
# An e-mail run holds its claim this long: longer than any send can take (the SMTP
# timeout is 10 s). A run that dies mid-send is replaced once the claim expires.
CALLBACK_NOTIFY_LEASE_SECONDS = env.int("CALLBACK_NOTIFY_LEASE_SECONDS", default=300)
# After this many refused assignment e-mails the leads hear of it, and the queue
# shows the callback as "assignee not told" until one goes through.
CALLBACK_NOTIFY_ALERT_AFTER = env.int("CALLBACK_NOTIFY_ALERT_AFTER", default=3)
# Beat: remind the assignee this long before a callback falls due.
CALLBACK_REMINDER_MINUTES = env.int("CALLBACK_REMINDER_MINUTES", default=15)
CALLBACK_BEAT_INTERVAL_SECONDS = env.int("CALLBACK_BEAT_INTERVAL_SECONDS", default=60)
# Beat: how often scheduled articles are looked for and published.
ARTICLE_PUBLISH_INTERVAL_SECONDS = env.int(
    "ARTICLE_PUBLISH_INTERVAL_SECONDS", default=60
)
CELERY_BEAT_SCHEDULE = {
    "callbacks-sweep": {
        "task": "clinicians.tasks.callbacks_sweep",
        "schedule": CALLBACK_SWEEP_INTERVAL_SECONDS,
    },
    # The sweep's e-mails, on the mail queue: assignment e-mails never sent.
    "callbacks-notify-missed": {
        "task": "clinicians.tasks.callbacks_notify_missed",
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
        "schedule": ARTICLE_PUBLISH_INTERVAL_SECONDS,
    },
    "articles-remind-reviews": {
        "task": "articles.tasks.articles_remind_reviews",
        "schedule": crontab(hour=8, minute=0),  # daily, at the start of the day
    },
    "enquiries-purge-expired": {
        "task": "enquiries.tasks.enquiries_purge_expired",
        "schedule": crontab(hour=3, minute=15),  # daily, in the quiet of the night
    },
    # Expired sessions stay in the table until removed: a staff session's data,
    # and a person's thank-you state, are not kept past their expiry.
    "sessions-clear-expired": {
        "task": "enquiries.tasks.sessions_clear_expired",
        "schedule": crontab(hour=3, minute=45),  # daily
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
