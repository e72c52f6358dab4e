"""Staff and enquiries: subject access and erasure for leads, audited; no one else."""

import json

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from clinicians.staff_groups import CLINICIAN, EDITOR, LEAD
from enquiries.models import AuditEvent, Enquiry
from tests.clinicians.factories import UserFactory
from tests.enquiries.factories import PHONE, EnquiryFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/enquiries/enquiry/"


def _staff(client, group_name: str):
    user = UserFactory(username=group_name.lower().replace(" ", "-"))
    user.groups.add(Group.objects.get(name=group_name))
    client.force_login(user)
    return user


def _action(client, action: str, *enquiries):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [enquiry.pk for enquiry in enquiries]},
    )


def test_the_enquiry_list_shows_no_personal_data(client):
    _staff(client, LEAD)
    enquiry = EnquiryFactory(name="Marigold", message="About heroin")

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert enquiry.reference in response.text
    for secret in ("Marigold", "heroin", PHONE):
        assert secret not in response.text


def test_the_enquiry_page_masks_the_phone_number(client):
    _staff(client, LEAD)
    enquiry = EnquiryFactory()

    response = client.get(f"{CHANGELIST}{enquiry.pk}/change/")

    assert response.status_code == 200
    assert "******123" in response.text
    assert PHONE not in response.text


def _rows(section: dict) -> dict:
    """A question-and-answer section as {question: answer}."""
    return {row["Question"]: row["Answer"] for row in section["rows"]}


def _whole_trail(lead):
    """An enquiry with everything the callbacks side records about the person."""
    from clinicians import services
    from clinicians.models import Provider
    from tests.clinicians.factories import CallbackFactory, ClinicianFactory

    enquiry = EnquiryFactory(name="Marigold", area="LS6", substances="heroin")
    clinician = ClinicianFactory(display_name="Nurse Example")
    callback = CallbackFactory(enquiry=enquiry, assigned_to=clinician)
    services.attempt_log(
        callback=callback, by=clinician.user, channel="phone", result="no_answer",
        note="Her sister answered; said nothing.",
    )  # fmt: skip
    services.attempt_log(
        callback=callback, by=clinician.user, channel="phone", result="reached"
    )
    services.risk_record(callback=callback, by=clinician.user, injecting="yes")
    provider = Provider.objects.create(
        name="Example Detox Unit", kind="detox", regulator="CQC",
        registration_id="1-000000009", region="Leeds", cost_band="free",
        last_verified_on=timezone.localdate(),
    )  # fmt: skip
    services.callback_refer(
        callback=callback, provider=provider, funding_route="nhs",
        follow_up_on=timezone.localdate(), by=clinician.user,
    )  # fmt: skip
    AuditEvent.objects.create(enquiry=enquiry, action="viewed", actor=clinician.user)
    return enquiry


def test_a_lead_exports_everything_held_in_words_and_the_export_is_audited(client):
    lead = _staff(client, LEAD)
    enquiry = _whole_trail(lead)

    response = client.get(f"{CHANGELIST}{enquiry.pk}/copy.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert f'filename="{enquiry.reference}.json"' in response["Content-Disposition"]
    data = json.loads(response.content)
    sections = {section["title"]: section for section in data["sections"]}
    assert list(sections) == [
        "What you told us", "Your callback", "Contact attempts", "History",
        "Risk panel", "Referral", "Who opened your details",
    ]  # fmt: skip
    told = _rows(sections["What you told us"])
    assert (told["The name to use"], told["Phone number"], told["Your area"]) == (
        "Marigold", PHONE, "LS6",
    )  # fmt: skip
    assert told["What you are worried about"] == "Heroin or other opioids"  # words
    assert told["May we leave a voicemail or a message"] == "Yes"
    [tried, reached] = sections["Contact attempts"]["rows"]
    assert (tried["By"], tried["Result"], tried["Note"]) == (
        "Nurse Example", "No answer", "Her sister answered; said nothing.",
    )  # fmt: skip
    assert reached["Result"] == "Spoke to the person"
    assert _rows(sections["Risk panel"])["Injecting"] == "Yes"
    assert _rows(sections["Referral"])["Referred to"] == "Example Detox Unit (Detox)"
    history = [(row["What"], row["Detail"]) for row in sections["History"]["rows"]]
    assert ("Contacted to closed", "referred to Example Detox Unit") in history
    opened = sections["Who opened your details"]["rows"]
    assert [row["What"] for row in opened] == ["Viewed details"]
    for code in ('"heroin"', '"no_answer"', '"nhs"', '"reached"'):
        assert code not in response.text  # no internal codes
    assert "withdrawal_token_hash" not in response.text
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORTED)
    assert (event.enquiry, event.actor) == (enquiry, lead)


