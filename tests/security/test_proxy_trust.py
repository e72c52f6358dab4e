"""Behind our proxy, X-Forwarded-For is believed only for the entry the proxy
appended: a client that writes its own entries (or none, or rubbish) neither
escapes the enquiry rate limit or the login lockout nor breaks the form."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from enquiries.models import Enquiry
from referral_site.client_address import client_ip
from tests.enquiries.factories import form_data
from tests.support import PROD_ENV

from .conftest import PASSWORD, PROXY

pytestmark = [pytest.mark.security, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
PERSON = "203.0.113.5"  # the address our proxy saw connecting


def _request(forwarded: str | None, remote: str = PROXY):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_the_rate_limit_and_the_lockout_read_the_one_trusted_address():
    assert settings.RATELIMIT_IP_META_KEY == "referral_site.client_address.client_ip"
    assert settings.AXES_CLIENT_IP_CALLABLE == "referral_site.client_address.client_ip"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        (PERSON, PERSON),
        (f"198.51.100.1, {PERSON}", PERSON),  # the client wrote the first entry
        (f"1.1.1.1, 2.2.2.2,{PERSON}", PERSON),
        ("2001:db8::7", "2001:db8::7"),
        ("::ffff:203.0.113.5", PERSON),
        (None, PROXY),  # not through the proxy: its own address, not a 500
        ("", PROXY),
        ("not-an-address", PROXY),
        (f"{PERSON}, ", PROXY),  # an empty last entry
        (f"{PERSON}:443", PROXY),
        ("\x00", PROXY),
        ("a" * 10_000, PROXY),
    ],
)
def test_behind_one_proxy_only_the_right_most_entry_counts(
    behind_one_proxy, forwarded, expected
):
    assert client_ip(_request(forwarded)) == expected


def test_with_no_proxy_the_header_is_ignored():
    assert settings.TRUSTED_PROXY_COUNT == 0  # the default
    assert client_ip(_request(f"198.51.100.1, {PERSON}", remote=PERSON)) == PERSON
    assert client_ip(_request("198.51.100.1", remote="")) == "0.0.0.0"


@pytest.mark.parametrize(
    "forwarded",
    [None, "", f"198.51.100.1, {PERSON}", "rubbish", "::1, ::1, ::1"],
    ids=["none", "empty", "two-hops", "rubbish", "ipv6-hops"],
)
def test_an_odd_header_still_saves_the_enquiry(behind_one_proxy, forwarded):
    extra = {"REMOTE_ADDR": PROXY}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded

    response = Client().post("/get-help/", form_data(), **extra)

    assert response.status_code == 302
    assert response.url == "/get-help/thank-you/"
    assert Enquiry.objects.count() == 1


def test_rotating_the_header_does_not_beat_the_enquiry_rate_limit(
    behind_one_proxy, settings
):
    settings.ENQUIRY_RATE_LIMIT = "3/h"

    statuses = [
        Client()
        .post(
            "/get-help/",
            form_data(),
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, {PERSON}",
        )
        .status_code
        for n in range(5)
    ]

    assert statuses == [302, 302, 302, 429, 429]
    assert Enquiry.objects.count() == 3
    # Someone else behind the same proxy is not held back.
    other = Client().post(
        "/get-help/", form_data(), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.9"
    )
    assert other.status_code == 302


def test_rotating_the_header_does_not_beat_the_login_lockout(behind_one_proxy, lead):
    def log_in(password: str, n: int):
        return Client().post(
            "/admin/login/?next=/admin/",
            {"username": lead.username, "password": password},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, {PERSON}",
        )

    tries = [log_in("not-my-password", n) for n in range(7)]

    assert [r.status_code for r in tries] == [200] * 4 + [429] * 3
    assert log_in(PASSWORD, 99).status_code == 429  # even the right password
    # The clinician at their own desk, behind the same proxy, still gets in.
    own_desk = Client().post(
        "/admin/login/?next=/admin/",
        {"username": lead.username, "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="192.0.2.44",
    )
    assert own_desk.status_code == 302


def test_the_old_header_setting_stops_production_with_a_clear_message():
    env = os.environ | PROD_ENV | {"RATELIMIT_IP_META_KEY": "HTTP_X_FORWARDED_FOR"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )

    assert result.returncode != 0
    assert "set TRUSTED_PROXY_COUNT" in result.stderr
