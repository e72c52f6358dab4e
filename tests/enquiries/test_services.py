import uuid
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from clinicians.models import Callback
from clinicians.tasks import callback_open
from enquiries.models import Enquiry
from enquiries.references import ALPHABET, PREFIX
from enquiries.services import CONSENT_VERSION, enquiry_submit
from tests.enquiries.factories import PHONE

pytestmark = pytest.mark.django_db


def _submit(**overrides):
    fields = {
        "name": "Sam",
        "phone": PHONE,
        "message": "Worried about my brother's drinking.",
        "submission_token": uuid.uuid4(),
    }
    return enquiry_submit(**(fields | overrides))


def test_submit_saves_the_enquiry_with_a_readable_reference_and_consent():
    enquiry, created = _submit()

    assert created
    enquiry.refresh_from_db()
    assert enquiry.name == "Sam"
    assert enquiry.phone == PHONE
    assert enquiry.consent_version == CONSENT_VERSION
    assert enquiry.consented_at is not None
    assert enquiry.reference.startswith(PREFIX)
    assert set(enquiry.reference.removeprefix(PREFIX)) <= set(ALPHABET)
    assert str(enquiry) == enquiry.reference


def test_submit_queues_the_callback_only_after_commit(
    django_capture_on_commit_callbacks,
):
    with (
        mock.patch.object(callback_open, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        enquiry, _ = _submit()
        delay.assert_not_called()  # still inside the transaction
    delay.assert_called_once_with(enquiry.pk)  # the id only: nothing personal


def test_the_same_form_sent_twice_makes_one_enquiry_and_one_callback(
    django_capture_on_commit_callbacks,
):
    token = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        first, first_created = _submit(submission_token=token)
    with django_capture_on_commit_callbacks(execute=True) as second_callbacks:
        second, second_created = _submit(submission_token=token, name="Sam again")

    assert (first_created, second_created) == (True, False)
    assert second == first
    assert second_callbacks == []  # nothing announced the second time
    assert Enquiry.objects.count() == 1
    assert Callback.objects.count() == 1


def test_a_reference_collision_draws_a_new_reference():
    taken, _ = _submit()
    fresh = "R-KKKKKK"
    with mock.patch(
        "enquiries.services.new_reference", side_effect=[taken.reference, fresh]
    ):
        enquiry, created = _submit()

    assert created
    assert enquiry.reference == fresh
    assert Enquiry.objects.count() == 2


def test_invalid_input_saves_nothing_and_queues_nothing(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError) as error,
    ):
        _submit(name="", message="x" * 1001)

    assert set(error.value.message_dict) == {"name", "message"}
    assert callbacks == []
    assert not Enquiry.objects.exists()


def test_contact_details_and_message_are_encrypted_at_rest():
    enquiry, _ = _submit(name="Sam", phone=PHONE, message="my brother's drinking")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, phone, message FROM enquiries_enquiry WHERE id = %s",
            [enquiry.pk],
        )
        raw = " ".join(cursor.fetchone())

    for secret in ("Sam", "07700", "900123", "brother", "drinking"):
        assert secret not in raw
    assert raw.startswith("gAAAAA")  # a Fernet token
