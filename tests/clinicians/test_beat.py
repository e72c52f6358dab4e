"""Beat's rounds: reminders, escalation, reassignment; each safe on two beats."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone

from clinicians import services, tasks
from clinicians.models import DutyChange, LeadNotice
from tests.clinicians.factories import CallbackFactory, ClinicianFactory
from tests.enquiries.factories import PHONE, EnquiryFactory

pytestmark = pytest.mark.django_db


def _in(minutes: int):
    return timezone.now() + timedelta(minutes=minutes)


def test_every_round_is_on_the_beat_schedule():
    tasks_scheduled = {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert {
        "clinicians.tasks.callbacks_sweep",
        "clinicians.tasks.callbacks_notify_missed",
        "clinicians.tasks.callbacks_remind",
        "clinicians.tasks.callbacks_escalate",
        "clinicians.tasks.callbacks_reassign_off_duty",
        "clinicians.tasks.leads_digest_send",
        "clinicians.tasks.referrals_remind_follow_up",
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

    for _ in range(2):
        tasks.callbacks_escalate()
        tasks.leads_digest_send()

    [email] = mail.outbox
    assert email.to == [lead.email]
    assert email.subject == "Callbacks for the leads: 1 overdue"
    assert overdue.enquiry.reference in email.body
    assert "Alex Example" not in email.body


def test_a_callback_already_reached_is_not_overdue_however_long_it_stays_open(lead):
    reached = CallbackFactory(
        assigned_to=ClinicianFactory(),
        due_at=_in(-5),
        status="contacted",
        first_contact_at=_in(-30),
    )

    assert services.callbacks_escalate() == 0
    reached.refresh_from_db()
    assert reached.escalated_at is None


def test_sixty_callbacks_in_a_burst_reach_the_leads_as_one_email(lead):
    """Under load, 60 "callback waits" e-mails arrived in 10 seconds: now one."""
    ClinicianFactory(on_duty=False)  # nobody can take them
    callbacks = [
        services.callback_open(enquiry_id=EnquiryFactory().pk) for _ in range(60)
    ]

    assert services.leads_digest_send() == 60
    assert services.leads_digest_send() == 0  # each notice once

    [email] = mail.outbox
    assert email.to == [lead.email]
    assert email.subject == "Callbacks for the leads: 60 waiting"
    for callback in callbacks:
        assert callback.enquiry.reference in email.body
    assert "Alex Example" not in email.body and PHONE not in email.body


def test_the_leads_digest_decrypts_none_of_the_answers(lead, decryptions):
    ClinicianFactory(on_duty=False)  # nobody can take them: they wait, and are told
    callbacks = [
        services.callback_open(enquiry_id=EnquiryFactory().pk) for _ in range(3)
    ]
    decryptions.clear()

    assert services.leads_digest_send() == 3

    [email] = mail.outbox
    assert all(callback.enquiry.reference in email.body for callback in callbacks)
    assert decryptions == []


def test_the_digest_drops_what_no_longer_applies(lead):
    ClinicianFactory(on_duty=False)
    waiting = services.callback_open(enquiry_id=EnquiryFactory().pk)
    services.callback_open(enquiry_id=EnquiryFactory().pk)
    now_held = ClinicianFactory()
    services.callback_reassign(callback=waiting, clinician=now_held, by=lead)
    mail.outbox.clear()  # the new holder's own e-mail

    assert services.leads_digest_send() == 1

    [email] = mail.outbox
    assert waiting.enquiry.reference not in email.body  # someone holds it now


def test_a_failed_digest_is_sent_by_the_next_round(lead, mail_server):
    ClinicianFactory(on_duty=False)
    callback = services.callback_open(enquiry_id=EnquiryFactory().pk)

    mail_server.refuses = lambda message: True
    with pytest.raises(OSError):
        services.leads_digest_send()
    mail_server.refuses = lambda message: False

    assert services.leads_digest_send() == 1
    assert services.leads_digest_send() == 0
    [email] = mail.outbox
    assert callback.enquiry.reference in email.body


def test_a_digest_round_that_died_mid_send_is_sent_once_its_claim_expires(
    lead, settings
):
    ClinicianFactory(on_duty=False)
    callback = services.callback_open(enquiry_id=EnquiryFactory().pk)
    # A round claimed the notice, then its worker was killed before sending.
    LeadNotice.objects.update(claimed_at=timezone.now(), batch=uuid.uuid4())

    assert services.leads_digest_send() == 0  # the claim still holds
    with time_machine.travel(
        timedelta(seconds=settings.CALLBACK_NOTIFY_LEASE_SECONDS + 1)
    ):
        assert services.leads_digest_send() == 1
        assert services.leads_digest_send() == 0
    [email] = mail.outbox
    assert callback.enquiry.reference in email.body


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


def test_the_missed_round_sends_an_assignment_email_that_was_never_queued(settings):
    # The broker was down when the rota gave it out: no task ever ran.
    settings.CALLBACK_SWEEP_GRACE_SECONDS = 300
    clinician = ClinicianFactory(user__email="duty@example.org")
    missed = CallbackFactory(assigned_to=clinician, assigned_at=_in(-10))
    CallbackFactory(assigned_to=clinician, assigned_at=_in(-1))  # the task may yet run

    services.callbacks_sweep()  # opening what was missed sends nothing
    assert mail.outbox == []
    services.callbacks_notify_missed()
    services.callbacks_notify_missed()

    [email] = mail.outbox
    assert email.to == ["duty@example.org"]
    assert missed.enquiry.reference in email.subject


def test_a_refused_assignment_email_does_not_stop_the_sweep_and_is_sent_next_time(
    settings, mail_server
):
    settings.CALLBACK_SWEEP_GRACE_SECONDS = 300
    clinician = ClinicianFactory(user__email="duty@example.org")
    first = CallbackFactory(assigned_to=clinician, assigned_at=_in(-10))
    second = CallbackFactory(assigned_to=clinician, assigned_at=_in(-10))

    mail_server.refuses = lambda message: first.enquiry.reference in message.subject
    assert services.callbacks_notify_missed() == 1  # the other still went
    [sent] = mail.outbox
    assert second.enquiry.reference in sent.subject
    mail_server.refuses = lambda message: False

    assert services.callbacks_notify_missed() == 1  # the refused one, next round
    assert services.callbacks_notify_missed() == 0
    assert first.enquiry.reference in mail.outbox[1].subject
