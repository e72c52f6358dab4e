"""Production: docker-compose and gunicorn. Everything that matters must be supplied.

A missing DJANGO_SECRET_KEY, FIELD_ENCRYPTION_KEY, DATABASE_URL or CACHE_URL stops
start-up with a message naming the variable; DEBUG is off unless DJANGO_DEBUG says
otherwise.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import FRAGMENT_CACHE, REDIS_CACHE, env


def _required(name: str) -> str:
    value = env(name, default="")
    if not value.strip():
        raise ImproperlyConfigured(
            f"Set the {name} environment variable: production will not start without"
            " it (see .env.example)."
        )
    return value


SECRET_KEY = _required("DJANGO_SECRET_KEY")
FIELD_ENCRYPTION_KEY = [
    key.strip() for key in _required("FIELD_ENCRYPTION_KEY").split(",")
]
DATABASES = {"default": env.db_url_config(_required("DATABASE_URL"))}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Every web process must count the enquiry rate limit (and lockouts) in one place.
# A different Redis database (or instance) from the broker's: the cache may evict
# under memory pressure, the broker must not (see docs/nothing-lost.md).
CACHES = {
    "default": REDIS_CACHE | {"LOCATION": _required("CACHE_URL")},
    "fragments": FRAGMENT_CACHE,
}

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
# The __Host- prefix makes browsers refuse these cookies unless Secure, for Path=/
# and with no Domain: no sibling subdomain can set or overwrite them.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_DOMAIN = CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = "/"
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# security.W021 (no HSTS preload) is silenced: joining the browsers' preload list
# binds every subdomain of the organisation's domain to HTTPS for months, a choice
# for whoever owns the domain, made when it is submitted (docs/security.md).
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]  # noqa: F405
