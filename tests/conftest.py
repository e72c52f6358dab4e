"""Shared test set-up.

- `integration` tests need PostgreSQL and Redis; `browser` tests need Chromium. When
  they are missing the tests are skipped with the reason, unless REQUIRE_SERVICES=1
  (as in .ci/run), where any skip fails the run.
"""

import importlib
import os
import shutil
import smtplib
import threading
from functools import cache

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.db.backends.signals import connection_created
from django.test.testcases import LiveServerThread

from referral_site.roles import EDITOR, LEAD
from tests.clinicians.factories import UserFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
# As root, and with no network but the registries, Chromium must not try to reach
# other hosts (see ../shared/SERVICES.md).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _one_at_a_time(application):
    """`application`, run for one request at a time, its body included."""
    lock = threading.Lock()

    def serialised(environ, start_response):
        with lock:
            response = application(environ, start_response)
            try:
                body = b"".join(response)
            finally:
                if hasattr(response, "close"):
                    response.close()  # Django's request_finished, inside the lock
        return [body]

    return serialised


class OneRequestAtATimeServer(ThreadedWSGIServer):
    """The live server, which on in-memory SQLite hands every request thread the
    test's one connection. Django's connections are not thread-safe: a page and the
    requests it makes at once (its scripts, its pictures) interleaved on that
    connection, failed with "bad parameter or other API misuse", and a journey
    waited in vain for a page that had answered 500. Threads still take each
    connection, so a browser's idle keep-alive socket holds nobody up, but each
    request runs whole, alone. On PostgreSQL each thread has its own connection and
    requests still run at once."""

    def set_app(self, application) -> None:
        if self.connections_override:
            application = _one_at_a_time(application)
        super().set_app(application)


LiveServerThread.server_class = OneRequestAtATimeServer


@cache
def _integration_services_missing() -> str | None:
    """Why the integration tests cannot run here, or None when they can."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        return "DATABASE_URL is not PostgreSQL (`make test-integration` sets it)"
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        return "CELERY_BROKER_URL is not Redis (`make test-integration` sets it)"
    import psycopg2
    import redis

    try:
        psycopg2.connect(
            dbname="postgres",
            user=database["USER"],
            password=database["PASSWORD"],
            host=database["HOST"],
            port=database["PORT"] or 5432,
            connect_timeout=3,
        ).close()
    except psycopg2.OperationalError:
        return f"PostgreSQL is not reachable at {database['HOST']}:{database['PORT']}"
    try:
        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=3).ping()
    except redis.RedisError:
        return "Redis is not reachable at CELERY_BROKER_URL"
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # Before any fixture runs, so a missing server never reaches database set-up.
    if item.get_closest_marker("integration"):
        reason = _integration_services_missing()
        if reason:
            pytest.skip(f"integration test needs PostgreSQL and Redis: {reason}")
    if item.get_closest_marker("browser") and not CHROMIUM:
        pytest.skip("browser test needs Chromium: apt-get install chromium")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if REQUIRE_SERVICES and report.skipped:
        # A skipped test proves nothing: with REQUIRE_SERVICES=1 it is a failure.
        report.outcome = "failed"
        report.longrepr = (
            f"REQUIRE_SERVICES=1 but the test was skipped: {report.longrepr}"
        )
    return report


@pytest.fixture
def unreachable_broker():
    """Send tasks for real, to a port where nothing listens: a real refusal."""
    from referral_site.celery import app

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    _forget_broker_connections(app)
    app.conf.update(broker_url="redis://127.0.0.1:9/0", task_always_eager=False)
    yield
    _forget_broker_connections(app)
    app.conf.update(saved)


def _forget_broker_connections(app) -> None:
    # What Celery itself does after a fork: pooled connections keep the old URL.
    app._after_fork()


@pytest.fixture(autouse=True)
def _empty_cache():
    """The rate limit counts in the cache: each test starts with none spent, and
    with no page kept (in the cache, or in this process's own copies)."""
    from django.core.cache import cache

    from articles.page_cache import forget_local

    cache.clear()
    forget_local()
    yield
    cache.clear()
    forget_local()


@pytest.fixture
def browser(monkeypatch, settings):
    from playwright.sync_api import sync_playwright

    # People take longer than this test does to fill the form in.
    settings.ENQUIRY_MIN_FILL_SECONDS = 0
    # Playwright runs an event loop in this thread; the ORM calls in these tests
    # happen between its calls, never inside them.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # Django keeps a connection per context, and with Playwright running the
    # test's own queries went through one the teardown never saw (its context was
    # not the test's): on PostgreSQL it stayed open, and the test database could
    # not be dropped. Each connection this thread opens meanwhile is closed here.
    opened = []

    def remember(sender, connection, **kwargs) -> None:
        if threading.current_thread() is threading.main_thread():
            opened.append(connection)

    connection_created.connect(remember, weak=False)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        connection_created.disconnect(remember)
        for each in opened:
            each.close()


@pytest.fixture
def audit_log_emptied_afterwards(transactional_db):
    """A transactional test ends by flushing every table, and on SQLite flushing
    deletes rows, which the audit log's append-only trigger refuses (PostgreSQL
    truncates, which it allows). Empty the log with the trigger lifted, then put it
    back, so the flush has nothing to delete there."""
    yield
    if connection.vendor != "sqlite":
        return
    migration = importlib.import_module("enquiries.migrations.0003_audit_append_only")
    with connection.cursor() as cursor:
        for statement in migration.SQLITE_REVERSE:
            cursor.execute(statement)
        cursor.execute("DELETE FROM enquiries_auditevent")
        for statement in migration.SQLITE:
            cursor.execute(statement)


@pytest.fixture
def mail_server(monkeypatch):
    """The test mailer, refusing every message `mail_server.refuses(message)` says
    as an SMTP server does: with an OSError. The faults suite refuses for real."""
    from django.core.mail.backends.locmem import EmailBackend

    class Server:
        refuses = staticmethod(lambda message: False)

    accept = EmailBackend.send_messages

    def send_messages(self, messages):
        if any(Server.refuses(message) for message in messages):
            raise smtplib.SMTPServerDisconnected("mail server refused")
        return accept(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    return Server


# --- Staff, and the settings tests switch ------------------------------------------


def staff(username: str, group: str):
    """A member of staff in one of the groups the migrations create, with an
    example.org address (UserFactory's)."""
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def lead(db):
    """A lead clinician: the leads' digests and the purge's report go to them."""
    return staff("lee.lead", LEAD)


@pytest.fixture
def editor(db):
    return staff("eddie.editor", EDITOR)


@pytest.fixture
def otp_required(settings):
    """The admin asks for the second factor, as production does."""
    settings.ADMIN_REQUIRE_OTP = True


@pytest.fixture
def on_postgresql():
    """For a rule only PostgreSQL enforces (or only it can run)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: `make test-postgres` or `make test-security`")
