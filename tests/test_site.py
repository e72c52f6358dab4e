"""What every public page carries, and the site-wide pages."""

import ast
import pathlib
import re

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


# The apps from the bottom layer up: each may depend on those before it only.
LAYERS = ("articles", "enquiries", "clinicians")
URL_NAME = re.compile(r"^([a-z_]+):([a-z0-9_]+)$")  # "enquiries:enquiry_create"
TEMPLATE_URL = re.compile(r"""{%\s*url\s+["']([^"']+)["']""")


def _module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _module_path(name: str) -> pathlib.Path | None:
    path = ROOT.joinpath(*name.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _modules_imported(path: pathlib.Path) -> set[str]:
    """Every dotted name a file imports, anywhere in it, relative ones resolved
    (`from x import y` names both x and x.y, in case y is a module)."""
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package.pop()
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            parts = package[: len(package) - node.level + 1] if node.level else []
            base = ".".join([*parts, *([node.module] if node.module else [])])
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _project_modules(paths) -> set[str]:
    """The project package's modules these files import (the packages above a
    module run as it is imported: they count too)."""
    found: set[str] = set()
    for path in paths:
        for name in _modules_imported(path):
            parts = name.split(".")
            if parts[0] == "referral_site":
                modules = {".".join(parts[:n]) for n in range(1, len(parts) + 1)}
                found.update(module for module in modules if _module_path(module))
    return found


def _imports_an_app(module: str, seen: set[str]) -> bool:
    """Whether importing this project module imports an app, directly or through
    other modules of the project package."""
    seen.add(module)
    imported = _modules_imported(_module_path(module))
    if {name.split(".")[0] for name in imported} & set(LAYERS):
        return True
    return any(
        _imports_an_app(name, seen)
        for name in _project_modules([_module_path(module)]) - seen
    )


def _url_names(app: str) -> set[str]:
    """The URL names an app reverses: "ns:name" strings in its Python, and
    {% url %} tags in its templates (templates/<app>/, templates/admin/<app>/)."""
    names = {
        node.value
        for path in (ROOT / app).rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and URL_NAME.match(node.value)
    }
    for folder in (ROOT / "templates" / app, ROOT / "templates" / "admin" / app):
        for path in folder.rglob("*.*"):
            names.update(TEMPLATE_URL.findall(path.read_text()))
    return names


def _url_owner(name: str) -> str | None:
    """The app a URL name belongs to: its namespace, or for the admin's pages the
    app label they start with ("admin:clinicians_callback_change")."""
    namespace, _, rest = name.partition(":")
    if namespace == "admin":
        return next((app for app in LAYERS if rest.startswith(f"{app}_")), None)
    return namespace if namespace in LAYERS else None


def test_app_dependencies_point_one_way_articles_enquiries_clinicians():
    """articles ← enquiries ← clinicians: an app imports, and reverses the URL names
    (in Python and in its templates) of, only itself and the apps below it.

    The project package (referral_site) has two layers. Its base, the modules that
    import no app (directly or through each other: queueing, roles, emails...), is
    below every app, and any app may import it: the staff groups' names in
    referral_site.roles are one list that every app shares. The rest imports the
    apps (urls, context_processors) and sits above them all, so no app imports it.
    What a lower app's page needs from a higher one reaches it from there: the Get
    help form's address on an article is context_processors' `help_url`, and the
    site's fixed pages from every app are listed by urls' PageSitemap. The names
    the project's URLconf gives without a namespace (privacy, feed, sitemap) are
    the site's own, as its base template's links are."""
    project = {_module_name(path) for path in (ROOT / "referral_site").rglob("*.py")}
    base = {module for module in project if not _imports_an_app(module, set())}
    assert {"referral_site.queueing", "referral_site.roles"} <= base
    assert "referral_site.context_processors" not in base

    for level, app in enumerate(LAYERS):
        higher = set(LAYERS[level + 1 :])
        assert higher & _imports(app) == set(), app
        reversed_upwards = {n for n in _url_names(app) if _url_owner(n) in higher}
        assert reversed_upwards == set(), app
        files = (ROOT / app).rglob("*.py")
        assert _project_modules(files) - base == set(), app


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
