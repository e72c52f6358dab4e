"""Crafted addresses, query strings and forms get a clear 400 or 404, never a 500.

On PostgreSQL (as `make test-security` runs) a NUL byte reaching a query is an
error, not an empty result: the NUL tests prove something only there, so they say
so rather than pass on SQLite.
"""

import pytest
from django.test import Client

from tests.clinicians.factories import CallbackFactory

from .conftest import PASSWORD

pytestmark = [pytest.mark.security, pytest.mark.django_db]

NUL_REQUESTS = [
    "/get-help/?topic=%00",
    "/get-help/?topic=a%00b",
    "/search/?q=%00",
    "/articles/?page=%00",
    "/media/articles/%00.png",
    "/articles/%00/",
    "/get-help/withdraw/%00/",
]
NUL_ADMIN_REQUESTS = [
    "/admin/clinicians/callback/?status=%00",
    "/admin/clinicians/callback/?status__exact=%00",
    "/admin/clinicians/callback/?q=%00",
    "/admin/enquiries/enquiry/?q=%00",
    "/admin/enquiries/auditevent/?action__exact=%00",
    "/admin/articles/article/?status__exact=%00",
]


@pytest.fixture
def as_lead(lead) -> Client:
    client = Client()
    client.force_login(lead)
    return client


@pytest.mark.parametrize("path", NUL_REQUESTS)
def test_a_nul_byte_in_a_public_address_answers_400(on_postgresql, client, path):
    response = client.get(path)

    assert response.status_code == 400
    assert "NUL byte" in response.text


@pytest.mark.parametrize("path", NUL_ADMIN_REQUESTS)
def test_a_nul_byte_in_an_admin_list_filter_answers_400(on_postgresql, as_lead, path):
    assert as_lead.get(path).status_code == 400


def test_a_nul_byte_in_a_posted_form_answers_400(on_postgresql, client, lead):
    login = client.post(
        "/admin/login/?next=/admin/",
        {"username": f"{lead.username}\x00", "password": PASSWORD},
    )
    form = client.post("/get-help/", {"name": "Sam\x00"})

    assert (login.status_code, form.status_code) == (400, 400)


def test_a_nul_byte_in_a_cookie_answers_400(on_postgresql, client):
    client.cookies["sessionid"] = "abc\\000def"  # an octal escape: a NUL once parsed

    assert client.get("/get-help/").status_code in (200, 400)


@pytest.mark.parametrize(
    "path",
    [
        "/media/articles/",
        "/media/articles/renditions",
        "/media/articles/renditions/",
        "/media/articles/../../etc/passwd",
        "/media/articles/missing.png",
        "/media/other/file.png",
    ],
)
def test_media_folders_and_crafted_names_answer_404(client, settings, tmp_path, path):
    settings.STORAGES = settings.STORAGES | {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    }
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "articles" / "renditions").mkdir(parents=True)

    assert client.get(path).status_code == 404


@pytest.mark.parametrize("object_id", ["abc", "1.5", "²", "-1", "9" * 30])
def test_a_callback_address_that_is_not_a_number_answers_404(as_lead, object_id):
    CallbackFactory()

    response = as_lead.get(f"/admin/clinicians/callback/{object_id}/change/")

    assert response.status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/admin/enquiries/enquiry/abc/change/",
        "/admin/enquiries/enquiry/abc/copy/",
        "/admin/clinicians/callback/abc/history/",
        "/admin/articles/article/abc/change/",
    ],
)
def test_other_crafted_admin_addresses_do_not_fail(as_lead, path):
    assert as_lead.get(path).status_code in (302, 403, 404)
