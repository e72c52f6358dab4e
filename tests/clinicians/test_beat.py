"""Beat's rounds: reminders, escalation, reassignment; each safe on two beats."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from clinicians import services, tasks
from clinicians.models import DutyChange
from clinicians.staff_groups import LEAD
from tests.clinicians.factories import CallbackFactory, ClinicianFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead():
    user = UserFactory(username="lead-on-call", email="lead@example.org")
    user.groups.add(Group.objects.get(name=LEAD))
    return user


def _in(minutes: int):
    return timezone.now() + timedelta(minutes=minutes)


def test_every_round_is_on_the_beat_schedule():
    tasks_scheduled = {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert {
        "clinicians.tasks.callbacks_sweep",
        "clinicians.tasks.callbacks_remind",
        "clinicians.tasks.callbacks_escalate",
        "clinicians.tasks.callbacks_reassign_off_duty",
        "enquiries.tasks.enquiries_purge_expired",
    } <= tasks_scheduled


def test_the_assignee_is_reminded_once_when_a_callback_is_due_within_15_minutes():
    clinician = ClinicianFactory(user__email="duty@example.org")
    soon = CallbackFactory(assigned_to=clinician, due_at=_in(10))
    CallbackFactory(assigned_to=clinician, due_at=_in(60))  # not yet
    CallbackFactory(assigned_to=clinician, due_at=_in(10), closed=True)  # done

    assert services.callbacks_remind() == 1
    assert services.callbacks_remind() == 0  # once

    [email] = mail.outbox
    assert email.to == ["duty@example.org"]
    assert email.subject == f"Reminder: callback {soon.enquiry.reference} is due"
    assert "Alex Example" not in email.body


def test_a_planned_next_try_is_reminded_too():
    clinician = ClinicianFactory()
    CallbackFactory(assigned_to=clinician, due_at=_in(600), next_attempt_at=_in(5))

    assert services.callbacks_remind() == 1


def test_an_overdue_callback_is_escalated_to_the_lead_once(lead):
    overdue = CallbackFactory(assigned_to=ClinicianFactory(), due_at=_in(-5))
    CallbackFactory(due_at=_in(30))

    tasks.callbacks_escalate()
    tasks.callbacks_escalate()

    [email] = mail.outbox
    assert email.to == [lead.email]
    assert email.subject == f"Overdue: callback {overdue.enquiry.reference}"
    assert "Alex Example" not in email.body


def test_a_callback_moves_on_when_its_assignee_goes_off_duty():
    leaving = ClinicianFactory()
    callback = CallbackFactory(assigned_to=leaving)
    staying = ClinicianFactory()
    DutyChange.objects.create(
        clinician=leaving,
        kind=DutyChange.Kind.ABSENT,
        starts_at=_in(-1),
        ends_at=_in(600),
    )

    assert services.callbacks_reassign_off_duty() == 1
    assert services.callbacks_reassign_off_duty() == 0

    callback.refresh_from_db()
    assert callback.assigned_to == staying
    assert callback.events.last().detail == "reassigned: the assignee went off duty"


def test_a_waiting_callback_is_assigned_when_someone_comes_on_duty():
    callback = CallbackFactory()  # unassigned: nobody was on duty
    clinician = ClinicianFactory()

    services.callbacks_reassign_off_duty()

    callback.refresh_from_db()
    assert (callback.assigned_to, callback.status) == (clinician, "assigned")


def test_the_reassignment_round_costs_one_query_when_nothing_needs_moving(
    django_assert_num_queries,
):
    for _ in range(3):
        CallbackFactory.create_batch(3, assigned_to=ClinicianFactory())

    with django_assert_num_queries(1):
        assert services.callbacks_reassign_off_duty() == 0
