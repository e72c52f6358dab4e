"""The site's own URLs, and `/_bench/floor`: a view that returns the article page's
bytes, read once from BENCH_FLOOR_FILE, through the same middleware. What Django
itself costs, against which the real pages are measured."""

import os
from functools import cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.urls import path

from referral_site.urls import handler500  # noqa: F401 (the outage page)
from referral_site.urls import urlpatterns as site_urlpatterns


@cache
def _floor_bytes() -> bytes:
    return Path(os.environ["BENCH_FLOOR_FILE"]).read_bytes()


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_floor_bytes(), content_type="text/html; charset=utf-8")


urlpatterns = [path("_bench/floor", floor), *site_urlpatterns]
