import re

import pytest

from clinicians.models import Callback
from enquiries.models import AuditEvent, Enquiry
from tests.clinicians.factories import ClinicianFactory
from tests.enquiries.factories import PHONE, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def withdrawal_path(client, django_capture_on_commit_callbacks) -> str:
    ClinicianFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/get-help/", form_data(name="Marigold", message="About heroin"))
    thanks = client.get("/get-help/thank-you/").text
    return re.search(r'href="https?://[^/"]+(/get-help/withdraw/[^"]+)"', thanks)[1]


def test_opening_the_link_asks_first_and_erases_nothing(client, withdrawal_path):
    response = client.get(withdrawal_path)

    assert response.status_code == 200
    enquiry = Enquiry.objects.get()
    assert enquiry.reference in response.text
    assert "Withdraw and delete my request" in response.text
    assert enquiry.name == "Marigold"  # a link previewer's GET changes nothing
    assert "no-store" in response.headers["Cache-Control"]


def test_withdrawing_erases_the_personal_data_at_once_and_closes_the_callback(
    client, withdrawal_path
):
    response = client.post(withdrawal_path)

    assert response.status_code == 200
    assert "Your request has been withdrawn" in response.text
    enquiry = Enquiry.objects.get()
    assert (enquiry.name, enquiry.phone, enquiry.message) == ("", "", "")
    assert enquiry.withdrawn_at is not None and enquiry.anonymised_at is not None
    assert enquiry.reference  # an anonymous record that an enquiry existed remains
    callback = enquiry.callback
    assert callback.status == Callback.Status.CLOSED
    assert callback.outcome == Callback.Outcome.WITHDRAWN
    assert list(enquiry.audit_events.values_list("action", "actor")) == [
        (AuditEvent.Action.WITHDRAWN, None)
    ]
    assert PHONE not in response.text


def test_the_link_works_once(client, withdrawal_path):
    client.post(withdrawal_path)

    again = client.get(withdrawal_path)

    assert again.status_code == 404
    assert "We do not recognise this link" in again.text
    assert client.post(withdrawal_path).status_code == 404


def test_a_made_up_link_erases_nothing(client, withdrawal_path):
    response = client.post("/get-help/withdraw/made-up-token/")

    assert response.status_code == 404
    assert Enquiry.objects.get().name == "Marigold"


def test_the_token_itself_is_never_stored(client, withdrawal_path):
    token = withdrawal_path.rstrip("/").rsplit("/", 1)[1]

    enquiry = Enquiry.objects.get()
    assert token not in enquiry.withdrawal_token_hash
    assert len(enquiry.withdrawal_token_hash) == 64


def test_the_link_is_emailed_only_when_the_person_asks(client):
    from django.core import mail

    from tests.enquiries.factories import EMAIL

    client.post("/get-help/", form_data(contact_method="email", email=EMAIL))
    thanks = client.get("/get-help/thank-you/").text
    assert mail.outbox == []  # nothing sent unasked
    assert "Email me this link" in thanks
    token = re.search(r'name="token" value="([^"]+)"', thanks)[1]

    response = client.post("/get-help/withdraw/email-me/", {"token": token})

    assert "We have emailed you the link" in response.text
    [email] = mail.outbox
    assert email.to == [EMAIL]
    reference = Enquiry.objects.get().reference
    assert email.subject == f"Your private link for request {reference}"
    assert f"/get-help/withdraw/{token}/\n" in email.body  # on a line of its own
    assert "Sam" not in email.body and "drinking" not in email.body


def test_a_made_up_token_emails_nobody(client):
    from django.core import mail

    response = client.post("/get-help/withdraw/email-me/", {"token": "made-up"})

    assert "We could not email the link" in response.text
    assert mail.outbox == []


def test_no_email_offer_for_someone_who_chose_a_phone_call(client, withdrawal_path):
    assert "Email me this link" not in client.get("/get-help/thank-you/").text
