"""What the content side's tests share."""

import pytest

from referral_site.roles import EDITOR
from tests.conftest import staff


@pytest.fixture
def editor(client):
    """An editor, logged in to the admin on `client` (the second factor is off in
    the test settings)."""
    user = staff("an-editor", EDITOR)
    client.force_login(user)
    return user
