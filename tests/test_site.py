"""What every public page carries, and the site-wide pages."""

import ast
import pathlib

import pytest
from django.test import override_settings

from tests.articles.factories import ArticleFactory

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture
def public_paths(db):
    article = ArticleFactory()
    return ["/", "/articles/", f"/articles/{article.slug}/", "/get-help/", "/privacy/"]


def test_every_public_page_carries_the_crisis_line_footer_and_quick_exit(
    client, public_paths
):
    for path in [*public_paths, "/no-such-page/"]:
        text = client.get(path).text
        assert 'href="tel:999"' in text, path
        assert "116 123" in text, path
        assert "Exit this page" in text, path
        assert 'href="/privacy/"' in text, path
        assert "Registered with the Information Commissioner" in text, path
        assert "We are not a crisis or emergency service" in text, path


def test_public_pages_load_nothing_from_other_hosts(client, public_paths):
    for path in public_paths:
        response = client.get(path)
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self'" in policy
        for tag in ("<script src=", '<link rel="stylesheet" href='):
            for chunk in response.text.split(tag)[1:]:
                assert chunk.startswith('"/static/'), (path, chunk[:60])


@pytest.mark.django_db
def test_privacy_notice_names_the_lawful_basis_and_the_ico(client):
    response = client.get("/privacy/")

    assert response.status_code == 200
    assert "Article 9(2)(a)" in response.text
    assert "Information Commissioner" in response.text


@pytest.mark.django_db
def test_healthz_answers_200_when_database_and_broker_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True)
def test_healthz_is_never_redirected_even_when_https_is_enforced(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/privacy/").status_code == 301


@pytest.mark.django_db
def test_healthz_answers_503_naming_an_unreachable_broker(client, unreachable_broker):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "unreachable"}


@pytest.mark.django_db
def test_healthz_answers_503_naming_an_unreachable_database(client):
    from unittest import mock

    from django.db import OperationalError, connection

    # The database going away is an edge this machine cannot produce on demand.
    with mock.patch.object(
        connection, "cursor", side_effect=OperationalError("server closed")
    ):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_with_the_database_down_the_form_answers_a_calm_503_keeping_the_answers(
    client, settings
):
    from unittest import mock

    from django.db import OperationalError, connection

    from tests.enquiries.factories import form_data

    settings.SERVICE_PHONE = "020 7946 0123"
    client.raise_request_exception = False
    answers = form_data(name="Wren", message="Please call after six.")
    # Every query fails, as while PostgreSQL restarts (the faults suite restarts
    # a real one); the page itself needs nothing from the database.
    with mock.patch.object(
        connection, "cursor", side_effect=OperationalError("server closed")
    ):
        response = client.post("/get-help/", answers)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    text = response.text
    for help_line in ("999", "NHS 111", "116 123", "020 7946 0123"):
        assert help_line in text
    # Their answers come back to them, ready to send again, and nothing else.
    assert 'value="Please call after six."' in text
    assert 'action="/get-help/"' in text


def test_any_other_failure_answers_the_500_page_with_the_crisis_lines(client):
    from unittest import mock

    client.raise_request_exception = False
    from articles.models import Article

    with mock.patch.object(
        Article.objects, "published", side_effect=RuntimeError("a bug")
    ):
        response = client.get("/")

    assert response.status_code == 500
    assert "999" in response.text and "116 123" in response.text


def _imports(app: str) -> set[str]:
    names: set[str] = set()
    for path in (ROOT / app).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names


def test_app_dependencies_point_one_way_articles_enquiries_clinicians():
    assert not {"enquiries", "clinicians"} & _imports("articles")
    assert "clinicians" not in _imports("enquiries")


@pytest.mark.django_db
def test_a_connection_closed_mid_request_gets_the_outage_page_not_a_500(rf):
    from django.db import InterfaceError

    from referral_site.errors import server_error

    request = rf.post("/get-help/", {"message": "kept"})
    try:
        raise InterfaceError("connection already closed")  # the server went away
    except InterfaceError:
        response = server_error(request)

    assert response.status_code == 503
    assert "999" in response.content.decode()
