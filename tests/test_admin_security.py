"""Staff login security: the second factor, lockout after failed logins, idle expiry.

Every login here goes through the real pages with the test client; only the
authenticator app is played by the test, which computes its codes from the key.
"""

import os
import subprocess
import sys
from base64 import b32decode
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinicians.staff_groups import LEAD
from tests.clinicians.factories import UserFactory
from tests.support import PROD_ENV

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery"  # UserFactory's
ADMIN = "/admin/"
ADMIN_LOGIN = "/admin/login/?next=/admin/"


def _two_step_login() -> str:
    return reverse("two_factor:login") + "?next=/admin/"


@pytest.fixture
def staff():
    user = UserFactory(username="sam.lead")
    user.groups.add(Group.objects.get(name=LEAD))
    return user


def _password_step(client, user, password=PASSWORD, **extra):
    return client.post(
        _two_step_login(),
        {
            "login_view-current_step": "auth",
            "auth-username": user.username,
            "auth-password": password,
        },
        **extra,
    )


def _code(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


def _wrong_code(device: TOTPDevice) -> str:
    # The device accepts the codes either side of now too: avoid all three.
    valid = {_code(device, drift) for drift in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222") if code not in valid)


def _wizard_step(response) -> str:
    return response.context["wizard"]["steps"].current


# --- Second factor on (production) --------------------------------------------


def test_with_otp_required_a_password_alone_leads_to_setup_not_the_admin(
    client, otp_required, staff
):
    response = client.get(ADMIN, follow=True)
    assert response.request["PATH_INFO"] == reverse("two_factor:login")

    response = _password_step(client, staff)
    response = client.get(response.url, follow=True)

    setup = reverse("two_factor:setup")
    assert response.redirect_chain[-1][0] == setup
    assert "two_factor/core/setup.html" in [t.name for t in response.templates]
    for page in (ADMIN, "/admin/clinicians/callback/", "/admin/enquiries/enquiry/"):
        response = client.get(page, follow=True)
        assert response.redirect_chain[-1][0] == setup, page
        assert response.context.get("cl") is None, page


def test_setting_up_an_authenticator_opens_the_admin(client, otp_required, staff):
    _password_step(client, staff)
    setup = reverse("two_factor:setup")

    response = client.post(setup, {"setup_view-current_step": "welcome"})
    assert _wizard_step(response) == "generator"
    key = b32decode(response.context["secret_key"])
    code = totp(key)
    response = client.post(
        setup,
        {"setup_view-current_step": "generator", "generator-token": code},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("two_factor:setup_complete")
    assert reverse("two_factor:backup_tokens") in response.text
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed and device.bin_key == key
    assert client.get(ADMIN).status_code == 200


def test_a_wrong_setup_code_sets_nothing_up(client, otp_required, staff):
    _password_step(client, staff)
    setup = reverse("two_factor:setup")
    response = client.post(setup, {"setup_view-current_step": "welcome"})
    device = TOTPDevice(key=b32decode(response.context["secret_key"]).hex())

    response = client.post(
        setup,
        {
            "setup_view-current_step": "generator",
            "generator-token": _wrong_code(device),
        },
    )

    assert _wizard_step(response) == "generator"
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert client.get(ADMIN).status_code == 302


def test_with_otp_required_an_authenticator_code_is_needed_to_get_in(
    client, otp_required, staff
):
    device = staff.totpdevice_set.create(name="default", confirmed=True)

    response = _password_step(client, staff)
    assert _wizard_step(response) == "token"
    assert client.get(ADMIN).status_code == 302

    response = client.post(
        _two_step_login(),
        {"login_view-current_step": "token", "token-otp_token": _wrong_code(device)},
    )
    assert _wizard_step(response) == "token"
    assert client.get(ADMIN).status_code == 302

    device.refresh_from_db()
    device.throttle_reset()  # as if they waited: a failure slows the next try
    response = client.post(
        _two_step_login(),
        {"login_view-current_step": "token", "token-otp_token": _code(device)},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == ADMIN
    assert response.status_code == 200
    assert response.context["user"] == staff


def test_a_backup_code_works_once(client, otp_required, staff):
    staff.totpdevice_set.create(name="default", confirmed=True)
    backup = staff.staticdevice_set.create(name="backup")
    code = StaticToken.random_token()
    backup.token_set.create(token=code)

    def sign_in_with_backup_code(client):
        _password_step(client, staff)
        response = client.post(
            _two_step_login(),
            {"login_view-current_step": "token", "wizard_goto_step": "backup"},
        )
        assert _wizard_step(response) == "backup"
        return client.post(
            _two_step_login(),
            {"login_view-current_step": "backup", "backup-otp_token": code},
            follow=True,
        )

    response = sign_in_with_backup_code(client)
    assert response.redirect_chain[-1][0] == ADMIN
    assert response.status_code == 200

    second = Client()
    response = sign_in_with_backup_code(second)
    assert response.redirect_chain == []
    assert _wizard_step(response) == "backup"
    assert second.get(ADMIN).status_code == 302
    assert not backup.token_set.exists()


# --- Second factor off (make run and the tests) -------------------------------


def test_with_otp_off_the_demo_users_log_in_with_a_password_only(settings, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("seed_demo", "--force")
    assert settings.ADMIN_REQUIRE_OTP is False  # test.py's, as dev.py's

    for username in ("lead", "clinician", "editor"):
        client = Client()
        response = client.post(
            ADMIN_LOGIN,
            {"username": username, "password": "demo-password-only"},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == ADMIN, username
        assert response.status_code == 200, username
        assert response.context["user"].username == username


def _settings_in(module: str, names: str) -> list[str]:
    """Start Django with one settings module and the environment's defaults."""
    ours = {"ADMIN_REQUIRE_OTP", "SESSION_IDLE_MINUTES", "LOGIN_FAILURE_LIMIT"}
    env = {key: value for key, value in os.environ.items() if key not in ours}
    env |= PROD_ENV | {"DJANGO_SETTINGS_MODULE": f"referral_site.settings.{module}"}
    probe = (
        "import django; django.setup(); from django.conf import settings as s;"
        f" print(*(getattr(s, name) for name in {names.split()!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_production_requires_the_second_factor_and_make_run_does_not():
    assert _settings_in("prod", "ADMIN_REQUIRE_OTP") == ["True"]
    assert _settings_in("dev", "ADMIN_REQUIRE_OTP") == ["False"]


# --- Lockout ------------------------------------------------------------------


def _admin_login(client, user, password, **extra):
    return client.post(
        ADMIN_LOGIN, {"username": user.username, "password": password}, **extra
    )


@pytest.mark.parametrize(
    ("require_otp", "log_in"),
    [(False, _admin_login), (True, _password_step)],
    ids=["admin-login-otp-off", "two-step-login-otp-on"],
)
def test_five_wrong_passwords_lock_out_even_the_right_one(
    client, settings, staff, require_otp, log_in
):
    settings.ADMIN_REQUIRE_OTP = require_otp

    tries = [log_in(client, staff, "not-my-password") for _ in range(5)]
    assert [response.status_code for response in tries[:4]] == [200] * 4
    response = log_in(client, staff, PASSWORD)

    assert response.status_code == 429
    assert "admin_security/locked_out.html" in [t.name for t in response.templates]
    assert "Sign-in is paused for now" in response.text
    assert "Please wait 60 minutes" in response.text
    assert "Traceback" not in response.text
    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN).status_code == 302


def test_a_lockout_holds_one_username_at_one_address_only(client, staff):
    for _ in range(5):
        _admin_login(client, staff, "not-my-password", REMOTE_ADDR="203.0.113.9")

    response = _admin_login(Client(), staff, PASSWORD, REMOTE_ADDR="198.51.100.7")

    assert response.status_code == 302
    assert response.url == ADMIN


def test_a_right_password_before_the_limit_clears_the_failures(client, staff):
    for _ in range(4):
        _admin_login(client, staff, "not-my-password")
    assert _admin_login(client, staff, PASSWORD).status_code == 302
    client.logout()

    for _ in range(4):
        _admin_login(client, staff, "not-my-password")

    assert _admin_login(client, staff, PASSWORD).status_code == 302


# --- Session expiry -----------------------------------------------------------


def test_the_staff_session_ends_with_the_browser_and_after_30_idle_minutes(
    client, settings, staff
):
    response = _admin_login(client, staff, PASSWORD)

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # gone at browser close
    assert client.session.get_expiry_age() == 30 * 60
    assert _settings_in("prod", "SESSION_COOKIE_AGE") == [str(30 * 60)]

    start = timezone.now()
    for minutes_later, status in [(29, 200), (58, 200), (89, 302)]:
        moment = start + timedelta(minutes=minutes_later)
        with mock.patch("django.utils.timezone.now", return_value=moment):
            response = client.get(ADMIN)
        assert response.status_code == status, minutes_later
