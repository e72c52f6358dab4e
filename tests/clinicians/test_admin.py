"""Who sees what in the admin: each staff group sees its own work and nothing else."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from clinicians.models import Callback
from clinicians.staff_groups import CLINICIAN, EDITOR, LEAD
from tests.clinicians.factories import CallbackFactory, ClinicianFactory, UserFactory
from tests.enquiries.factories import PHONE, EnquiryFactory

pytestmark = pytest.mark.django_db


def _staff(client, group_name: str):
    user = UserFactory(username=group_name.lower().replace(" ", "-"))
    user.groups.add(Group.objects.get(name=group_name))
    client.force_login(user)
    return user


def test_a_clinician_sees_the_callback_queue_most_urgent_first_without_personal_data(
    client,
):
    _staff(client, CLINICIAN)
    clinician = ClinicianFactory()
    later = CallbackFactory(enquiry=EnquiryFactory(name="Marigold"))
    sooner = CallbackFactory(assigned_to=clinician, status=Callback.Status.ASSIGNED)
    sooner.due_at = later.due_at.replace(year=later.due_at.year - 1)
    sooner.save()

    response = client.get("/admin/clinicians/callback/")

    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert rows == [sooner, later]
    assert later.enquiry.reference in response.text
    assert "Marigold" not in response.text and PHONE not in response.text


def test_the_queue_shows_the_time_left_before_each_target_is_breached(client):
    _staff(client, CLINICIAN)
    now = timezone.now()
    CallbackFactory(due_at=now + timedelta(hours=3, minutes=30, seconds=30))
    CallbackFactory(due_at=now - timedelta(minutes=45, seconds=30))
    CallbackFactory(due_at=now - timedelta(days=1), closed=True)

    text = client.get("/admin/clinicians/callback/").text

    assert "3h 30m left" in text
    assert "Overdue by 0h 45m" in text
    assert text.count("Overdue by") == 1  # a closed callback is never overdue


def test_a_clinician_cannot_add_or_delete_callbacks(client):
    _staff(client, CLINICIAN)
    callback = CallbackFactory()

    assert client.get("/admin/clinicians/callback/add/").status_code == 403
    assert (
        client.get(f"/admin/clinicians/callback/{callback.pk}/delete/").status_code
        == 403
    )


def test_an_editor_sees_articles_and_never_callbacks_or_clinicians(client):
    _staff(client, EDITOR)
    CallbackFactory()

    assert client.get("/admin/articles/article/").status_code == 200
    assert client.get("/admin/articles/article/add/").status_code == 200
    for path in ("/admin/clinicians/callback/", "/admin/clinicians/clinician/"):
        assert client.get(path).status_code == 403, path
    index = client.get("/admin/").text
    assert "/admin/articles/article/" in index
    assert "/admin/clinicians/" not in index


def test_a_lead_sees_the_queue_and_the_clinicians_but_cannot_edit_articles(client):
    _staff(client, LEAD)

    assert client.get("/admin/clinicians/callback/").status_code == 200
    assert client.get("/admin/clinicians/clinician/").status_code == 200
    assert client.get("/admin/articles/article/").status_code == 403
