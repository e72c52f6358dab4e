"""The callbacks side's rules depend on the clock (opening hours, targets, spacing
between tries): every test here starts on an ordinary Wednesday morning, with the
service open, and moves the clock itself when the time of day is the point."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from encrypted_model_fields import fields as encrypted

LONDON = ZoneInfo("Europe/London")
# Opening hours from the migration: Monday to Friday 9am-8pm, Saturday 10am-4pm.
WEDNESDAY_MORNING = datetime(2026, 12, 2, 10, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _an_open_wednesday_morning(time_machine):
    time_machine.move_to(WEDNESDAY_MORNING, tick=True)


@pytest.fixture
def decryptions(monkeypatch) -> list:
    """The stored values (ciphertexts) the encrypted fields have decrypted since the
    test began, or since the test last emptied the list."""
    decrypted: list = []
    decrypt = encrypted.decrypt_str

    def recorded(token):
        decrypted.append(token)
        return decrypt(token)

    monkeypatch.setattr(encrypted, "decrypt_str", recorded)
    return decrypted
