"""Development: `make run` and manage.py. Embedded default, no server to install.

SQLite, Celery over kombu's filesystem transport (a folder, no broker process),
console email. Values in a `.env` file, if there is one, take precedence.
"""

from pathlib import Path

import environ

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, env

environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY", default="dev-only-insecure-secret-key-not-for-production"
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
# A published, development-only key: real enquiries must never be encrypted with it.
FIELD_ENCRYPTION_KEY = env.list(
    "FIELD_ENCRYPTION_KEY", default=["3oIbT8Xdb2H8Ypi2Myc8rZzhYEmxgwNjpuPw3ywXkuM="]
)

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write at once: WAL lets readers carry on, and
    # IMMEDIATE transactions wait for the lock instead of failing halfway.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# Where the embedded broker keeps its messages (and beat its schedule).
VAR_DIR = Path(env("DJANGO_VAR_DIR", default=str(BASE_DIR / "var")))
CELERY_BEAT_SCHEDULE_FILENAME = env(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule")
)
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://localhost//")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for folder in ("queue", "processed", "control"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }

MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Serve static files straight from the app and static/ folders: no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# One process, its own memory for a cache: a per-process rate limit is enough here.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# The demo users log in with a password only (see security.py); set
# ADMIN_REQUIRE_OTP=true to try the second factor locally.
ADMIN_REQUIRE_OTP = env.bool("ADMIN_REQUIRE_OTP", default=False)

# The service's phone line on the demo: an Ofcom drama number, never a real line.
SERVICE_PHONE = env("SERVICE_PHONE", default="020 7946 0123 (demo number)")
# Our calls show this number (a clinician's phone presents the service's line).
CALLER_ID = env("CALLER_ID", default=SERVICE_PHONE)
