"""The rest of the attacker's list: hostile uploads, paths under /static/ and
/media/, SQL-looking and oversized searches, header injection through the e-mail
field, and a member of staff deactivated while signed in."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.models import Article
from enquiries.models import Enquiry
from tests.articles.factories import ARTICLE_ADD as ADD
from tests.articles.factories import ArticleFactory, article_form
from tests.enquiries.factories import form_data

pytestmark = [pytest.mark.security, pytest.mark.django_db]

SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)'
    b"</script></svg>"
)
# The first bytes of a Windows program, named as a picture.
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 64


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("hills.svg", SVG_WITH_SCRIPT, "image/svg+xml"),
        SimpleUploadedFile("hills.png", SVG_WITH_SCRIPT, "image/png"),
        SimpleUploadedFile("hills.jpg", EXECUTABLE, "image/jpeg"),
    ],
    ids=["svg-with-script", "svg-named-png", "renamed-executable"],
)
def test_a_hostile_upload_is_refused_by_its_content(client, editor, upload):
    client.force_login(editor)

    response = client.post(ADD, article_form(hero_image=upload, hero_alt="Hills"))

    assert response.status_code == 200
    assert "not a picture we can use" in response.text
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/static/.env",
        "/static/../referral_site/settings/base.py",
        "/static/%2e%2e/manage.py",
        "/static/css/../../.git/config",
        "/media/articles/../../db.sqlite3",
        "/media/.htaccess",
        "/media/articles/%2e%2e/%2e%2e/manage.py",
        "/media/articles/.hidden.png",
    ],
)
def test_dot_files_and_path_tricks_serve_nothing(client, path):
    response = client.get(path)

    assert response.status_code in (400, 404)
    body = b"".join(response) if response.streaming else response.content
    assert b"SECRET_KEY" not in body and b"import" not in body


@pytest.mark.parametrize(
    "query",
    [
        "' OR 1=1 --",
        "naloxone'); DROP TABLE articles_article; --",
        "\u202eenilno\u202c",  # a right-to-left override
        "x" * 100_000,
    ],
    ids=["or-1-1", "drop-table", "bidi", "oversized"],
)
def test_search_takes_hostile_queries_calmly(client, query):
    ArticleFactory(title="Naloxone saves lives")

    response = client.get("/search/", {"q": query})

    assert response.status_code == 200
    assert Article.objects.count() == 1  # nothing dropped
    assert "x" * 201 not in response.text  # an oversized query is cut short


def test_admin_search_takes_an_sql_looking_query_calmly(client, lead):
    client.force_login(lead)

    response = client.get("/admin/clinicians/callback/", {"q": "' OR 1=1 --"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


@pytest.mark.parametrize(
    "email",
    [
        "someone@example.org\nBcc: everyone@example.org",
        "someone@example.org\r\nSubject: hijacked",
    ],
)
def test_a_header_in_the_email_field_is_refused_beside_the_field(client, email):
    answers = form_data(contact_method="email", phone=None, email=email)

    response = client.post("/get-help/", answers)

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not Enquiry.objects.exists()
    assert mail.outbox == []


def test_staff_deactivated_mid_session_are_signed_out_at_their_next_request(
    client, lead
):
    client.force_login(lead)
    assert client.get("/admin/").status_code == 200

    lead.is_active = False
    lead.save(update_fields=["is_active"])
    response = client.get("/admin/clinicians/callback/")

    assert response.status_code == 302
    assert "/login/" in response["Location"]
