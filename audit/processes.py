"""What every part of the audit shares: its folders, its output, its deadline, and
the processes it starts, each in a session of its own and ended by its id."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUDIT = ROOT / "audit"
REPORTS = ROOT / "build" / "audit"
NODE_MODULES = AUDIT / "node_modules"

# The whole run, and each step (see each module's *_SECONDS), are bounded.
DEADLINE_SECONDS = 10 * 60


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


class AuditError(Exception):
    """The audit could not be run (not: the site missed a target)."""


_started_at = time.monotonic()


def remaining(step_seconds: float) -> float:
    """`step_seconds`, or less if the whole run's deadline comes first."""
    left = DEADLINE_SECONDS - (time.monotonic() - _started_at)
    if left <= 1:
        raise AuditError(f"the audit ran past its {DEADLINE_SECONDS}s deadline")
    return min(step_seconds, left)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return f"({path.name}: no log)"


class Process:
    """One command in a session of its own, logging to a file; stop() ends the
    whole group (gunicorn's workers, Chromium's renderers) by its id."""

    running: list["Process"] = []

    def __init__(self, name: str, args: list[str], *, env: dict, log: Path):
        self.name, self.log = name, log
        with log.open("a") as out:
            self.popen = subprocess.Popen(
                args,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        Process.running.append(self)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def wait(self, timeout: float) -> int:
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise AuditError(
                f"{self.name} took longer than {timeout:.0f}s\n{tail(self.log)}"
            ) from None

    def stop(self) -> None:
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=10)
        # Whatever is left of the group (an orphaned worker or renderer).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=10)
        with contextlib.suppress(ValueError):
            Process.running.remove(self)

    @classmethod
    def stop_all(cls) -> None:
        for process in reversed(list(cls.running)):
            process.stop()


def wait_until(predicate, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + remaining(timeout)
    while not predicate():
        if time.monotonic() > deadline:
            raise AuditError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.2)
