"""The servers of the faults suite, our own and on free loopback ports: Redis,
a PostgreSQL cluster and the SMTP sink, each logging to its own file. The processes
themselves (started in sessions of their own, stopped by their ids) are
harness/processes.py's; the shared PostgreSQL and Redis are never touched.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg2
import redis

from harness.polling import wait_until
from harness.processes import ROOT, Process, free_port, tail

PG_BIN = Path("/usr/lib/postgresql/15/bin")
SINK_SCRIPT = ROOT / "harness" / "smtp_sink.py"


# --- Redis ------------------------------------------------------------------------


class RedisServer:
    """Our own redis-server: broker on db 0, cache on db 1, noeviction as the broker
    needs, nothing on disk."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, free_port()
        self.log = folder / "redis.log"
        self.process: Process | None = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no", "--dir", str(self.folder)]
        args += ["--maxmemory-policy", "noeviction"]
        self.process = Process("redis", args, env=dict(os.environ), log=self.log)
        self.process.start()
        wait_until(self.ping, timeout=10, what="our Redis to answer")

    def client(self, db: int = 0) -> redis.Redis:
        return redis.Redis(port=self.port, db=db, socket_timeout=2)

    def ping(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        """A clean stop (SIGTERM): clients see the connection closed, then refused."""
        if self.process:
            self.process.stop()

    def kill(self) -> None:
        if self.process:
            self.process.kill()

    def freeze(self) -> None:
        """SIGSTOP: connections are accepted by the kernel but nothing answers."""
        assert self.process is not None
        self.process.freeze()

    def thaw(self) -> None:
        assert self.process is not None
        self.process.thaw()

    def restart_empty(self) -> None:
        """Killed and started again on the same port, with nothing in it."""
        self.kill()
        self.start()

    def set_maxmemory(self, size: int) -> None:
        self.client().config_set("maxmemory", size)

    def fill_to_the_limit(self, headroom: int = 4 * 1024 * 1024) -> int:
        """Allow `headroom` more bytes than now, then write filler (not on the broker
        or cache databases) until Redis refuses with OOM. Returns the limit set."""
        client = self.client(db=9)
        limit = int(client.info("memory")["used_memory"]) + headroom
        self.set_maxmemory(limit)
        chunk = b"x" * 64 * 1024
        for number in range(10_000):
            try:
                client.set(f"filler:{number}", chunk)
            except redis.exceptions.OutOfMemoryError:
                return limit
        raise AssertionError("Redis never reached its memory limit")

    def describe(self) -> str:
        return self.process.describe(15) if self.process else "=== redis: not started"


# --- PostgreSQL -----------------------------------------------------------------


class PostgresCluster:
    """Our own cluster, made with initdb in a temporary folder: trust auth, 127.0.0.1
    only, its socket in that folder. As root (as in CI) initdb and postgres refuse
    to run, so they run as the `postgres` OS user, in a folder it owns."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="faults-pg-"))
        self.data, self.log = self.folder / "data", self.folder / "postgres.log"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str, timeout: float = 60) -> None:
        result = subprocess.run(
            [*self.as_user, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.folder,
        )
        if result.returncode:
            raise AssertionError(
                f"{' '.join(args[:2])} failed ({result.returncode}):\n"
                f"{result.stdout}\n{result.stderr}\n{tail(self.log)}"
            )

    def init(self) -> None:
        self._run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
            "--auth=trust", "--encoding=UTF8", "--no-sync",
        )  # fmt: skip

    def _options(self) -> str:
        return " ".join([
            f"-p {self.port}", f"-k {self.folder}", "-c listen_addresses=127.0.0.1",
            # Throwaway data: durability costs time and proves nothing here.
            "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off",
        ])  # fmt: skip

    def start(self) -> None:
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
            "-o", self._options(), "-w", "-t", "30", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "stop")

    def running(self) -> bool:
        try:
            self.connect("postgres").close()
        except psycopg2.OperationalError:
            return False
        return True

    def ensure_running(self) -> None:
        if not self.running():
            with contextlib.suppress(AssertionError):
                self.stop("immediate")
            self.start()

    def connect(self, dbname: str):
        connection = psycopg2.connect(
            host="127.0.0.1",
            port=self.port,
            user="postgres",
            dbname=dbname,
            connect_timeout=3,
        )
        connection.autocommit = True
        return connection

    def url(self, dbname: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str, *, template: str | None = None) -> None:
        connection = self.connect("postgres")
        try:
            with connection.cursor() as cursor:
                extra = f" TEMPLATE {template}" if template else ""
                cursor.execute(f"CREATE DATABASE {name}{extra}")
        finally:
            connection.close()

    def destroy(self) -> None:
        """Stop the postmaster (by the id in its pid file if pg_ctl cannot) and
        remove the folder."""
        try:
            self.stop("immediate")
        except (AssertionError, subprocess.TimeoutExpired):
            pid_file = self.data / "postmaster.pid"
            if pid_file.exists():
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
        shutil.rmtree(self.folder, ignore_errors=True)

    def describe(self) -> str:
        return f"=== postgres, last lines of {self.log}:\n" + tail(self.log, 20)


# --- The SMTP sink ----------------------------------------------------------------


class SmtpSink:
    """harness/smtp_sink.py in its own process: each accepted message a file."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, free_port()
        self.messages = folder / "messages"
        self.refuse_flag, self.slow_flag = folder / "refuse", folder / "slow"
        self.busy = folder / "busy"
        self.refusals = folder / "refusals.log"
        self.process = Process(
            "smtp-sink",
            [sys.executable, str(SINK_SCRIPT), str(self.port), str(folder)],
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
            log=folder / "smtp-sink.log",
        )

    def start(self) -> None:
        self.process.start()

    def ready(self) -> bool:
        return "listening" in tail(self.process.log)

    def refuse(self, on: bool = True) -> None:
        """While on, every RCPT and DATA is answered 451 (try again later)."""
        self._flag(self.refuse_flag, on)

    def slow(self, on: bool = True) -> None:
        """While on, each RCPT waits (up to a minute) before it is answered."""
        self._flag(self.slow_flag, on)

    @staticmethod
    def _flag(path: Path, on: bool) -> None:
        if on:
            path.touch()
        else:
            path.unlink(missing_ok=True)

    def refusal_count(self) -> int:
        try:
            return len(self.refusals.read_text().splitlines())
        except FileNotFoundError:
            return 0

    def busy_client_port(self) -> int | None:
        """The client port of the connection held waiting, while `slow` is on."""
        try:
            return int(self.busy.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    def message_files(self) -> list[Path]:
        return sorted(self.messages.glob("*.eml"))
