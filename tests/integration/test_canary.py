"""A canary typed into every free-text field of the form must never come out
anywhere but the person's own record: not in logs, broker messages, staff e-mails,
error reports, or a dump of the database (where it exists only as ciphertext).

Real PostgreSQL (dumped with pg_dump) and real Redis (every key read back).
"""

import logging
import random
import shutil
import string
import subprocess
import uuid

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.db import connection

from clinicians import services
from clinicians.models import Callback
from enquiries.models import Enquiry
from referral_site.celery import app as celery_app
from tests.clinicians.factories import ClinicianFactory
from tests.enquiries.factories import form_data

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def canary():
    """One marker, and the answers that carry it in every free-text field."""
    # Letters only, so that it is a valid town name as well as a name and a message.
    mark = "canary" + "".join(random.choices(string.ascii_lowercase, k=10))
    by_phone = form_data(
        name=f"{mark} Name",
        message=f"Message {mark} about my drinking.",
        phone="07700 900461",  # a drama number, different from every fixture's
        area=f"{mark.title()}shire",
    )
    by_email = form_data(
        name=f"{mark} Other",
        message=f"Another {mark}.",
        contact_method="email",
        phone=None,
        email=f"{mark}@example.org",
        area=f"{mark.title()}ton",
    )
    return {"mark": mark, "phone": "900461", "sends": [by_phone, by_email]}


@pytest.fixture
def real_broker_queue():
    """Tasks go to real Redis, to a queue of this test's own, and stay there."""
    queue = f"canary-{uuid.uuid4().hex[:12]}"
    saved = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    yield queue
    celery_app.conf.task_default_queue = saved
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)


def _everything_in_redis() -> bytes:
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    dumped = []
    for key in client.scan_iter(count=1000):
        dumped.append(key)
        kind = client.type(key)
        if kind == b"list":
            dumped.extend(client.lrange(key, 0, -1))
        elif kind == b"string":
            dumped.append(client.get(key) or b"")
        elif kind == b"hash":
            for field, value in client.hgetall(key).items():
                dumped.extend([field, value])
        elif kind == b"zset":
            dumped.extend(client.zrange(key, 0, -1))
        elif kind == b"set":
            dumped.extend(client.smembers(key))
    return b"\n".join(dumped)


def _database_dump() -> str:
    database = connection.settings_dict
    pg_dump = shutil.which("pg_dump") or "/usr/lib/postgresql/15/bin/pg_dump"
    return subprocess.run(
        [pg_dump, "--data-only", "-h", database["HOST"] or "127.0.0.1",
         "-p", str(database["PORT"] or 5432), "-U", database["USER"] or "postgres",
         database["NAME"]],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout  # fmt: skip


def test_a_canary_in_every_field_appears_nowhere_but_the_encrypted_record(
    client, canary, real_broker_queue, caplog, capfd, settings
):
    settings.ENQUIRY_MIN_FILL_SECONDS = 0
    caplog.set_level(logging.DEBUG)
    clinician = ClinicianFactory(user__email="duty@example.org")

    for answers in canary["sends"]:
        response = client.post("/get-help/", answers)
        assert response.status_code == 302, response.context["form"].errors
        client.get("/get-help/thank-you/")
    enquiries = list(Enquiry.objects.all())
    assert len(enquiries) == 2
    # The record itself holds what they told us (decrypted here, in the ORM).
    assert all(canary["mark"] in enquiry.name.lower() for enquiry in enquiries)

    # The broker holds the queued tasks now: ids only.
    assert len(redis.Redis.from_url(settings.CELERY_BROKER_URL).lrange(
        real_broker_queue, 0, -1
    )) == 2  # fmt: skip
    broker = _everything_in_redis()
    # The staff side runs: callbacks opened, assignee e-mailed.
    for enquiry in enquiries:
        services.callback_open(enquiry_id=enquiry.pk)
    for callback in Callback.objects.all():
        assert callback.assigned_to == clinician
        services.callback_notify_assignee(callback_id=callback.pk)
    assert mail.outbox
    emails = "\n".join(
        f"{m.subject}\n{m.body}\n{m.to}\n{m.extra_headers}" for m in mail.outbox
    )
    dump = _database_dump()
    logs = caplog.text + "\n".join(capfd.readouterr())

    for where, text in {
        "broker": broker.decode("utf-8", "replace"),
        "staff e-mails": emails,
        "logs": logs,
        "database dump": dump,
    }.items():
        assert canary["mark"] not in text.lower(), where
        assert canary["phone"] not in text.replace(" ", ""), where
    # The dump does hold their answers, as ciphertext.
    assert Enquiry._meta.db_table in dump


def test_an_error_report_never_carries_what_the_person_typed(
    client, canary, settings, monkeypatch
):
    """Django e-mails a report of every 500 to ADMINS, with the request's POST
    data, unless the view marks it sensitive."""
    settings.ENQUIRY_MIN_FILL_SECONDS = 0
    settings.ADMINS = ["ops@example.org"]

    def fail(**kwargs):
        raise RuntimeError("a bug while saving")

    monkeypatch.setattr("enquiries.views.enquiry_submit", fail)
    client.raise_request_exception = False

    response = client.post("/get-help/", canary["sends"][0])

    assert response.status_code == 500
    [report] = [m for m in mail.outbox if "ops@example.org" in m.to]
    text = report.body + "".join(
        str(alternative) for alternative in getattr(report, "alternatives", [])
    )
    assert "a bug while saving" in text  # it is the report of this failure
    assert canary["mark"] not in text.lower()
    assert canary["phone"] not in text.replace(" ", "")
