"""The shared harness (harness/) itself, quickly and without servers: the polling
loop, the hidden-field parser, and a process stopped, frozen and killed by its id.
Not marked `faults`: these run with the fast suite."""

import signal
import socket
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from harness.forms import hidden_fields, valid_answers
from harness.polling import Timeout, wait_until
from harness.processes import Process, children, free_port, stop_all, tail

SLEEPER = "import subprocess, time; subprocess.Popen(['sleep', '60']); time.sleep(60)"


def _state(pid: int) -> str:
    """The process's state letter from /proc (R, S, T for stopped, Z...)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def _gone(pid: int) -> bool:
    try:
        return _state(pid) == "Z"
    except FileNotFoundError:
        return True


def test_wait_until_returns_the_first_true_answer():
    answers = iter([0, "", "yes", "later"])

    assert wait_until(lambda: next(answers), timeout=5, what="x", interval=0) == "yes"


def test_wait_until_names_what_never_happened_and_asks_at_least_once():
    asked = []

    with pytest.raises(Timeout, match=r"Timed out after 0s waiting for the moon"):
        wait_until(lambda: asked.append(1), timeout=0, what="the moon")

    assert asked
    assert issubclass(Timeout, AssertionError)  # a test failure, not an error


def test_wait_until_lets_the_predicate_fail_at_once():
    def broken():
        raise RuntimeError("gunicorn exited")

    with pytest.raises(RuntimeError, match="gunicorn exited"):
        wait_until(broken, timeout=60, what="gunicorn")


def test_hidden_fields_are_the_named_hidden_inputs_only():
    html = """<form><input type="hidden" name="csrfmiddlewaretoken" value="abc">
    <INPUT type="hidden" name="started" value="1:sig"><input type="hidden" value="x">
    <input type="text" name="name" value="Sam"><input type="hidden" name="empty">"""

    assert hidden_fields(html) == {
        "csrfmiddlewaretoken": "abc",
        "started": "1:sig",
        "empty": "",
    }


def test_valid_answers_are_a_fresh_dict_each_time():
    answers = valid_answers()
    answers["substances"].append("heroin")

    assert valid_answers()["substances"] == ["alcohol"]


def test_a_process_logs_is_frozen_thawed_and_stopped_with_its_children(tmp_path):
    log = tmp_path / "sleeper.log"
    process = Process(
        "sleeper", [sys.executable, "-c", SLEEPER], env={}, log=log
    ).start()
    try:
        child = wait_until(lambda: children(process.pid), timeout=10, what="sleep")[0]
        assert "--- start sleeper at" in tail(log)

        process.freeze()
        wait_until(lambda: _state(process.pid) == "T", timeout=5, what="SIGSTOP")
        assert _state(child) != "T"  # the process alone, unless group=True
        process.freeze(group=True)
        wait_until(lambda: _state(child) == "T", timeout=5, what="the group stopped")
        process.thaw(group=True)
        wait_until(lambda: _state(child) != "T", timeout=5, what="SIGCONT")
        process.freeze()

        process.stop(timeout=5)  # thawed, SIGTERMed, and its orphan SIGKILLed

        assert not process.alive()
        assert process.popen.returncode == -signal.SIGTERM
        wait_until(lambda: _gone(child), timeout=5, what="the child to be ended")
    finally:
        process.stop(timeout=1)


def test_stop_all_ends_what_is_left_and_kill_is_sigkill(tmp_path):
    first = Process(
        "first", ["sleep", "60"], env={}, log=tmp_path / "first.log"
    ).start()
    second = Process(
        "second", ["sleep", "60"], env={}, log=tmp_path / "second.log"
    ).start()

    second.kill()
    stop_all(timeout=5)

    assert second.popen.returncode == -signal.SIGKILL
    assert first.popen.returncode == -signal.SIGTERM


def test_free_port_is_free():
    with socket.socket() as server:
        server.bind(("127.0.0.1", free_port()))


def test_free_port_never_hands_out_the_same_port_twice(monkeypatch):
    from harness import processes

    offered = iter([49001, 49001, 49001, 49002])  # what the kernel answered

    class Probe:
        def __init__(self, *args):
            self.port = next(offered)

        def __enter__(self):
            return self

        def __exit__(self, *args):
            return None

        def bind(self, address):
            pass

        def getsockname(self):
            return ("127.0.0.1", self.port)

    monkeypatch.setattr(processes, "socket", SimpleNamespace(socket=Probe))
    monkeypatch.setattr(processes, "_ports_given", set())

    assert [free_port(), free_port()] == [49001, 49002]
