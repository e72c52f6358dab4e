"""The security suite: an attacker's probe of the site, one test per attack, each
asserting what a person or a member of staff relies on. `make test-security` runs
it on PostgreSQL (which refuses what SQLite lets through, such as NUL bytes).
Every module carries `pytestmark = [pytest.mark.security, ...]`.
"""

import pytest

from referral_site.roles import CLINICIAN
from tests.clinicians.factories import ClinicianFactory
from tests.conftest import staff

PASSWORD = "correct-horse-battery"  # UserFactory's
PROXY = "10.0.0.2"  # our load balancer, as gunicorn sees it


@pytest.fixture
def clinician(db):
    """A clinician with a profile (so callbacks can be theirs)."""
    user = staff("cleo.clinician", CLINICIAN)
    return ClinicianFactory(user=user).user


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
