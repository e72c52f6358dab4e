import uuid
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from clinicians.models import Callback
from clinicians.tasks import callback_open
from enquiries import consent
from enquiries.models import Enquiry
from enquiries.references import ALPHABET, PREFIX
from enquiries.services import Answers, enquiry_submit
from tests.enquiries.factories import EMAIL, PHONE

pytestmark = pytest.mark.django_db


def _answers(**changes) -> Answers:
    fields = {
        "for_whom": "someone_else",
        "relationship": "sibling",
        "they_know": "no",
        "name": "Sam",
        "contact_method": "phone",
        "phone": PHONE,
        "email": EMAIL,
        "voicemail_ok": False,
        "say_who_we_are_ok": True,
        "danger": "none",
        "substances": ["alcohol", "cocaine"],
        "message": "Worried about my brother's drinking.",
        "area": "LS6",
        "call_windows": ["morning", "evening"],
        "call_days": [0, 5],
    }
    return Answers(**(fields | changes))


def _submit(**changes):
    token = changes.pop("submission_token", None) or uuid.uuid4()
    return enquiry_submit(
        answers=_answers(**changes),
        submission_token=token,
        consent_version=consent.VERSION,
    )


def test_submit_saves_every_answer_with_a_readable_reference_and_consent():
    submission = _submit()

    assert submission.created
    enquiry = Enquiry.objects.get()
    assert enquiry.reference.startswith(PREFIX)
    assert set(enquiry.reference.removeprefix(PREFIX)) <= set(ALPHABET)
    assert str(enquiry) == enquiry.reference
    assert (enquiry.name, enquiry.phone, enquiry.relationship) == (
        "Sam",
        PHONE,
        "sibling",
    )
    assert enquiry.get_substances() == ["alcohol", "cocaine"]
    assert enquiry.get_call_windows() == ["morning", "evening"]
    assert enquiry.get_call_days() == [0, 5]
    assert enquiry.voicemail_ok is False and enquiry.say_who_we_are_ok is True
    assert enquiry.consent_version == consent.VERSION
    assert enquiry.consented_at is not None


def test_submit_keeps_only_the_contact_detail_the_method_needs():
    _submit(contact_method="phone")
    _submit(contact_method="email")

    by_phone, by_email = Enquiry.objects.order_by("pk")
    assert (by_phone.phone, by_phone.email) == (PHONE, "")
    assert (by_email.phone, by_email.email) == ("", EMAIL)


def test_submit_queues_the_callback_only_after_commit(
    django_capture_on_commit_callbacks,
):
    with (
        mock.patch.object(callback_open, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        enquiry = _submit().enquiry
        delay.assert_not_called()  # still inside the transaction
    delay.assert_called_once_with(enquiry.pk)  # the id only: nothing personal


def test_the_same_form_sent_twice_makes_one_enquiry_and_one_callback(
    django_capture_on_commit_callbacks,
):
    token = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        first = _submit(submission_token=token)
    with django_capture_on_commit_callbacks(execute=True) as second_callbacks:
        second = _submit(submission_token=token, name="Sam again")

    assert (first.created, second.created) == (True, False)
    assert second.enquiry == first.enquiry
    assert first.withdrawal_token and second.withdrawal_token is None
    assert second_callbacks == []  # nothing announced the second time
    assert Enquiry.objects.count() == 1
    assert Callback.objects.count() == 1


def test_a_reference_collision_draws_a_new_reference():
    taken = _submit().enquiry
    fresh = "R-KKKKKK"
    with mock.patch(
        "enquiries.services.new_reference", side_effect=[taken.reference, fresh]
    ):
        submission = _submit()

    assert submission.created
    assert submission.enquiry.reference == fresh
    assert Enquiry.objects.count() == 2


def test_invalid_input_saves_nothing_and_queues_nothing(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError) as error,
    ):
        _submit(name="", message="x" * 1001, relationship="astronaut")

    assert set(error.value.message_dict) == {"name", "message", "relationship"}
    assert callbacks == []
    assert not Enquiry.objects.exists()


def _raw(enquiry_id: int) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM enquiries_enquiry WHERE id = %s", [enquiry_id])
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def test_what_the_person_told_us_is_encrypted_at_rest():
    # Each secret is long, or has a character base64 never uses (a space, a dot),
    # so it cannot turn up inside a ciphertext by chance.
    enquiry = _submit(
        name="Sam Q. Example", area="West Yorkshire", danger="overdose"
    ).enquiry

    raw = _raw(enquiry.pk)
    everything = " ".join(str(value) for value in raw.values())
    for secret in ("Sam Q. Example", "07700 900123", "brother's drinking",
                   "West Yorkshire", "sibling", "cocaine", "overdose",
                   "sam@example.org"):  # fmt: skip
        assert secret not in everything, secret
    for column in ("name", "phone", "message", "area", "relationship", "substances",
                   "danger", "they_know"):  # fmt: skip
        assert raw[column].startswith("gAAAAA"), column  # a Fernet token
