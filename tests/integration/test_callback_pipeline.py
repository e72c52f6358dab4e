"""The whole path on the real stack: PostgreSQL, Redis, a Celery worker and beat.

Run by `make test-integration` (and so by `make test` and .ci/run). Each process is
real and separate, as in production: the test client plays the web server.
"""

import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from clinicians.models import Callback, LeadNotice
from enquiries.models import Enquiry
from harness.polling import wait_until
from referral_site.celery import app as celery_app
from tests.clinicians.factories import ClinicianFactory
from tests.enquiries.factories import PHONE, EnquiryFactory, form_data

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "referral_site", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def worker_and_beat(django_db_setup, tmp_path_factory):
    """A real worker and a real beat, on the test database and their own queue."""
    db = connection.settings_dict
    queue = f"test-{uuid.uuid4().hex[:12]}"
    folder = tmp_path_factory.mktemp("celery")
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "referral_site.settings.test",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}"
            f"@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_MAIL_QUEUE": queue,  # this one worker takes the e-mail too
        "CELERY_BEAT_SCHEDULE_FILENAME": str(folder / "beat-schedule"),
        "CALLBACK_SWEEP_INTERVAL_SECONDS": "1",
        "CALLBACK_SWEEP_GRACE_SECONDS": "2",
        "CALLBACK_BEAT_INTERVAL_SECONDS": "1",
    }
    # This process sends to the same queue the worker reads.
    celery_app.conf.task_default_queue = queue
    worker_log, beat_log = folder / "worker.log", folder / "beat.log"
    worker = _start(
        ["worker", "--pool=solo", f"--queues={queue}", "--loglevel=INFO",
         "--without-mingle", "--without-gossip"],
        env,
        worker_log,
    )  # fmt: skip
    beat = _start(["beat", "--loglevel=INFO"], env, beat_log)
    try:
        wait_until(
            lambda: "ready." in worker_log.read_text(), timeout=60, what="the worker"
        )
        yield {"worker_log": worker_log, "beat_log": beat_log}
    finally:
        _stop(beat)
        _stop(worker)
        redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)


def test_an_enquiry_sent_through_the_form_is_assigned_by_the_worker(
    client, worker_and_beat
):
    clinician = ClinicianFactory()

    response = client.post(
        "/get-help/", form_data(name="Marigold", message="Please call after six.")
    )

    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    callback = wait_until(
        lambda: Callback.objects.filter(enquiry=enquiry, assigned_to=clinician).first(),
        timeout=30,
        what="the worker to assign the callback",
    )
    assert callback.status == Callback.Status.ASSIGNED
    log = worker_and_beat["worker_log"].read_text()
    assert "clinicians.tasks.callback_open" in log
    # Task arguments and logs carry ids, never what the person told us.
    assert "Marigold" not in log and PHONE not in log


def test_beat_sweeps_up_an_enquiry_whose_callback_was_never_queued(worker_and_beat):
    clinician = ClinicianFactory()
    # Saved while the broker was down: no task was ever sent for it.
    enquiry = EnquiryFactory()
    Enquiry.objects.filter(pk=enquiry.pk).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )

    callback = wait_until(
        lambda: Callback.objects.filter(enquiry=enquiry).first(),
        timeout=30,
        what="beat's sweep to open the callback",
    )
    assert callback.assigned_to == clinician
    assert "clinicians.tasks.callbacks_sweep" in worker_and_beat["beat_log"].read_text()


def test_beat_escalates_an_overdue_callback_with_nobody_present(worker_and_beat):
    from django.contrib.auth.models import Group

    from referral_site.roles import LEAD
    from tests.clinicians.factories import CallbackFactory, UserFactory

    lead = UserFactory(username="lead-on-call", email="lead@example.org")
    lead.groups.add(Group.objects.get(name=LEAD))
    overdue = CallbackFactory(
        assigned_to=ClinicianFactory(), due_at=timezone.now() - timedelta(minutes=1)
    )

    escalated = wait_until(
        lambda: (
            Callback.objects.filter(pk=overdue.pk, escalated_at__isnull=False)
            .values_list("escalated_at", flat=True)
            .first()
        ),
        timeout=30,
        what="beat to escalate the overdue callback",
    )
    assert escalated >= overdue.created_at
    # ...and the next digest round carries it to the leads.
    wait_until(
        lambda: LeadNotice.objects.filter(
            callback=overdue, kind="overdue", sent_at__isnull=False
        ).exists(),
        timeout=30,
        what="beat's digest round to send the overdue notice",
    )
    beat_log = worker_and_beat["beat_log"].read_text()
    assert "clinicians.tasks.callbacks_escalate" in beat_log
    assert "clinicians.tasks.leads_digest_send" in beat_log
