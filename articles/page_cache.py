"""Whole public pages kept in the shared cache (Redis) for anonymous readers.

What may be kept, and for whom, is a privacy rule before it is a speed one:

- Only views wrapped in `anonymous_page` are kept: the reading pages (home, the
  article list, topics, reviewers, articles). Never the form, the thank-you or
  withdrawal pages, search, the admin, or anything else.
- Only GET requests that carry none of our session or message cookies: someone
  signed in, or with a thank-you state in their session, always gets a fresh page.
- Only a 200 that sets no cookie and that its view marked `public` (so nothing
  personal: those pages hold no CSRF token and no nonce, as no inline script runs
  on them; the JSON-LD block is data).
- The key names the release (static files, the settings every page shows), so a
  deploy never serves a page naming CSS that is gone.
- Every page is forgotten at once when an article, topic, reviewer or picture is
  saved or deleted, or the opening hours change (`pages_changed`, wired up in
  apps.py and enquiries' signals), and in any case after PAGE_CACHE_SECONDS.

A cache that is down or slow costs readers nothing but speed: the page is rendered
as if nothing were kept, and the cache is left alone for a few seconds.
"""

import hashlib
import logging
import time
import uuid
from functools import wraps

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe

logger = logging.getLogger(__name__)

GENERATION_KEY = "pages:generation"
# Django's message cookie (contrib.messages' CookieStorage.cookie_name).
MESSAGE_COOKIE = "messages"
# The query strings a kept page may have (the list pages' page number).
KEPT_QUERY = {"page"}
# What a kept response takes with it; everything else is added per request by the
# middleware outside the view (security headers, the CSP, compression).
KEPT_HEADERS = (
    "Cache-Control",
    "Content-Language",
    "Content-Type",
    "ETag",
    "Expires",
    "Last-Modified",
    "X-Robots-Tag",
)
# After a cache failure, how long this process renders without asking the cache.
PAUSE_SECONDS = 5.0

_paused_until = 0.0


def _cache_call(method: str, *args):
    """One cache call, or None when the cache fails (and a pause)."""
    global _paused_until
    if time.monotonic() < _paused_until:
        return None
    try:
        return getattr(cache, method)(*args)
    except Exception:  # any cache failure: render without it
        _paused_until = time.monotonic() + PAUSE_SECONDS
        logger.warning(
            "Page cache unavailable: rendering pages without it for %.0f s.",
            PAUSE_SECONDS,
            exc_info=True,
        )
        return None


def pages_changed(**_) -> None:
    """Forget every kept page (a signal receiver, or called directly). Pages kept
    under the old generation are never read again and expire by themselves."""
    _cache_call("set", GENERATION_KEY, uuid.uuid4().hex, None)


def _keepable_request(request: HttpRequest) -> bool:
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method != "GET":
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or MESSAGE_COOKIE in cookies:
        return False
    return all(
        name in KEPT_QUERY and value.isdigit() and len(value) <= 4
        for name, value in request.GET.items()
    )


def _keepable_response(response: HttpResponse) -> bool:
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "public" in control
        and "private" not in control
        and "no-store" not in control
    )


def _release() -> str:
    """What a deploy may change in every page: the static files' hashed names (a
    page must never name CSS that is gone) and the settings every page shows."""
    shown = (
        getattr(staticfiles_storage, "manifest_hash", ""),
        settings.SITE_NAME,
        settings.SERVICE_PHONE,
        settings.ICO_REGISTRATION,
        settings.SITE_URL,
    )
    return hashlib.blake2b(repr(shown).encode(), digest_size=8).hexdigest()


def _key(generation: str, request: HttpRequest) -> str:
    query = request.GET.urlencode()
    return f"pages:{generation}:{_release()}:{request.path}?{query}"


def _rebuilt(entry: dict) -> HttpResponse:
    response = HttpResponse(entry["content"], status=200)
    for name, value in entry["headers"]:
        response[name] = value
    return response


def anonymous_page(view):
    """Serve `view`'s page from the shared cache to anonymous readers (see above)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _keepable_request(request):
            return view(request, *args, **kwargs)
        generation = _cache_call("get", GENERATION_KEY)
        if generation is None:
            generation = uuid.uuid4().hex
            if not _cache_call("add", GENERATION_KEY, generation, None):
                generation = _cache_call("get", GENERATION_KEY)
        if generation is None:  # the cache is failing
            return view(request, *args, **kwargs)
        key = _key(generation, request)
        entry = _cache_call("get", key)
        if entry is not None:
            response = _rebuilt(entry)
            return get_conditional_response(
                request,
                etag=response.get("ETag"),
                last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
                response=response,
            )
        response = view(request, *args, **kwargs)
        if _keepable_response(response):
            if "Last-Modified" not in response:
                response["Last-Modified"] = http_date()
            entry = {
                "content": response.content,
                "headers": [(h, response[h]) for h in KEPT_HEADERS if h in response],
            }
            _cache_call("set", key, entry, settings.PAGE_CACHE_SECONDS)
        return response

    return wrapped
