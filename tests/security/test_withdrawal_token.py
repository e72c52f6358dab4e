"""The private withdrawal link's token erases a person's data: only its SHA-256 is
stored, and it must not leak anywhere else. Not into the access log (request line
or Referer), not into Django's log, not into the session table in clear, not into
the Referer of the page's own CSS and JS; and a crafted "email me" send gets a
clear answer, not a 500."""

import importlib
import io
import logging
import os
import re
import sys
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
import yaml
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from enquiries.models import Enquiry
from harness.polling import wait_until
from harness.processes import ROOT, Process, free_port
from referral_site.celery import app as celery_app
from tests.clinicians.factories import ClinicianFactory
from tests.enquiries.factories import EMAIL, form_data

pytestmark = [pytest.mark.security, pytest.mark.django_db]

TOKEN = re.compile(r"/get-help/withdraw/([A-Za-z0-9_-]{20,})/")
MADE_UP = "Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXhx"  # a token's shape


@pytest.fixture
def sent(client, django_capture_on_commit_callbacks) -> Client:
    """A person who has just sent an email enquiry, not yet on the thank-you page."""
    ClinicianFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/get-help/",
            form_data(contact_method="email", email=EMAIL, phone=None),
        )
    return client


def _token_on_thanks_page(client) -> str:
    return TOKEN.search(client.get("/get-help/thank-you/").text)[1]


def _session_rows() -> list[str]:
    """Every session, raw as stored and decoded."""
    rows = []
    for session in Session.objects.all():
        rows += [session.session_data, repr(session.get_decoded())]
    return rows


def test_the_session_never_holds_the_token_in_clear(sent):
    stored_before = _session_rows()
    token = _token_on_thanks_page(sent)

    assert stored_before, "the send kept nothing in the session"
    assert not any(token in row for row in stored_before)
    assert not any(token in row for row in _session_rows())
    assert TOKEN.search(sent.get("/get-help/thank-you/").text) is None  # shown once


@pytest.mark.parametrize("page", ["thanks", "withdraw", "emailed", "unknown"])
def test_the_private_link_pages_keep_their_path_out_of_every_referer(sent, page):
    token = _token_on_thanks_page(sent) if page != "unknown" else MADE_UP
    if page == "thanks":
        response = sent.get("/get-help/thank-you/")
    elif page == "emailed":
        response = sent.post("/get-help/withdraw/email-me/", {"token": token})
    else:
        response = sent.get(f"/get-help/withdraw/{token}/")

    # strict-origin: the Referer of the page's CSS, JS and links is the origin
    # alone. Not no-referrer: under it browsers send `Origin: null` with the
    # page's own form, which Django's CSRF check refuses.
    assert response.headers["Referrer-Policy"] == "strict-origin"
    # Browsers apply a <meta name="referrer"> after the header: it must agree.
    assert '<meta name="referrer" content="strict-origin">' in response.text
    assert "no-store" in response.headers["Cache-Control"]


def test_the_pages_forms_still_pass_the_csrf_check_from_a_browser(
    django_capture_on_commit_callbacks,
):
    """What a browser sends under strict-origin: a real Origin, over HTTPS."""
    ClinicianFactory()
    browser = Client(enforce_csrf_checks=True)
    form = browser.get("/get-help/", secure=True)
    csrf = form.context["csrf_token"]
    origin = {"HTTP_ORIGIN": "https://testserver", "secure": True}
    with django_capture_on_commit_callbacks(execute=True):
        sent = browser.post(
            "/get-help/", form_data(csrfmiddlewaretoken=str(csrf)), **origin
        )
    assert sent.status_code == 302
    token = TOKEN.search(browser.get("/get-help/thank-you/", secure=True).text)[1]

    page = browser.get(f"/get-help/withdraw/{token}/", secure=True)
    withdrawn = browser.post(
        f"/get-help/withdraw/{token}/",
        {"csrfmiddlewaretoken": page.context["csrf_token"]},
        **origin,
    )

    assert withdrawn.status_code == 200
    assert Enquiry.objects.get().withdrawn_at is not None


