"""The production settings refuse to start without their secrets."""

import os
import subprocess
import sys
from pathlib import Path

from tests.support import PROD_ENV

ROOT = Path(__file__).resolve().parent.parent
GOOD = PROD_ENV
PROBE = (
    "import django; django.setup(); from django.conf import settings as s;"
    " print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE)"
)


def _start(**changes) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in GOOD}
    env |= {key: value for key, value in (GOOD | changes).items() if value is not None}
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_production_starts_safe_by_default_when_given_its_secrets():
    result = _start()

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True"]


def test_production_stops_with_a_clear_message_without_each_secret():
    for name in (
        "DJANGO_SECRET_KEY",
        "FIELD_ENCRYPTION_KEY",
        "DATABASE_URL",
        "CACHE_URL",
    ):
        result = _start(**{name: None})
        assert result.returncode != 0, name
        assert f"Set the {name} environment variable" in result.stderr, name


def test_debug_is_on_in_production_only_when_asked_for():
    assert _start(DJANGO_DEBUG="true").stdout.split()[0] == "True"
