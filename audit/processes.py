"""What every part of the audit shares: its folders, its output, its deadline, and
the processes it starts (harness/processes.py's, each in a session of its own and
ended by its id), bounded by that deadline."""

import subprocess
import sys
import time
from pathlib import Path

from harness import polling, processes
from harness.processes import ROOT

AUDIT = ROOT / "audit"
REPORTS = ROOT / "build" / "audit"
NODE_MODULES = AUDIT / "node_modules"

# The whole run, and each step (see each module's *_SECONDS), are bounded.
DEADLINE_SECONDS = 10 * 60
STOP_SECONDS = 10  # from SIGTERM to SIGKILL


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


def tail(path: Path, lines: int = 30) -> str:
    return processes.tail(path, lines)


class Process(processes.Process):
    """One command, started at once, in a session of its own, logging to a file;
    stop() ends the whole group (gunicorn's workers, Chromium's renderers) by its
    id, and a wait() that runs out says so as an AuditError."""

    def __init__(self, name: str, args: list[str], *, env: dict, log: Path):
        super().__init__(name, args, env=env, log=log, terminate_group=True)
        self.start()

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        super().stop(timeout)

    def wait(self, timeout: float) -> int:
        try:
            return super().wait(timeout)
        except subprocess.TimeoutExpired:
            raise AuditError(
                f"{self.name} took longer than {timeout:.0f}s\n{tail(self.log)}"
            ) from None

    @staticmethod
    def stop_all() -> None:
        processes.stop_all(timeout=STOP_SECONDS)


def wait_until(predicate, *, timeout: float, what: str) -> None:
    """harness.polling's wait_until, within the run's deadline, every 0.2 s."""
    try:
        polling.wait_until(
            predicate, timeout=remaining(timeout), what=what, interval=0.2
        )
    except polling.Timeout:
        raise AuditError(f"timed out after {timeout:.0f}s waiting for {what}") from None
