"""Headers on every kind of response, production's cookies, the staff session's two
clocks, what shared caches may keep, and the audit log's client address."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from enquiries.models import AuditEvent
from referral_site.middleware import LOGIN_AT, SiteSecurityMiddleware
from tests.articles.factories import ArticleFactory
from tests.clinicians.factories import CallbackFactory, ClinicianFactory
from tests.enquiries.factories import form_data
from tests.support import PROD_ENV

from .conftest import PASSWORD, PROXY

pytestmark = [pytest.mark.security, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
HOUR = timedelta(hours=1)


def _production(*names: str) -> dict:
    """Settings as production has them, from a fresh process."""
    env = os.environ | PROD_ENV
    probe = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        f" print(json.dumps({{n: getattr(s, n) for n in {list(names)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def _csp(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    directives = (part.split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in directives}


@pytest.fixture
def pages(lead) -> dict:
    """One response of each kind, as its visitor gets it."""
    article = ArticleFactory()
    staff = Client()
    staff.force_login(lead)
    anyone = Client()
    return {
        "home": anyone.get("/"),
        "article": anyone.get(article.get_absolute_url()),
        "form": anyone.get("/get-help/"),
        "not found": anyone.get("/no-such-page/"),
        "bad request": anyone.get("/get-help/?topic=%00"),
        "static file": anyone.get("/static/css/site.css"),
        "admin login": anyone.get("/admin/login/"),
        "two-step login": anyone.get("/admin/account/login/"),
        "admin": staff.get("/admin/"),
        "admin list": staff.get("/admin/clinicians/callback/"),
    }


def test_every_kind_of_response_carries_the_protective_headers(pages):
    for kind, response in pages.items():
        assert response.status_code < 500, kind
        csp = _csp(response)
        assert csp["base-uri"] == ["'none'"], kind
        assert csp["object-src"] == ["'none'"], kind
        assert csp["frame-ancestors"] == ["'none'"], kind
        assert not any("unsafe" in value for value in csp["script-src"]), kind
        assert "unsafe" not in csp["default-src"][0], kind
        permissions = response.headers["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in permissions, (kind, feature)
        assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin", kind
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin", kind
        assert response.headers["Referrer-Policy"] == "same-origin", kind
        assert response.headers["X-Content-Type-Options"] == "nosniff", kind
        assert response.headers["X-Frame-Options"] == "DENY", kind


def test_no_admin_page_and_not_the_form_may_be_kept_by_any_cache(pages):
    for kind in ("form", "admin login", "two-step login", "admin", "admin list"):
        assert "no-store" in pages[kind].headers["Cache-Control"], kind


def test_production_sends_hsts_and_host_only_secure_cookies(client, settings, lead):
    prod = _production(
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_NAME",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SAMESITE",
        "SESSION_COOKIE_DOMAIN",
        "CSRF_COOKIE_DOMAIN",
        "SESSION_COOKIE_PATH",
        "CSRF_COOKIE_PATH",
        "SESSION_COOKIE_HTTPONLY",
    )
    assert prod["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert prod["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert prod["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    for name, value in prod.items():
        setattr(settings, name, value)

    form = client.get("/admin/login/", secure=True)
    login = client.post(
        "/admin/login/?next=/admin/",
        {"username": lead.username, "password": PASSWORD},
        secure=True,
    )

    assert form.headers["Strict-Transport-Security"] == (
        f"max-age={prod['SECURE_HSTS_SECONDS']}; includeSubDomains"
    )
    for response, name in [(form, "__Host-csrftoken"), (login, "__Host-sessionid")]:
        cookie = response.cookies[name]
        # What browsers demand of a __Host- cookie: Secure, Path=/, no Domain.
        assert cookie["secure"] is True, name
        assert cookie["path"] == "/", name
        assert cookie["domain"] == "", name
        assert cookie["samesite"] in ("Lax", "Strict"), name
    assert login.cookies["__Host-sessionid"]["httponly"] is True


def test_a_staff_session_ends_12_hours_after_login_however_busy(client, lead):
    start = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=start):
        client.post(
            "/admin/login/?next=/admin/",
            {"username": lead.username, "password": PASSWORD},
        )
    statuses = []
    for minutes in range(20, 13 * 60, 20):  # a request every 20 minutes
        with mock.patch(
            "django.utils.timezone.now",
            return_value=start + timedelta(minutes=minutes),
        ):
            statuses.append((minutes, client.get("/admin/").status_code))

    assert all(status == 200 for minutes, status in statuses if minutes <= 12 * 60)
    assert all(status == 302 for minutes, status in statuses if minutes > 12 * 60)


def test_logging_in_again_starts_the_12_hours_again(client, lead):
    start = timezone.now()
    for hours in (0, 11):
        with mock.patch("django.utils.timezone.now", return_value=start + hours * HOUR):
            client.logout()
            client.post(
                "/admin/login/?next=/admin/",
                {"username": lead.username, "password": PASSWORD},
            )
    assert client.session[LOGIN_AT] == (start + 11 * HOUR).timestamp()


def test_public_pages_set_no_cookie_for_visitors_with_a_session(
    client, lead, django_capture_on_commit_callbacks
):
    ClinicianFactory()
    article = ArticleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/get-help/", form_data())  # a person with a session now
    staff = Client()
    staff.force_login(lead)
    staff.get("/admin/")

    for visitor in (client, staff):
        for path in ("/", "/articles/", article.get_absolute_url()):
            response = visitor.get(path)
            assert "public" in response.headers["Cache-Control"], path
            assert not response.cookies, path


def test_a_response_that_sets_a_cookie_is_never_marked_public():
    def view(request):
        response = HttpResponse("hello")
        response["Cache-Control"] = "public, max-age=300"
        response.set_cookie("something", "personal")
        return response

    response = SiteSecurityMiddleware(view)(RequestFactory().get("/articles/"))

    assert "public" not in response.headers["Cache-Control"]
    assert "private" in response.headers["Cache-Control"]


def test_the_staff_session_still_lasts_while_used(client, lead):
    client.force_login(lead)
    client.get("/admin/")
    first = Session.objects.get().expire_date
    later = timezone.now() + timedelta(minutes=20)
    with mock.patch("django.utils.timezone.now", return_value=later):
        client.get("/admin/")

    assert Session.objects.get().expire_date > first  # saved on the staff request


def test_the_audit_log_records_where_staff_opened_an_enquiry_from(
    behind_one_proxy, lead, client
):
    callback = CallbackFactory()
    client.force_login(lead)

    response = client.get(
        f"/admin/clinicians/callback/{callback.pk}/change/",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.1, 192.0.2.33",
    )

    assert response.status_code == 200
    event = AuditEvent.objects.get(enquiry=callback.enquiry)
    assert (event.action, event.actor, event.client_address) == (
        AuditEvent.Action.VIEWED,
        lead,
        "192.0.2.33",
    )


def test_the_audit_log_keeps_no_address_of_a_person_who_withdraws(
    client, django_capture_on_commit_callbacks
):
    ClinicianFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/get-help/", form_data(), REMOTE_ADDR="192.0.2.50")
    thanks = client.get("/get-help/thank-you/").text
    link = thanks.split('href="http://127.0.0.1:8000', 1)[1].split('"', 1)[0]

    client.post(link, REMOTE_ADDR="192.0.2.50")

    [event] = AuditEvent.objects.all()
    assert event.action == AuditEvent.Action.WITHDRAWN
    assert event.client_address is None
