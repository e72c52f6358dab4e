"""The production shape, one stack a test: our own Redis (broker db 0, cache db 1),
a database of its own on our PostgreSQL cluster, the SMTP sink, gunicorn with the
production settings, a prefork Celery worker and beat, as separate processes."""

import itertools
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from harness.polling import wait_until
from harness.processes import Process, children, free_port, tail

from .browser import Browser
from .processes import PostgresCluster, RedisServer, SmtpSink

# The beat rounds, fast enough for a test: every assignment missed is re-sent, and
# every enquiry without a callback opened, within SWEEP_INTERVAL + SWEEP_GRACE
# (+ NOTIFY_LEASE when the run that claimed the e-mail died).
SWEEP_INTERVAL = 2
SWEEP_GRACE = 2
BEAT_INTERVAL = 3
# A notification claimed by a run that died is sent by the sweep once its claim's
# lease ends: longer than the SMTP timeout (10 s), far shorter than production's.
NOTIFY_LEASE = 12
SECRET_KEY = "faults-suite-only-" + "k" * 40
# Variables of ours that the calling shell might carry: the stack sets its own.
_OURS = ("DJANGO_", "DATABASE_", "CELERY_", "CACHE_", "MAIL_", "ENQUIRY_", "CALLBACK_")
_OURS += ("SITE_", "STATIC_", "BROKER_", "MEDIA_")
_database_numbers = itertools.count(1)


@dataclass(frozen=True)
class Prepared:
    """What the whole session shares: a migrated, seeded template database and the
    collected static files."""

    template: str
    static_root: Path
    encryption_key: str


