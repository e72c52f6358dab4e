import uuid

import pytest
from django.test import Client

from clinicians.models import Callback
from enquiries.models import Enquiry
from tests.clinicians.factories import ClinicianFactory
from tests.enquiries.factories import PHONE

pytestmark = pytest.mark.django_db


def _form_data(**overrides):
    data = {
        "name": "Sam",
        "phone": PHONE,
        "message": "Worried about my drinking.",
        "consent": "on",
        "submission_token": str(uuid.uuid4()),
    }
    return data | overrides


def test_the_form_shows_each_question_with_its_hint_and_the_999_reminder(client):
    response = client.get("/get-help/")

    assert response.status_code == 200
    assert response.templates[0].name == "enquiries/enquiry_form.html"
    text = response.text
    assert "If you or someone else is in immediate danger, call" in text
    assert 'autocomplete="given-name"' in text
    assert 'autocomplete="tel"' in text
    assert "Up to 1000 characters" in text
    assert 'href="/privacy/"' in text
    assert 'name="consent"' in text and "checked" not in text
    assert "no-store" in response.headers["Cache-Control"]


def test_a_valid_enquiry_is_saved_and_the_thank_you_page_shows_its_reference(
    client, django_capture_on_commit_callbacks
):
    clinician = ClinicianFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/get-help/", _form_data(name="Marigold"))

    assert response.status_code == 302
    assert response.url == "/get-help/thank-you/"  # nothing identifying in the URL
    enquiry = Enquiry.objects.get()
    assert enquiry.callback.assigned_to == clinician
    thanks = client.get(response.url)
    assert enquiry.reference in thanks.text
    assert "What happens next" in thanks.text
    assert "Marigold" not in thanks.text and PHONE not in thanks.text  # nothing echoed


def test_a_double_clicked_submit_makes_one_enquiry(client):
    data = _form_data()

    first = client.post("/get-help/", data)
    second = client.post("/get-help/", data)

    assert first.status_code == second.status_code == 302
    assert Enquiry.objects.count() == 1
    assert client.get("/get-help/thank-you/").text.count(
        Enquiry.objects.get().reference
    )


def test_the_thank_you_page_without_an_enquiry_goes_back_to_the_form(client):
    response = client.get("/get-help/thank-you/")

    assert response.status_code == 302
    assert response.url == "/get-help/"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter a name we can call you by."),
        ("name", "x" * 101, "Enter a name of 100 characters or fewer."),
        ("phone", "", "Enter the phone number we should call."),
        ("phone", "call me", "Enter a phone number with its area code"),
        ("phone", "12345", "Enter a phone number with its area code"),
        ("message", "x" * 10_000, "Shorten your message to 1000 characters or fewer"),
        ("consent", "", "Tick the box to agree"),
    ],
)
def test_bad_input_gets_one_clear_message_beside_the_field_and_in_the_summary(
    client, field, value, message
):
    data = _form_data(**{field: value})
    if not value:
        del data[field]

    response = client.post("/get-help/", data)

    assert response.status_code == 200
    assert not Enquiry.objects.exists()
    text = response.text
    assert "There is a problem" in text
    assert f'href="#id_{field}"' in text  # the summary links to the field
    assert text.count(message) == 2  # once in the summary, once beside the field
    assert response.context["form"].errors.keys() == {field}


def test_what_the_person_typed_is_still_there_after_an_error(client):
    response = client.post(
        "/get-help/", _form_data(consent="", message="Please call after six")
    )

    assert "Please call after six" in response.text
    assert 'value="Sam"' in response.text
    assert f'value="{PHONE}"' in response.text


def test_html_and_script_typed_into_the_form_are_shown_escaped(client):
    script = "<script>alert('x')</script>"
    response = client.post("/get-help/", _form_data(name=script, consent=""))

    assert script not in response.text
    assert "&lt;script&gt;" in response.text


@pytest.mark.parametrize("token", ["", "not-a-token", "'; DROP TABLE x; --"])
def test_a_missing_or_tampered_form_token_asks_to_send_again_with_a_fresh_one(
    client, token
):
    response = client.post("/get-help/", _form_data(submission_token=token))

    assert response.status_code == 200
    assert not Enquiry.objects.exists()
    assert "We could not read this form" in response.text
    fresh = response.context["form"].data["submission_token"]
    assert uuid.UUID(fresh)
    retry = client.post("/get-help/", _form_data(submission_token=fresh))
    assert retry.status_code == 302
    assert Enquiry.objects.count() == 1


def test_an_empty_post_saves_nothing_and_lists_every_problem(client):
    response = client.post("/get-help/", {})

    assert response.status_code == 200
    assert not Enquiry.objects.exists()
    assert set(response.context["form"].errors) >= {"name", "phone", "consent"}


def test_a_missing_csrf_token_gets_a_friendly_page():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/get-help/", _form_data())

    assert response.status_code == 403
    assert "Sorry, we could not accept that form" in response.text
    assert not Enquiry.objects.exists()


def test_an_enquiry_is_kept_when_the_broker_is_down(
    client, caplog, django_capture_on_commit_callbacks, unreachable_broker
):
    with caplog.at_level("WARNING"), django_capture_on_commit_callbacks(execute=True):
        response = client.post("/get-help/", _form_data(name="Marigold"))

    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert not Callback.objects.exists()  # the sweep opens it later
    assert f"enquiry {enquiry.pk}" in caplog.text
    assert "Marigold" not in caplog.text and PHONE not in caplog.text
