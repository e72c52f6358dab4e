"""Real processes for the harnesses, on loopback, each logging to a file of its own.

Every process is started in a session of its own, so that stopping it stops its
children too (gunicorn's workers, a worker's pool, Chromium's renderers). Each one
is remembered until it is stopped, and `stop_all` (a harness's last step) ends any
left over: by its own id, never by name.
"""

import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_running: list["Process"] = []
_ports_given: set[int] = set()  # by free_port


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now, and that this process
    never handed out before. The kernel may give a port it has just given again:
    asked for two at once, the bench's proxy and the static server beside it once
    got the same port, and the static server answered the proxy's pages 404."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port not in _ports_given:
            _ports_given.add(port)
            return port


def tail(path: Path, lines: int = 40) -> str:
    """The last `lines` lines of a log, or a note that there is none."""
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
    """One command, logging to `log`, in its own session (process group).

    `stop` sends SIGTERM to the process alone by default, and it stops its own
    children (gunicorn's master, Celery's worker); with `terminate_group` to the
    whole group (Chromium, Lighthouse). Either way SIGKILL then ends whatever is
    left of the group."""

    def __init__(
        self,
        name: str,
        args: list[str],
        *,
        env: dict,
        log: Path,
        cwd: Path = ROOT,
        terminate_group: bool = False,
    ):
        self.name, self.args, self.env, self.log, self.cwd = name, args, env, log, cwd
        self.terminate_group = terminate_group
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
        if self not in _running:
            _running.append(self)
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None, f"{self.name} was never started"
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def freeze(self, *, group: bool = False) -> None:
        """SIGSTOP to the process (its children run on), or to its whole group."""
        self._signal(signal.SIGSTOP, group=group)

    def thaw(self, *, group: bool = False) -> None:
        self._signal(signal.SIGCONT, group=group)

    def _signal(self, signum: int, *, group: bool) -> None:
        if group:
            os.killpg(self.pid, signum)
        else:
            os.kill(self.pid, signum)

    def _signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signum)

    def wait(self, timeout: float) -> int:
        """Its exit code. Past `timeout` it is stopped, and TimeoutExpired raised."""
        assert self.popen is not None, f"{self.name} was never started"
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise

    def kill(self) -> None:
        """SIGKILL the process and everything it started."""
        if self.popen is None:
            return
        self._signal_group(signal.SIGKILL)
        self.popen.wait(timeout=10)
        self._forget()

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM (a frozen one is thawed first), then SIGKILL what is left."""
        if self.popen is None:
            return
        if self.popen.poll() is None:
            self._signal_group(signal.SIGCONT)
            if self.terminate_group:
                self._signal_group(signal.SIGTERM)
            else:
                with contextlib.suppress(ProcessLookupError):
                    self.popen.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=timeout)
        # Orphans (a pool process, a gunicorn worker) are still in the group.
        self._signal_group(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=10)
        self._forget()

    def _forget(self) -> None:
        with contextlib.suppress(ValueError):
            _running.remove(self)

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


def stop_all(timeout: float = 15) -> None:
    """Stop every process still running, the last started first."""
    for process in reversed(list(_running)):
        process.stop(timeout=timeout)