def test_the_subject_access_copy_is_a_printable_page_too(client):
    lead = _staff(client, LEAD)
    enquiry = _whole_trail(lead)

    response = client.get(f"{CHANGELIST}{enquiry.pk}/copy/")

    assert response.status_code == 200
    for seen in ("What you told us", "Marigold", "Her sister answered; said nothing.",
                 "Example Detox Unit", "Who opened your details",
                 "subject-access.css"):  # fmt: skip
        assert seen in response.text, seen
    assert AuditEvent.objects.filter(action="exported", actor=lead).count() == 1


def test_erasing_asks_first_and_names_what_will_be_erased(client):
    _staff(client, LEAD)
    enquiry = _whole_trail(None)

    page = client.get(f"{CHANGELIST}{enquiry.pk}/erase/")

    assert page.status_code == 200
    listed = page.text[page.text.index('id="what-erasure-does"') :]
    for seen in ("What you told us", "Contact attempts", "The notes are deleted",
                 "Risk panel", "Your callback"):  # fmt: skip
        assert seen in listed, seen
    enquiry.refresh_from_db()
    assert enquiry.name == "Marigold"  # nothing erased by looking
    assert not AuditEvent.objects.filter(action="erased").exists()


def test_the_erase_action_takes_one_enquiry_to_its_confirmation_page(client):
    _staff(client, LEAD)
    one, two = EnquiryFactory(), EnquiryFactory()

    single = _action(client, "erase", one)
    both = _action(client, "erase", one, two)

    assert single.url == f"{CHANGELIST}{one.pk}/erase/"
    assert both.status_code == 302 and both.url == CHANGELIST
    assert Enquiry.objects.active().count() == 2  # nothing erased without confirming


def test_a_lead_erases_an_enquiry_its_callback_closes_and_it_is_audited(client):
    from clinicians.models import Callback, ContactAttempt
    from tests.clinicians.factories import CallbackFactory, ClinicianFactory

    lead = _staff(client, LEAD)
    callback = CallbackFactory(
        enquiry=EnquiryFactory(name="Marigold"), assigned_to=ClinicianFactory()
    )
    ContactAttempt.objects.create(
        callback=callback, by=lead, channel="phone", result="no_answer", note="Secret"
    )
    enquiry = callback.enquiry

    response = client.post(f"{CHANGELIST}{enquiry.pk}/erase/", {"confirm": "yes"})

    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.name, enquiry.phone) == ("", "")
    assert enquiry.anonymised_at is not None
    callback = Callback.objects.get()
    assert (callback.status, callback.outcome) == ("closed", "erased")
    assert callback.events.last().by == lead  # the close is in the history
    assert ContactAttempt.objects.get().note == ""
    event = AuditEvent.objects.get(action="erased")
    assert event.actor == lead


def test_html_stored_in_an_enquiry_is_shown_escaped_in_the_admin(client):
    _staff(client, LEAD)
    enquiry = EnquiryFactory(phone="<script>alert(1)</script>07700 900123")

    text = client.get(f"{CHANGELIST}{enquiry.pk}/change/").text

    assert "<script>alert(1)</script>" not in text


@pytest.mark.parametrize("group_name", [CLINICIAN, EDITOR])
def test_clinicians_and_editors_cannot_open_export_or_erase_enquiries(
    client, group_name
):
    _staff(client, group_name)
    enquiry = EnquiryFactory(name="Marigold")

    assert client.get(CHANGELIST).status_code == 403
    assert client.get(f"{CHANGELIST}{enquiry.pk}/change/").status_code == 403
    assert _action(client, "export_json", enquiry).status_code == 403
    assert _action(client, "erase", enquiry).status_code == 403
    for page in ("copy/", "copy.json", "erase/"):
        assert client.get(f"{CHANGELIST}{enquiry.pk}/{page}").status_code == 403
    assert (
        client.post(f"{CHANGELIST}{enquiry.pk}/erase/", {"confirm": "yes"}).status_code
        == 403
    )
    assert Enquiry.objects.get().name == "Marigold"
    assert not AuditEvent.objects.exists()


def test_nobody_can_edit_or_delete_the_audit_log(client):
    _staff(client, LEAD)
    event = AuditEvent.objects.create(
        enquiry=EnquiryFactory(), action=AuditEvent.Action.VIEWED
    )
    base = "/admin/enquiries/auditevent/"

    assert client.get(base).status_code == 200
    assert client.get(f"{base}add/").status_code == 403
    assert client.get(f"{base}{event.pk}/delete/").status_code == 403
    assert (
        client.post(f"{base}{event.pk}/change/", {"action": "erased"}).status_code
        == 403
    )
    with pytest.raises(ValueError, match="cannot be changed"):
        event.save()
    with pytest.raises(ValueError, match="cannot be deleted"):
        event.delete()


def test_the_database_itself_refuses_to_change_or_delete_audit_events():
    from django.db import DatabaseError, transaction

    event = AuditEvent.objects.create(
        enquiry=EnquiryFactory(), action=AuditEvent.Action.VIEWED
    )

    for attempt in (
        lambda: AuditEvent.objects.filter(pk=event.pk).update(action="erased"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    assert AuditEvent.objects.get().action == AuditEvent.Action.VIEWED
