"""Two beats by mistake: each round must act once per callback. A real race needs
a real database that two connections share, so this runs on PostgreSQL."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from clinicians import services
from clinicians.models import LeadNotice
from tests.clinicians.factories import CallbackFactory, ClinicianFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _race(round_) -> None:
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            round_()
        except Exception as error:  # noqa: BLE001 - reported in the test thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_two_beats_at_once_escalate_each_callback_once_in_one_digest(lead):
    overdue = CallbackFactory.create_batch(
        5, due_at=timezone.now() - timedelta(minutes=5)
    )

    _race(services.callbacks_escalate)
    _race(services.leads_digest_send)

    assert LeadNotice.objects.filter(kind="overdue").count() == 5
    [email] = mail.outbox
    assert email.subject == "Callbacks for the leads: 5 overdue"
    for callback in overdue:
        assert callback.enquiry.reference in email.body


def test_two_beats_at_once_remind_each_assignee_once():
    clinician = ClinicianFactory()
    CallbackFactory.create_batch(
        4, assigned_to=clinician, due_at=timezone.now() + timedelta(minutes=5)
    )

    _race(services.callbacks_remind)

    assert len(mail.outbox) == 4
