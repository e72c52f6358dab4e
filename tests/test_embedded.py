"""`make run`'s promise, end to end: the development settings on a SQLite file, the
web server and a worker with beat on kombu's filesystem broker, no server to
install. A person's enquiry, sent over HTTP, is assigned by the worker."""

import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(predicate, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = predicate()
        except OSError:
            result = None
        if result:
            return result
        time.sleep(0.3)
    pytest.fail(f"Timed out after {timeout}s waiting for {what}")


@pytest.fixture
def embedded_site(tmp_path):
    port = _free_port()
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "referral_site.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "CELERY_BROKER_URL": "filesystem://localhost//",
        "ENQUIRY_MIN_FILL_SECONDS": "0",
    }
    env.pop("CACHE_URL", None)

    def manage(*args):
        subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
            capture_output=True,
        )  # fmt: skip

    manage("migrate", "--noinput")
    manage("seed_demo")
    logs = tmp_path / "processes.log"
    with logs.open("w") as log:
        processes = [
            subprocess.Popen(
                [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}",
                 "--noreload"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            ),
            subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "referral_site", "worker",
                 "--beat", "--pool", "solo", "--loglevel", "INFO",
                 "--without-mingle", "--without-gossip"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            ),
        ]  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for(
                lambda: (
                    urllib.request.urlopen(f"{base}/healthz", timeout=2).status == 200
                ),
                timeout=60,
                what="the web server",
            )
            yield {"base": base, "db": tmp_path / "db.sqlite3", "logs": logs}
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


def test_make_runs_embedded_default_takes_an_enquiry_to_an_assigned_callback(
    embedded_site,
):
    base = embedded_site["base"]
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    form = browser.open(f"{base}/get-help/", timeout=10).read().decode()
    hidden = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form))
    answers = hidden | {
        "over_18": "yes", "for_whom": "self", "danger": "none", "name": "Marigold",
        "contact_method": "phone", "phone": "07700 900123", "voicemail_ok": "yes",
        "say_who_we_are_ok": "no", "consent": "on",
    }  # fmt: skip
    request = urllib.request.Request(
        f"{base}/get-help/",
        data=urllib.parse.urlencode(answers).encode(),
        headers={"Referer": f"{base}/get-help/"},
    )
    thanks = browser.open(request, timeout=10)
    assert thanks.url == f"{base}/get-help/thank-you/"
    reference = re.search(r'id="reference">(R-\w+)<', thanks.read().decode())[1]

    def assigned_to():
        with sqlite3.connect(embedded_site["db"]) as db:
            row = db.execute(
                "SELECT u.username FROM clinicians_callback c"
                " JOIN enquiries_enquiry e ON e.id = c.enquiry_id"
                " JOIN clinicians_clinician k ON k.id = c.assigned_to_id"
                " JOIN auth_user u ON u.id = k.user_id WHERE e.reference = ?",
                [reference],
            ).fetchone()
        return row and row[0]

    assert _wait_for(assigned_to, timeout=30, what="the worker") == "clinician"
    log = embedded_site["logs"].read_text()
    assert "Marigold" not in log and "07700 900123" not in log
