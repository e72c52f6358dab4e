"""Real processes for the faults suite: our own Redis, PostgreSQL, SMTP sink, web,
worker and beat, each on a free loopback port, each logging to its own file.

Every process is started in a session of its own, so that stopping it stops its
children too (gunicorn's workers, the worker's pool). Each one is remembered until
it is stopped, and `stop_all` (the suite's last finaliser) ends any left over: by
its own id, never by name. The shared PostgreSQL and Redis are never touched.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psycopg2
import redis

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")
SINK_SCRIPT = Path(__file__).with_name("smtp_sink.py")

_running: set["Process"] = set()


class Timeout(AssertionError):
    """Something did not happen in time: a test failure, with what was waited for."""


def wait_for(
    predicate: Callable[[], object], *, timeout: float, what: str, every=0.1
) -> object:
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise Timeout(f"Timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(every)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return f"({path.name}: no log)"
    return "\n".join(text.splitlines()[-lines:])


def children(pid: int) -> list[int]:
    """The ids of `pid`'s direct children, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces, so split after it.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def pid_with_local_port(port: int, candidates: list[int]) -> int | None:
    """Which of `candidates` holds the TCP socket whose local port is `port`."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as lines:
            for line in list(lines)[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{fields[9]}]")
    for pid in candidates:
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(fd) in inodes:
                        return pid
    return None


class Process:
    """One command, logging to `log`, in its own session (process group)."""

    def __init__(
        self, name: str, args: list[str], *, env: dict, log: Path, cwd: Path = ROOT
    ):
        self.name, self.args, self.env, self.log, self.cwd = name, args, env, log, cwd
        self.popen: subprocess.Popen | None = None

    def start(self) -> "Process":
        with self.log.open("a") as log:
            log.write(f"--- start {self.name} at {time.strftime('%H:%M:%S')}\n")
            log.flush()
            self.popen = subprocess.Popen(
                self.args,
                cwd=self.cwd,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        _running.add(self)
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None, f"{self.name} was never started"
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def freeze(self) -> None:
        os.kill(self.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.pid, signal.SIGCONT)

    def _signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signum)

    def kill(self) -> None:
        """SIGKILL the process and everything it started."""
        if self.popen is None:
            return
        self._signal_group(signal.SIGKILL)
        self.popen.wait(timeout=10)
        _running.discard(self)

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM (a frozen one is thawed first), then SIGKILL what is left."""
        if self.popen is None:
            return
        if self.popen.poll() is None:
            self._signal_group(signal.SIGCONT)
            with contextlib.suppress(ProcessLookupError):
                self.popen.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=timeout)
        # Orphans (a pool process, a gunicorn worker) are still in the group.
        self._signal_group(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=10)
        _running.discard(self)

    def describe(self, lines: int = 40) -> str:
        """Whether it runs, its warnings and errors, and the end of its log."""
        state = "not started"
        if self.popen is not None:
            code = self.popen.poll()
            state = "running" if code is None else f"exited with {code}"
        notable = notable_lines(self.log)
        return (
            f"=== {self.name} ({state}): {self.log}\n"
            + (f"--- warnings and errors:\n{notable}\n" if notable else "")
            + f"--- last {lines} lines:\n{tail(self.log, lines)}"
        )


_NOTABLE = ("CRITICAL", "ERROR", "WARNING", "Unrecoverable", "Traceback", "SIGKILL")
_NOTABLE += ("Error:", "exited", "Worker exiting", "Booting worker")


def notable_lines(path: Path, most: int = 25) -> str:
    """The log's distinct warning and error lines, in order, with a count each."""
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return ""
    counts: dict[str, int] = {}
    for line in text.splitlines():
        if any(word in line for word in _NOTABLE):
            key = line[:300]
            counts[key] = counts.get(key, 0) + 1
    shown = [f"{n}x {line}" if n > 1 else line for line, n in counts.items()]
    return "\n".join(shown[-most:])


def stop_all() -> None:
    for process in list(_running):
        process.stop(timeout=5)


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
        wait_for(self.ping, timeout=10, what="our Redis to answer")

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
    """tests/faults/smtp_sink.py in its own process: each accepted message a file."""

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