def _console_output(action) -> str:
    """What the configured console handler (settings.LOGGING) writes during `action`."""
    [handler] = [
        h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler
    ]
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        action()
    finally:
        handler.setStream(old)
    return stream.getvalue()


def test_djangos_not_found_warning_does_not_write_the_token(client):
    output = _console_output(lambda: client.get(f"/get-help/withdraw/{MADE_UP}/"))
    output += _console_output(lambda: client.post(f"/get-help/withdraw/{MADE_UP}/"))

    assert "Not Found: /get-help/withdraw/[token]/" in output
    assert MADE_UP not in output
    assert MADE_UP[:20] not in output


@pytest.mark.parametrize(
    ("token", "why"),
    [("", "empty"), ("abc/def", "a slash"), ("x" * 500, "too long"), ("é", "accent")],
)
def test_a_crafted_email_me_send_gets_a_clear_answer(client, token, why):
    response = client.post("/get-help/withdraw/email-me/", {"token": token})

    assert response.status_code == 400, why
    assert "We do not recognise this link" in response.text


def test_expired_sessions_are_cleared_every_day(sent):
    entry = next(
        entry
        for entry in celery_app.conf.beat_schedule.values()
        if entry["task"] == "enquiries.tasks.sessions_clear_expired"
    )
    assert entry["schedule"].remaining_estimate(timezone.now()) <= timedelta(days=1)
    live = Session.objects.get()
    Session.objects.create(
        session_key="expired-one",
        session_data="x",
        expire_date=timezone.now() - timedelta(minutes=1),
    )

    importlib.import_module(entry["task"].rpartition(".")[0])  # as the worker does
    celery_app.tasks[entry["task"]].delay()

    assert list(Session.objects.values_list("pk", flat=True)) == [live.pk]


# --- gunicorn's access log, started as docker-compose starts it -------------------


def _compose_web_command(port: int) -> list[str]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    command = list(compose["services"]["web"]["command"])
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    assert command[0] == "gunicorn"
    # One worker is enough to read the log (gunicorn.conf.py sets the number).
    return [sys.executable, "-m", "gunicorn", *command[1:], "--workers", "1"]


def _get(url: str, **headers) -> bool:
    """Whether the server answered; the status does not matter here, only what was
    logged."""
    request = urllib.request.Request(url, headers=headers, method="GET")
    try:
        urllib.request.urlopen(request, timeout=10).close()
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False  # not listening yet
    return True


def test_the_access_log_does_not_write_the_token(tmp_path):
    port = free_port()
    env = os.environ | {
        # No database is needed: a static file, and a withdrawal link asked with a
        # method the page refuses (405) before it looks anything up.
        "DJANGO_SETTINGS_MODULE": "referral_site.settings.test",
        "DATABASE_URL": "sqlite://:memory:",
    }
    log = tmp_path / "gunicorn.log"
    server = Process("gunicorn", _compose_web_command(port), env=env, log=log)
    base = f"http://127.0.0.1:{port}"
    link = f"{base}/get-help/withdraw/{MADE_UP}/"
    try:
        server.start()
        wait_until(
            lambda: _get(f"{base}/static/css/site.css", Referer=link),
            timeout=10,
            what="gunicorn",
        )
        request = urllib.request.Request(link, method="OPTIONS")
        try:
            urllib.request.urlopen(request, timeout=10)
        except urllib.error.HTTPError as error:
            assert error.code == 405
    finally:
        server.stop(timeout=10)
    output = log.read_text()

    assert '"GET /static/css/site.css HTTP/1.1" 200' in output, output
    assert f"{base}/get-help/withdraw/[token]/" in output  # the Referer
    assert '"OPTIONS /get-help/withdraw/[token]/ HTTP/1.1" 405' in output
    assert MADE_UP not in output
