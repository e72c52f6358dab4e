"""Tests. Fast by default: in-memory SQLite, tasks run eagerly, mail kept in memory.

Set DATABASE_URL to run on PostgreSQL; set CELERY_BROKER_URL to send tasks to a real
broker (the integration tests do both and start a real worker).
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-secret-key"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
FIELD_ENCRYPTION_KEY = env.list(
    "FIELD_ENCRYPTION_KEY", default=["dGVzdC1vbmx5LWtleS10ZXN0LW9ubHkta2V5LXRlc3Q="]
)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

DATABASES = {"default": env.db("DATABASE_URL", default="sqlite://:memory:")}

# No broker given: run tasks in-process, as soon as they are sent.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="memory://")
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_TASK_EAGER_PROPAGATES = True

# One process, tasks run in it: the page cache can be on, and is (each test starts
# with an empty cache). A real worker in another process could not reach it.
PAGE_CACHE_SECONDS = env.int(
    "PAGE_CACHE_SECONDS", default=300 if CELERY_TASK_ALWAYS_EAGER else 0
)

MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Serve static files straight from the app and static/ folders: no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# One process, its own memory for a cache: a per-process rate limit is enough here.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# Tests that need the second factor switch it on themselves.
ADMIN_REQUIRE_OTP = False
