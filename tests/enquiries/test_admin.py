"""Staff and enquiries: subject access and erasure for leads, audited; no one else."""

import json

import pytest
from django.contrib.auth.models import Group

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


def test_a_lead_exports_everything_held_and_the_export_is_audited(client):
    lead = _staff(client, LEAD)
    enquiry = EnquiryFactory(name="Marigold", area="LS6")

    response = _action(client, "export_json", enquiry)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert (data["reference"], data["name"], data["phone"], data["area"]) == (
        enquiry.reference, "Marigold", PHONE, "LS6",
    )  # fmt: skip
    assert "withdrawal_token_hash" not in data
    event = AuditEvent.objects.get()
    assert (event.enquiry, event.action, event.actor) == (
        enquiry, AuditEvent.Action.EXPORTED, lead,
    )  # fmt: skip


def test_a_lead_erases_an_enquiry_and_the_erasure_is_audited(client):
    lead = _staff(client, LEAD)
    enquiry = EnquiryFactory(name="Marigold")

    response = _action(client, "erase", enquiry)

    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.name, enquiry.phone) == ("", "")
    assert enquiry.anonymised_at is not None
    assert AuditEvent.objects.get().actor == lead


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
