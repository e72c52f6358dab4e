"""Django's own deployment checklist passes with production settings: every
warning is fixed, or silenced in prod.py with a comment saying why."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import PROD_ENV

pytestmark = [pytest.mark.security]

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_passes_with_production_settings():
    env = os.environ | PROD_ENV | {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_only_silenced_security_check_is_hsts_preload():
    probe = (
        "import django; django.setup(); from django.conf import settings;"
        " print(*settings.SILENCED_SYSTEM_CHECKS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=os.environ | PROD_ENV,
        capture_output=True,
        text=True,
    )

    silenced = result.stdout.split()
    assert [name for name in silenced if name.startswith("security.")] == [
        "security.W021"
    ]
