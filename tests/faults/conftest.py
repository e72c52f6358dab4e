"""The faults suite (`make test-faults`): real processes, started, stopped, frozen
and killed by these fixtures, on loopback only.

Never the shared PostgreSQL or Redis: the session makes its own PostgreSQL cluster
(initdb in a temporary folder, on a free port) with one migrated and seeded template
database; each test gets a database copied from it, its own redis-server, SMTP sink,
gunicorn, worker and beat (see stack.py), and every process it started is ended when
it finishes, however it finishes. A failing test prints the end of every log.

Skipped, saying why, where redis-server or PostgreSQL 15's binaries are missing;
under REQUIRE_SERVICES=1 (as in .ci/run) a skip is a failure (tests/conftest.py).
"""

import os
import pwd
import shutil
import subprocess
import sys
from functools import cache

import pytest
from cryptography.fernet import Fernet

from harness.processes import ROOT, stop_all, tail

from .processes import PG_BIN, PostgresCluster
from .stack import Prepared, Stack, production_env

TEMPLATE = "faults_template"
# Two clinicians on duty round the clock, every day, with room for the 200-client
# test: shifts on every weekday from 00:00, and an extra duty covering the minute
# around midnight. Fictional: example.org addresses.
SEED = """
from datetime import time, timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from clinicians.models import Clinician, DutyChange, Shift

now = timezone.now()
for number in (1, 2):
    user = get_user_model().objects.create(
        username=f"duty{number}", email=f"duty{number}@example.org", is_staff=True
    )
    clinician = Clinician.objects.create(
        user=user, display_name=f"Duty Clinician {number}", max_open_callbacks=1000
    )
    Shift.objects.bulk_create(
        Shift(clinician=clinician, weekday=day, starts=time(0),
              ends=time(23, 59, 59, 999999))
        for day in range(7)
    )
    DutyChange.objects.create(
        clinician=clinician, kind=DutyChange.Kind.EXTRA,
        starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=2),
    )
print("seeded", Clinician.objects.count(), "clinicians")
"""


@cache
def _missing() -> str | None:
    """Why the faults suite cannot run here, or None when it can."""
    if not shutil.which("redis-server"):
        return "redis-server is not installed (apt-get install redis-server)"
    if not (PG_BIN / "initdb").exists():
        return f"PostgreSQL 15 is not installed ({PG_BIN}/initdb is missing)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root, and there is no `postgres` user to run initdb"
        if not shutil.which("runuser"):
            return "running as root, and runuser is missing"
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("faults"):
        if not item.get_closest_marker("timeout"):
            pytest.fail(f"{item.nodeid}: bound it with @pytest.mark.timeout(...)")
        reason = _missing()
        if reason:
            pytest.skip(f"faults test needs its own Redis and PostgreSQL: {reason}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    # A failed test (a timeout too) shows the end of every process's log.
    running = getattr(item, "funcargs", {}).get("stack")
    if report.failed and isinstance(running, Stack):
        report.sections.append(("logs of the stack's processes", running.describe()))
    return report


@pytest.fixture(scope="session", autouse=True)
def _end_every_process():
    """Whatever happened, no process of ours outlives the suite."""
    yield
    stop_all(timeout=5)


@pytest.fixture(scope="session")
def cluster():
    postgres = PostgresCluster()
    try:
        postgres.init()
        postgres.start()
        yield postgres
    finally:
        postgres.destroy()


def _manage(*args: str, env: dict, log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


@pytest.fixture(scope="session")
def prepared(cluster, tmp_path_factory) -> Prepared:
    """Migrate and seed the template database and collect the static files (the
    production manifest storage answers 500 without them), once a session."""
    folder = tmp_path_factory.mktemp("faults-prepare")
    result = Prepared(
        template=TEMPLATE,
        static_root=folder / "static",
        encryption_key=Fernet.generate_key().decode(),
    )
    cluster.create_database(TEMPLATE)
    env = production_env(
        FIELD_ENCRYPTION_KEY=result.encryption_key,
        DATABASE_URL=cluster.url(TEMPLATE),
        # Neither command touches the cache: a port where nothing listens.
        CACHE_URL="redis://127.0.0.1:9/1",
        CELERY_BROKER_URL="redis://127.0.0.1:9/0",
        STATIC_ROOT=str(result.static_root),
    )
    log_path = folder / "prepare.log"
    with log_path.open("w") as log:
        migrate = _manage("migrate", "--noinput", env=env, log=log)
        collect = _manage("collectstatic", "--noinput", env=env, log=log)
        for process in (migrate, collect):
            if process.wait(timeout=240):
                pytest.fail(f"preparing failed:\n{tail(log_path)}", pytrace=False)
        seed = _manage("shell", "-c", SEED, env=env, log=log)
        if seed.wait(timeout=60):
            pytest.fail(f"seeding failed:\n{tail(log_path)}", pytrace=False)
    return result


@pytest.fixture
def stack_options() -> dict[str, str]:
    """Environment variables a test module changes for its stack (override it)."""
    return {}


@pytest.fixture
def stack(cluster, prepared, tmp_path, stack_options):
    """A fresh production stack for one test, ended with everything it started."""
    cluster.ensure_running()  # a test that stopped it may have failed midway
    running = Stack(
        folder=tmp_path, cluster=cluster, prepared=prepared, overrides=stack_options
    )
    try:
        running.start()
        yield running
    finally:
        running.stop()