def production_env(**values: str) -> dict:
    """The environment production needs (referral_site/settings/prod.py), for one
    of our stacks; `values` fill in or override it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    return (
        env
        | {
            "DJANGO_SETTINGS_MODULE": "referral_site.settings.prod",
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "ENQUIRY_MIN_FILL_SECONDS": "0",
            # Many sends a test from one address (PostgreSQL's restart test sends
            # one after another for ten seconds: over 100 once a send got quicker);
            # the 200-client test sets its own.
            "ENQUIRY_RATE_LIMIT": "1000/h",
            "CALLBACK_SWEEP_INTERVAL_SECONDS": str(SWEEP_INTERVAL),
            "CALLBACK_SWEEP_GRACE_SECONDS": str(SWEEP_GRACE),
            "CALLBACK_BEAT_INTERVAL_SECONDS": str(BEAT_INTERVAL),
            "CALLBACK_NOTIFY_LEASE_SECONDS": str(NOTIFY_LEASE),
            "PYTHONUNBUFFERED": "1",
        }
        | values
    )


class Stack:
    def __init__(
        self,
        *,
        folder: Path,
        cluster: PostgresCluster,
        prepared: Prepared,
        overrides: dict[str, str],
    ):
        self.folder, self.cluster = folder, cluster
        self.database = f"faults_{os.getpid()}_{next(_database_numbers)}"
        self.redis = RedisServer(folder)
        (folder / "mail").mkdir()
        self.sink = SmtpSink(folder / "mail")
        self.web_port = free_port()
        self.env = production_env(
            FIELD_ENCRYPTION_KEY=prepared.encryption_key,
            DATABASE_URL=cluster.url(self.database),
            CELERY_BROKER_URL=self.redis.url(0),
            CACHE_URL=self.redis.url(1),
            MAIL_HOST="127.0.0.1",
            MAIL_PORT=str(self.sink.port),
            SITE_URL=f"http://127.0.0.1:{self.web_port}",
            STATIC_ROOT=str(prepared.static_root),
            MEDIA_ROOT=str(folder / "media"),
            CELERY_BEAT_SCHEDULE_FILENAME=str(folder / "beat-schedule"),
            **overrides,
        )
        cluster.create_database(self.database, template=prepared.template)
        self.web = self._process(
            "web",
            ["-m", "gunicorn", "referral_site.wsgi",
             "--bind", f"127.0.0.1:{self.web_port}", "--workers", "2",
             "--timeout", "30", "--access-logfile", "-",
             # Each request with its duration (what a failed timing looks at) and
             # the worker that answered it.
             "--access-logformat", '"%(r)s" %(s)s %(M)sms pid %(p)s'],
        )  # fmt: skip
        self.worker = self._process(
            "worker",
            ["-m", "celery", "-A", "referral_site", "worker", "--pool=prefork",
             "--concurrency=2", "--without-mingle", "--without-gossip",
             "--loglevel=INFO"],
        )  # fmt: skip
        # E-mail on its own queue and worker, as docker-compose runs it.
        self.mail_worker = self._process(
            "mail-worker",
            ["-m", "celery", "-A", "referral_site", "worker", "--pool=prefork",
             "--concurrency=1", "--queues=mail", "--hostname=mail@%h",
             "--without-mingle", "--without-gossip", "--loglevel=INFO"],
        )  # fmt: skip
        self.beat = self._process(
            "beat", ["-m", "celery", "-A", "referral_site", "beat", "--loglevel=INFO"]
        )

    def _process(self, name: str, args: list[str]) -> Process:
        return Process(
            name, [sys.executable, *args], env=self.env, log=self.folder / f"{name}.log"
        )

    # --- starting and stopping ----------------------------------------------------

    def start(self) -> None:
        self.redis.start()
        self.sink.start()
        worker_from = self._log_size(self.worker)
        mail_from = self._log_size(self.mail_worker)
        for process in (self.web, self.worker, self.mail_worker, self.beat):
            process.start()
        wait_until(self.sink.ready, timeout=20, what="the SMTP sink")
        self.wait_for_web()
        self._wait_for_worker(worker_from)
        self._wait_for_worker(mail_from, self.mail_worker)

    def stop(self) -> None:
        processes = (self.beat, self.worker, self.mail_worker, self.web)
        for process in (*processes, self.sink.process):
            process.stop(timeout=10)
        self.redis.stop()

    def wait_for_web(self) -> None:
        def answers() -> bool:
            if not self.web.alive():
                raise AssertionError("gunicorn exited\n" + self.web.describe())
            return self.browser().request("GET", "/healthz").status != 0

        wait_until(answers, timeout=60, what="gunicorn to answer")

    @staticmethod
    def _log_size(process: Process) -> int:
        return process.log.stat().st_size if process.log.exists() else 0

    def _wait_for_worker(self, offset: int, worker: Process | None = None) -> None:
        worker = worker or self.worker

        def ready() -> bool:
            if not worker.alive():
                raise AssertionError(f"{worker.name} exited\n" + worker.describe())
            with worker.log.open("rb") as log:
                log.seek(offset)
                return b" ready." in log.read()

        wait_until(ready, timeout=60, what=f"{worker.name} to be ready")

    def start_worker(self, worker: Process | None = None) -> None:
        worker = worker or self.worker
        offset = self._log_size(worker)
        worker.start()
        self._wait_for_worker(offset, worker)

    def web_workers(self) -> list[int]:
        """gunicorn's worker processes (the master's children)."""
        return children(self.web.pid)

    def answered_by(self, request_line: str) -> set[int]:
        """The web workers (pids) that have answered `request_line`, such as
        "GET / HTTP/1.1", with a 200: from gunicorn's access log."""
        answered = re.compile(rf'"{re.escape(request_line)}" 200 \d+ms pid <(\d+)>')
        log = self.web.log.read_text(errors="replace")
        return {int(pid) for pid in answered.findall(log)}

    def pool(self, worker: Process | None = None) -> list[int]:
        """A worker's prefork pool processes (the callbacks worker's by default)."""
        return children((worker or self.worker).pid)

    # --- looking in -----------------------------------------------------------------

    def browser(self) -> Browser:
        return Browser(self.web_port)

    def connect(self):
        return self.cluster.connect(self.database)

    def rows(self, sql: str, params=()) -> list[tuple]:
        """What `sql` selects from the stack's database, on a connection of its own."""
        connection = self.connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        finally:
            connection.close()

    def assigned(self, references) -> set[str]:
        """Which of these enquiries' callbacks have an assignee."""
        return {
            reference
            for (reference,) in self.rows(
                "SELECT e.reference FROM enquiries_enquiry e JOIN clinicians_callback c"
                " ON c.enquiry_id = e.id WHERE c.assigned_to_id IS NOT NULL"
                " AND e.reference = ANY(%s)",
                [list(references)],
            )
        }

    def describe(self) -> str:
        """The state and log of every process, for a failure message."""
        parts = [
            self.web.describe(25),
            self.worker.describe(40),
            self.mail_worker.describe(20),
            self.beat.describe(8),
            self.sink.process.describe(10),
            self.redis.describe(),
            self.cluster.describe(),
        ]
        return "\n\n".join(parts)

    def log_text(self, name: str) -> str:
        return tail(self.folder / f"{name}.log", lines=100_000)
