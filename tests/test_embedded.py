"""`make run`'s promise, end to end: the development settings on a SQLite file, the
web server and a worker with beat on kombu's filesystem broker, no server to
install. A person's enquiry, sent over HTTP, is assigned by the worker."""

import http.cookiejar
import os
import re
import sqlite3
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest

from harness.forms import PHONE, hidden_fields, valid_answers
from harness.polling import wait_until
from harness.processes import ROOT, Process, free_port

NAME = "Marigold"  # a name to look for in the logs


def _answers_ok(url: str) -> bool:
    try:
        return urllib.request.urlopen(url, timeout=2).status == 200
    except OSError:
        return False  # not listening yet


@pytest.fixture
def embedded_site(tmp_path):
    port = free_port()
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
    processes = [
        Process(
            "runserver",
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}",
             "--noreload"],
            env=env, log=logs,
        ),
        Process(
            "worker",
            [sys.executable, "-m", "celery", "-A", "referral_site", "worker",
             "--beat", "--pool", "solo", "--loglevel", "INFO",
             "--without-mingle", "--without-gossip"],
            env=env, log=logs,
        ),
    ]  # fmt: skip
    try:
        for process in processes:
            process.start()
        base = f"http://127.0.0.1:{port}"
        wait_until(
            lambda: _answers_ok(f"{base}/healthz"), timeout=60, what="the web server"
        )
        yield {"base": base, "db": tmp_path / "db.sqlite3", "logs": logs}
    finally:
        for process in processes:
            process.stop(timeout=20)


def test_make_runs_embedded_default_takes_an_enquiry_to_an_assigned_callback(
    embedded_site,
):
    base = embedded_site["base"]
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    form = browser.open(f"{base}/get-help/", timeout=10).read().decode()
    answers = valid_answers() | {"name": NAME} | hidden_fields(form)
    request = urllib.request.Request(
        f"{base}/get-help/",
        data=urllib.parse.urlencode(answers, doseq=True).encode(),
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

    assert wait_until(assigned_to, timeout=30, what="the worker") == "clinician"
    log = embedded_site["logs"].read_text()
    assert NAME not in log and PHONE not in log
