"""Encryption at rest across every app: discovery, key rotation, refusing what no key
opens, and `check_encryption`. `enquiries` must not import `clinicians` to do any of
it (tests/test_site.py holds that rule for the whole package)."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from encrypted_model_fields import fields as field_library

from clinicians.models import ContactAttempt, RiskAssessment
from clinicians.services import risk_record
from enquiries import encryption
from enquiries.encryption import (
    Location,
    UndecryptableValue,
    encrypted_fields,
    encryption_report,
    reencrypt_all,
)
from enquiries.models import Enquiry
from tests.clinicians.factories import CallbackFactory, ClinicianFactory
from tests.enquiries.factories import EnquiryFactory

pytestmark = pytest.mark.django_db

OLD, NEW, LOST = (Fernet.generate_key() for _ in range(3))
# Long, with spaces and punctuation base64 never uses, so neither can turn up inside
# a ciphertext (or a pk) by chance.
NOTE = "Relapsed after the funeral; drinking every day now."
PLAINTEXT_NOTE = "Left the hostel, staying with a friend for now."
PERSONAL = (NOTE, PLAINTEXT_NOTE, "Alex Example", "07700 900123")


@pytest.fixture
def use_keys(monkeypatch, settings):
    """Make the field library read and write with these keys, newest first, as it
    would after a restart with FIELD_ENCRYPTION_KEY so."""

    def use(*keys: bytes) -> None:
        settings.FIELD_ENCRYPTION_KEY = [key.decode() for key in keys]
        monkeypatch.setattr(field_library, "CRYPTER", field_library.get_crypter())

    return use


def _attempt(callback, *, note: str = NOTE) -> ContactAttempt:
    return ContactAttempt.objects.create(
        callback=callback,
        by=ClinicianFactory().user,
        channel="phone",
        result="no_answer",
        note=note,
    )


def _case() -> tuple[Enquiry, ContactAttempt, RiskAssessment]:
    """An enquiry, an attempt note and a risk panel, under the keys in use."""
    callback = CallbackFactory()
    attempt = _attempt(callback)
    risk = risk_record(callback=callback, by=attempt.by, self_harm="yes")
    return callback.enquiry, attempt, risk


def _raw_tables() -> dict[str, list[tuple]]:
    tables = {}
    for label in encrypted_fields():
        table = connection.ops.quote_name(apps.get_model(label)._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")
            tables[label] = cursor.fetchall()
    return tables


def _raw_note(attempt: ContactAttempt) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT note FROM clinicians_contactattempt WHERE id = %s", [attempt.pk]
        )
        return cursor.fetchone()[0]


def _check(*args: str) -> list[str]:
    out = StringIO()
    call_command("check_encryption", *args, stdout=out)
    return out.getvalue().splitlines()


def _assert_nothing_personal(*texts: str) -> None:
    for text in texts:
        for secret in PERSONAL:
            assert secret not in text, secret


def test_discovery_finds_the_encrypted_fields_of_every_app():
    found = encrypted_fields()

    assert found["clinicians.ContactAttempt"] == ("note",)
    assert found["clinicians.RiskAssessment"] == (
        "overdose_risk", "injecting", "blood_borne_viruses", "self_harm",
        "harm_to_others", "children_or_dependants",
    )  # fmt: skip
    assert found["enquiries.Enquiry"] == (
        "relationship", "they_know", "name", "phone", "email", "danger",
        "substances", "message", "area", "came_from_topic",
    )  # fmt: skip
    assert "clinicians.Callback" not in found  # no encrypted field, so left out
    assert list(found) == sorted(found)


def test_rotation_moves_every_app_to_the_new_key_so_the_old_one_can_go(use_keys):
    use_keys(OLD)
    enquiry, attempt, risk = _case()
    use_keys(NEW, OLD)  # rotated: the new key first, the old one still after it

    rewritten = reencrypt_all()

    for label in ("enquiries.Enquiry", "clinicians.ContactAttempt",
                  "clinicians.RiskAssessment"):  # fmt: skip
        assert rewritten[label] == 1, label
    assert Fernet(NEW).decrypt(_raw_note(attempt).encode()).decode() == NOTE
    use_keys(NEW)  # the old key dropped
    assert Enquiry.objects.get(pk=enquiry.pk).name == "Alex Example"
    assert ContactAttempt.objects.get(pk=attempt.pk).note == NOTE
    assert RiskAssessment.objects.get(pk=risk.pk).self_harm == "yes"
    assert encryption_report().readable


def test_small_batches_reach_every_row_and_a_rerun_finds_nothing_due(use_keys):
    use_keys(OLD)
    callback = CallbackFactory()
    notes = [f"{NOTE} Attempt {n}." for n in range(4)]
    for note in notes:
        _attempt(callback, note=note)
    use_keys(NEW, OLD)

    assert reencrypt_all(batch_size=3)["clinicians.ContactAttempt"] == 4  # 3, then 1
    # An exact multiple of the batch size ends on an empty batch.
    assert set(reencrypt_all(batch_size=2).values()) == {0}
    use_keys(NEW)
    assert sorted(ContactAttempt.objects.values_list("note", flat=True)) == notes


def test_reencrypt_refuses_a_value_no_key_opens_and_changes_nothing(use_keys):
    use_keys(OLD)
    _case()  # re-encryptable, and in models visited before enquiries.Enquiry
    use_keys(LOST)
    lost = EnquiryFactory()
    use_keys(NEW, OLD)  # the key `lost` was written with is not among them
    before = _raw_tables()

    with pytest.raises(UndecryptableValue) as refusal:
        reencrypt_all()

    assert refusal.value.location == Location(
        "enquiries.Enquiry", lost.pk, "relationship"
    )
    assert str(refusal.value).startswith(
        f"enquiries.Enquiry pk={lost.pk} field relationship cannot be decrypted"
    )
    assert "Nothing was re-encrypted" in str(refusal.value)
    _assert_nothing_personal(str(refusal.value))
    assert _raw_tables() == before
    with pytest.raises(CommandError, match=f"enquiries.Enquiry pk={lost.pk} field"):
        call_command("reencrypt_enquiries", stdout=StringIO())
    assert _raw_tables() == before


def test_check_encryption_fails_naming_the_row_whose_key_is_missing(use_keys):
    use_keys(NEW)
    _, attempt, _ = _case()
    use_keys(OLD)
    lost = _attempt(attempt.callback)
    use_keys(NEW)  # OLD removed before re-encryption had run
    out = StringIO()

    with pytest.raises(CommandError, match=r"^1 value cannot be decrypted") as error:
        call_command("check_encryption", stdout=out)

    lines = out.getvalue().splitlines()
    assert (
        f"  clinicians.ContactAttempt pk={lost.pk} field note cannot be decrypted"
        in lines
    )
    assert f"pk={attempt.pk} " not in out.getvalue()  # the readable one is not named
    _assert_nothing_personal(out.getvalue(), str(error.value))


def test_check_encryption_passes_when_the_newest_key_opens_everything():
    _case()  # under the test settings' single key
    found = encrypted_fields()
    values = sum(
        apps.get_model(label)._base_manager.filter(**{f"{name}__isnull": False}).count()
        for label, names in found.items()
        for name in names
    )

    lines = _check("--require-newest")

    assert values >= 1 + 6 + 10  # the note, the risk panel and the enquiry
    assert lines[-1] == (
        f"All {values} encrypted values in {len(found)} models decrypt with the"
        " newest key."
    )
    assert "clinicians.ContactAttempt: rows 1, values 1, under an older key 0," in (
        " ".join(lines)
    )


def test_require_newest_fails_until_reencrypt_enquiries_has_run(use_keys):
    use_keys(OLD)
    _case()
    use_keys(NEW, OLD)

    assert "still under an older key" in _check()[-1]  # readable: no failure yet
    with pytest.raises(CommandError, match="still under an older key"):
        _check("--require-newest")
    out = StringIO()
    call_command("reencrypt_enquiries", stdout=out)
    for label in ("enquiries.Enquiry", "clinicians.ContactAttempt",
                  "clinicians.RiskAssessment"):  # fmt: skip
        line = f"Re-encrypted 1 row of {label} under the newest key."
        assert line in out.getvalue().splitlines()

    assert _check("--require-newest")[-1].endswith("decrypt with the newest key.")
    use_keys(NEW)  # and so the old key can go
    assert _check("--require-newest")[-1].endswith("decrypt with the newest key.")


def test_plaintext_in_an_encrypted_column_is_caught_and_then_encrypted():
    _, attempt, _ = _case()
    with connection.cursor() as cursor:  # as an AlterField to encrypted would leave it
        cursor.execute(
            "UPDATE clinicians_contactattempt SET note = %s WHERE id = %s",
            [PLAINTEXT_NOTE, attempt.pk],
        )
    location = Location("clinicians.ContactAttempt", attempt.pk, "note")

    report = encryption_report()
    (attempts,) = [m for m in report.models if m.model == "clinicians.ContactAttempt"]
    assert (attempts.plaintext, attempts.plaintext_at) == (1, [location])
    assert not report.readable
    out = StringIO()
    with pytest.raises(CommandError, match="not encrypted at all") as error:
        call_command("check_encryption", stdout=out)
    assert f"  {location} is plaintext" in out.getvalue().splitlines()
    _assert_nothing_personal(out.getvalue(), str(error.value))

    assert reencrypt_all()["clinicians.ContactAttempt"] == 1
    assert _raw_note(attempt).startswith(encryption.FERNET_PREFIX)
    assert ContactAttempt.objects.get(pk=attempt.pk).note == PLAINTEXT_NOTE
    _check("--require-newest")


def test_the_report_counts_every_problem_but_names_only_a_few(use_keys, monkeypatch):
    monkeypatch.setattr(encryption, "LOCATIONS_PER_MODEL", 2)
    use_keys(NEW)
    callback = CallbackFactory()
    use_keys(LOST)
    for _ in range(3):
        _attempt(callback)
    use_keys(NEW)
    out = StringIO()

    with pytest.raises(CommandError, match=r"^3 values cannot be decrypted"):
        call_command("check_encryption", stdout=out)

    (attempts,) = [
        m for m in encryption_report().models if m.model == "clinicians.ContactAttempt"
    ]
    assert (attempts.undecryptable, attempts.undecryptable_rows) == (3, 3)
    assert len(attempts.undecryptable_at) == 2
    assert "  ... and 1 more" in out.getvalue().splitlines()
