"""Each group's direct URLs to another group's pages, stored script through the
enquiry's fields, CSRF, open redirects after login and a forged Host header."""

import pytest
from django.test import Client

from tests.clinicians.factories import CallbackFactory, ClinicianFactory
from tests.enquiries.factories import EnquiryFactory, form_data

from .conftest import PASSWORD

pytestmark = [pytest.mark.security, pytest.mark.django_db]

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return [value] if isinstance(value, str) else []


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_editor_reaches_no_enquiry_or_callback(editor):
    callback = CallbackFactory()
    pk = callback.enquiry.pk
    client = _as(editor)

    for path in (
        "/admin/enquiries/enquiry/",
        f"/admin/enquiries/enquiry/{pk}/change/",
        f"/admin/enquiries/enquiry/{pk}/copy/",
        f"/admin/enquiries/enquiry/{pk}/copy.json",
        f"/admin/enquiries/enquiry/{pk}/erase/",
        "/admin/enquiries/auditevent/",
        "/admin/clinicians/callback/",
        f"/admin/clinicians/callback/{callback.pk}/change/",
    ):
        assert client.get(path).status_code in (302, 403, 404), path
    assert client.post(f"/admin/enquiries/enquiry/{pk}/erase/").status_code == 403
    callback.enquiry.refresh_from_db()
    assert callback.enquiry.name  # nothing erased


def test_a_clinician_cannot_open_a_colleagues_callback_export_or_erase(clinician):
    colleague = ClinicianFactory()
    theirs = CallbackFactory(assigned_to=colleague)
    pk = theirs.enquiry.pk
    client = _as(clinician)

    assert (
        client.get(f"/admin/clinicians/callback/{theirs.pk}/change/").status_code == 403
    )
    for page in ("copy/", "copy.json"):
        path = f"/admin/enquiries/enquiry/{pk}/{page}"
        assert client.get(path).status_code == 403, path
    assert client.post(f"/admin/enquiries/enquiry/{pk}/erase/").status_code == 403
    theirs.enquiry.refresh_from_db()
    assert theirs.enquiry.anonymised_at is None
    assert not theirs.enquiry.audit_events.exists()  # nothing was opened


def test_script_in_every_field_is_shown_as_text_to_staff(lead):
    enquiry = EnquiryFactory(
        name=SCRIPT[:100], message=SCRIPT, area=SCRIPT[:60], came_from_topic=SCRIPT
    )
    callback = CallbackFactory(enquiry=enquiry)
    client = _as(lead)

    pages = [
        client.get(f"/admin/clinicians/callback/{callback.pk}/change/"),
        client.get(f"/admin/enquiries/enquiry/{enquiry.pk}/change/"),
        client.get(f"/admin/enquiries/enquiry/{enquiry.pk}/copy/"),
    ]
    export = client.get(f"/admin/enquiries/enquiry/{enquiry.pk}/copy.json")

    for page in pages:
        assert page.status_code == 200, page.request["PATH_INFO"]
        assert "<script>alert" not in page.text, page.request["PATH_INFO"]
        assert "<img src=x" not in page.text, page.request["PATH_INFO"]
    for page in (pages[0], pages[2]):  # the pages that show the answers
        assert "&lt;script&gt;alert" in page.text, page.request["PATH_INFO"]
    assert export.headers["Content-Type"].startswith("application/json")
    assert SCRIPT in _strings(export.json())  # data, as typed: JSON is not HTML


def test_a_form_posted_without_its_token_or_from_another_site_is_refused():
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/get-help/", secure=True)
    token = str(page.context["csrf_token"])

    missing = browser.post("/get-help/", form_data(), secure=True)
    wrong = browser.post(
        "/get-help/", form_data(csrfmiddlewaretoken="x" * 64), secure=True
    )
    elsewhere = browser.post(
        "/get-help/",
        form_data(csrfmiddlewaretoken=token),
        secure=True,
        HTTP_ORIGIN="https://evil.example",
    )

    assert [r.status_code for r in (missing, wrong, elsewhere)] == [403, 403, 403]


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
    ],
)
def test_logging_in_never_sends_staff_to_another_site(lead, target):
    response = Client().post(
        f"/admin/login/?next={target}",
        {"username": lead.username, "password": PASSWORD, "next": target},
    )

    assert response.status_code == 302
    assert "evil.example" not in response.url
    assert not response.url.startswith("javascript:")


def test_a_forged_host_header_is_refused(client):
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400
    assert client.get("/get-help/", HTTP_HOST="evil.example").status_code == 400
