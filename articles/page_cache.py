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
- Every page is forgotten when an article, topic, reviewer or picture is saved or
  deleted, or the opening hours change (`pages_changed`, wired up in apps.py and
  enquiries' signals), and in any case after PAGE_CACHE_SECONDS. It raises the
  *generation*, a number in the database (PageGeneration), in the transaction of the
  change: a kept page carries the number it was made under and is served only while
  that is still the number. Being in the database, a change can never be lost to a
  cache that was down or frozen when it was made.

Each web process also keeps the pages it served last in its own memory. It reads
the generation at most every GENERATION_CHECK_SECONDS: a change made in another
process (the worker publishing a scheduled article) shows within that second, one
made in this process at once.

Parts of pages (an article's text, a list of cards, the footer) are kept the same
way in each process's memory, under `kept_version`: so a page rendered afresh, for
someone with a session or the first reader after a change, is quick too.

A cache that is down or slow costs readers nothing but speed: the page is rendered
as if nothing were kept, and the cache is left alone for a few seconds.
"""

import hashlib
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache, wraps

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache, caches
from django.db import DatabaseError, InterfaceError
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe

from .models import PageGeneration

logger = logging.getLogger(__name__)

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
# How long this process trusts the generation it last read from the database.
GENERATION_CHECK_SECONDS = 1.0
# How many pages this process keeps in its own memory (about 15 kB each).
LOCAL_PAGES = 256

_paused_until = 0.0
_lock = threading.Lock()
_generation: tuple[str | None, float] = (None, float("-inf"))  # value, read at
_local: OrderedDict[str, dict] = OrderedDict()


class KeptByVersion[K, V]:
    """What this process made from one version of a row (an article's body
    without its tags), kept in its memory, the latest `size` of them: under a key
    that names that version (its id and `updated_at`, which every save moves), so
    nothing need be checked before it is used, and nothing is copied to read it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[K, V] = OrderedDict()
        _memos.append(self)

    def get(self, key: K) -> V | None:
        with _lock:
            value = self._kept.get(key)
            if value is not None:
                self._kept.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> V:
        with _lock:
            self._kept[key] = value
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return value

    def clear(self) -> None:
        with _lock:
            self._kept.clear()


_memos: list[KeptByVersion] = []


def forget_local() -> None:
    """Drop this process's own copies, its kept parts of pages and its note of the
    generation (tests)."""
    global _generation
    with _lock:
        _generation = (None, float("-inf"))
        _local.clear()
    for memo in _memos:
        memo.clear()
    caches["fragments"].clear()


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
    """Forget every kept page (a signal receiver, or called directly): raise the
    generation in the database, in the transaction that made the change. Pages kept
    under the old number are never served again and expire by themselves."""
    global _generation
    if not PageGeneration.objects.filter(pk=1).update(number=F("number") + 1):
        PageGeneration.objects.get_or_create(pk=1, defaults={"number": 1})
    with _lock:
        _generation = (None, float("-inf"))  # read it again, once committed
        _local.clear()


def _current_generation() -> str | None:
    """The database's generation, read at most every GENERATION_CHECK_SECONDS.
    With the database down, the last one read still holds: nothing can change
    while it is down, so the pages kept under it are still right."""
    global _generation
    value, read_at = _generation
    now = time.monotonic()
    if now - read_at < GENERATION_CHECK_SECONDS:
        return value
    try:
        number = PageGeneration.objects.filter(pk=1).values_list("number").first()
    except (DatabaseError, InterfaceError):
        logger.warning("Page generation unreadable: keeping the last one read.")
        with _lock:
            _generation = (value, now)
        return value
    value = str(number[0] if number else 0)
    with _lock:
        _generation = (value, now)
    return value


def _local_copy(key: str, generation: str) -> dict | None:
    with _lock:
        entry = _local.get(key)
        if entry is None or entry["generation"] != generation:
            return None
        if time.time() >= entry["expires"]:  # as old as Redis lets a page get
            del _local[key]
            return None
        _local.move_to_end(key)
        return entry


def _keep_locally(key: str, entry: dict) -> None:
    with _lock:
        _local[key] = entry
        while len(_local) > LOCAL_PAGES:
            _local.popitem(last=False)


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
    return _digest(shown)


@lru_cache(maxsize=8)
def _digest(shown: tuple) -> str:
    return hashlib.blake2b(repr(shown).encode(), digest_size=8).hexdigest()


def kept_version() -> str:
    """What a kept part of a page ({% cache ... kept_version using="fragments" %})
    is kept under: the generation and the release. A change anywhere, or a deploy,
    and no part kept before it is used again. With the generation unknown (the
    database down since this process started) a version nothing will match: the
    part is rendered, and not found again."""
    generation = _current_generation()
    if generation is None:
        return f"unknown-{uuid.uuid4().hex}"
    return f"{generation}.{_release()}"


def kept_lookup[T](name: str, key: str, read: Callable[[], T | None]) -> T | None:
    """`read()`, kept in this process's memory under `kept_version` (and for
    FRAGMENT_CACHE_SECONDS at most): for what a page looks up that only a change
    can alter (the published article at an address, a topic). Only what is found
    is kept: what does not exist yet (an article whose date has not come) is
    looked for again each time."""
    digest = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
    cache_key = f"lookup:{name}:{digest}:{kept_version()}"
    fragments = caches["fragments"]
    found = fragments.get(cache_key)
    if found is None:
        found = read()
        if found is not None:
            fragments.set(cache_key, found, settings.FRAGMENT_CACHE_SECONDS)
    return found


def _key(request: HttpRequest) -> str:
    query = request.GET.urlencode()
    return f"pages:{_release()}:{request.path}?{query}"


def _rebuilt(request: HttpRequest, entry: dict) -> HttpResponse:
    response = HttpResponse(entry["content"], status=200)
    for name, value in entry["headers"]:
        response[name] = value
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
        response=response,
    )


class AnonymousPageMiddleware:
    """Answers from the cache before the layers an anonymous reader does not need
    (sessions, CSRF, authentication, the second factor, history, lockout): it sits
    after the security headers' middleware, which still add theirs to every answer.
    A page kept under another generation (something changed since) is not served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _keepable_request(request) and _keeps_pages(request):
            key = _key(request)
            generation = _current_generation()
            if generation is not None:
                entry = _local_copy(key, generation)
                if entry is None:
                    entry = _cache_call("get", key)
                    if entry is not None and entry["generation"] == generation:
                        _keep_locally(key, entry)
                    else:
                        entry = None
                if entry is not None:
                    return _rebuilt(request, entry)
            # The view keeps what it renders, under the generation read before it
            # rendered: a change meanwhile makes that copy stale at once.
            request._page_cache = (key, generation)
        return self.get_response(request)


def _keeps_pages(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return getattr(match.func, "keeps_anonymous_page", False)


def anonymous_page(view):
    """Mark `view`'s page as one the cache may keep for anonymous readers (see
    above): AnonymousPageMiddleware serves it, and this keeps what the view made."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        looked_up = getattr(request, "_page_cache", None)
        if looked_up and looked_up[1] is not None and _keepable_response(response):
            key, generation = looked_up
            if "Last-Modified" not in response:
                response["Last-Modified"] = http_date()
            entry = {
                "generation": generation,
                # Its copies in each process's memory last no longer than Redis's.
                "expires": time.time() + settings.PAGE_CACHE_SECONDS,
                "content": response.content,
                "headers": [(h, response[h]) for h in KEPT_HEADERS if h in response],
            }
            _cache_call("set", key, entry, settings.PAGE_CACHE_SECONDS)
            _keep_locally(key, entry)
        return response

    wrapped.keeps_anonymous_page = True
    return wrapped
