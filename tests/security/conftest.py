"""The security suite: an attacker's probe of the site, one test per attack, each
asserting what a person or a member of staff relies on. `make test-security` runs
it on PostgreSQL (which refuses what SQLite lets through, such as NUL bytes).
Every module carries `pytestmark = [pytest.mark.security, ...]`.
"""

import pytest
from django.contrib.auth.models import Group

from referral_site.roles import CLINICIAN, EDITOR, LEAD
from tests.clinicians.factories import ClinicianFactory, UserFactory

PASSWORD = "correct-horse-battery"  # UserFactory's
PROXY = "10.0.0.2"  # our load balancer, as gunicorn sees it


def _staff(username: str, group: str):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def lead(db):
    return _staff("lee.lead", LEAD)


@pytest.fixture
def editor(db):
    return _staff("eddie.editor", EDITOR)


@pytest.fixture
def clinician(db):
    """A clinician with a profile (so callbacks can be theirs)."""
    user = _staff("cleo.clinician", CLINICIAN)
    return ClinicianFactory(user=user).user


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
