from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import OperationalError, connection
from django.utils import timezone

from clinicians import services, tasks
from clinicians.models import Callback, LeadNotice, Status, Urgency
from clinicians.services import notify
from tests.articles.factories import TopicFactory
from tests.clinicians.factories import CallbackFactory, ClinicianFactory, UserFactory
from tests.enquiries.factories import PHONE, EnquiryFactory

pytestmark = pytest.mark.django_db


def _local(day: datetime, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


# --- opening ---


def test_open_scores_the_callback_sets_its_due_time_and_assigns_it():
    clinician = ClinicianFactory()
    enquiry = EnquiryFactory(substances="heroin")

    callback = services.callback_open(enquiry_id=enquiry.pk)

    assert callback.enquiry == enquiry
    assert callback.urgency == Urgency.SOON
    assert callback.assigned_to == clinician
    assert callback.status == Status.ASSIGNED
    assert list(callback.events.values_list("from_status", "to_status")) == [
        ("", Status.NEW),
        (Status.NEW, Status.ASSIGNED),
    ]


def test_opening_a_callback_never_decrypts_who_the_person_is_or_how_to_reach_them(
    decryptions,
):
    ClinicianFactory()
    enquiry = EnquiryFactory(message="He took too much and is not breathing")
    unread = ("name", "phone", "email", "relationship", "they_know", "area")
    with connection.cursor() as cursor:  # as stored: encrypted
        cursor.execute(
            f"SELECT {', '.join(unread)} FROM enquiries_enquiry WHERE id = %s",
            [enquiry.pk],
        )
        stored = {value for value in cursor.fetchone() if value}
    decryptions.clear()

    callback = services.callback_open(enquiry_id=enquiry.pk)

    # The urgency rule read what it needs (the message, here)...
    assert callback.urgency == Urgency.URGENT
    assert decryptions
    # ...and nothing that says who they are or how to reach them.
    assert len(stored) == len(unread)  # each stored, encrypted (even when blank)
    assert not stored & {str(token) for token in decryptions}


def test_the_open_task_run_twice_makes_one_callback_and_one_email(
    django_capture_on_commit_callbacks,
):
    ClinicianFactory()
    enquiry = EnquiryFactory()

    with django_capture_on_commit_callbacks(execute=True):
        tasks.callback_open(enquiry.pk)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.callback_open(enquiry.pk)

    assert Callback.objects.filter(enquiry=enquiry).count() == 1
    assert len(mail.outbox) == 1


# --- when it is due ---

WEDNESDAY = date(2026, 12, 2)


def _due(created_at: datetime, urgency: str, **answers) -> datetime:
    enquiry = EnquiryFactory(**answers)
    enquiry.created_at = created_at
    return timezone.localtime(
        services.callback_due_at(enquiry=enquiry, urgency=urgency)
    )


def test_due_is_the_bands_target_when_that_falls_in_opening_hours():
    assert _due(_local(WEDNESDAY, 10), Urgency.URGENT) == _local(WEDNESDAY, 11)
    assert _due(_local(WEDNESDAY, 10), Urgency.SOON) == _local(WEDNESDAY, 14)


def test_due_stays_inside_the_safe_times_the_person_chose():
    # Routine is 24 hours; they said evenings only: Thursday 10am is not safe.
    due = _due(_local(WEDNESDAY, 10), Urgency.ROUTINE, call_windows="evening")

    assert due == _local(WEDNESDAY, 20)  # the last safe time before the target


TUESDAY, THURSDAY = date(2026, 12, 1), date(2026, 12, 3)
SATURDAY, MONDAY = date(2026, 12, 5), date(2026, 12, 7)


def test_an_overdose_reported_just_before_closing_is_due_an_hour_after_opening():
    # 19:49 on a Tuesday: too late to call tonight (we close at 20:00). It used to
    # be due at 20:00 on Wednesday, later than a routine one sent at 19:47.
    urgent = _due(_local(TUESDAY, 19, 49), Urgency.URGENT, danger="overdose")
    routine = _due(_local(TUESDAY, 19, 47), Urgency.ROUTINE)

    assert urgent == _local(WEDNESDAY, 10)
    assert urgent < routine


def test_an_urgent_enquiry_on_saturday_evening_is_due_an_hour_after_monday_opening():
    # We close at 16:00 on Saturday and all Sunday. It used to be due Monday 20:00.
    assert _due(_local(SATURDAY, 17), Urgency.URGENT) == _local(MONDAY, 10)


def test_urgent_counts_from_the_start_of_the_persons_safe_time():
    # Evenings only (17:00-20:00): the hour starts at 17:00, not at the arrival.
    due = _due(_local(WEDNESDAY, 10), Urgency.URGENT, call_windows="evening")

    assert due == _local(WEDNESDAY, 18)


def test_a_target_past_closing_is_due_at_closing_not_the_next_day():
    # 19:15, an hour's target: due when we close at 20:00, not tomorrow.
    assert _due(_local(WEDNESDAY, 19, 15), Urgency.URGENT) == _local(WEDNESDAY, 20)


@pytest.mark.parametrize("day", [TUESDAY, SATURDAY, date(2026, 12, 6)])
@pytest.mark.parametrize(
    "windows", ["", "morning", "evening", "afternoon,evening"], ids=repr
)
def test_a_more_urgent_band_is_never_due_after_a_less_urgent_one(day, windows):
    """Across every quarter hour of three days (open, short and closed), and the
    safe times people choose: urgent <= soon <= routine, sent at the same moment."""
    enquiry = EnquiryFactory(call_windows=windows)
    for quarter in range(96):
        enquiry.created_at = _local(day, 0) + timedelta(minutes=15 * quarter)
        urgent, soon, routine = (
            services.callback_due_at(enquiry=enquiry, urgency=band)
            for band in (Urgency.URGENT, Urgency.SOON, Urgency.ROUTINE)
        )
        assert urgent <= soon <= routine, enquiry.created_at
        assert urgent > enquiry.created_at


def test_the_clock_start_is_kept_on_the_callback(time_machine):
    time_machine.move_to(_local(TUESDAY, 21), tick=False)
    ClinicianFactory()
    enquiry = EnquiryFactory(danger="overdose")

    callback = services.callback_open(enquiry_id=enquiry.pk)

    assert timezone.localtime(callback.clock_starts_at) == _local(WEDNESDAY, 9)
    assert timezone.localtime(callback.due_at) == _local(WEDNESDAY, 10)


# --- assignment ---


def test_assignment_goes_to_the_on_duty_clinician_with_fewest_open_callbacks():
    busy = ClinicianFactory()
    CallbackFactory.create_batch(2, assigned_to=busy)
    lighter = ClinicianFactory()
    CallbackFactory(assigned_to=lighter)
    CallbackFactory.create_batch(5, assigned_to=lighter, closed=True)
    ClinicianFactory(on_duty=False)  # has none, but is off duty
    ClinicianFactory(is_active=False)  # has none, but has left
    ClinicianFactory(user=UserFactory(is_active=False))  # account switched off

    callback = services.callback_open(enquiry_id=EnquiryFactory().pk)

    assert callback.assigned_to == lighter


def test_a_specialist_wins_a_tie():
    ClinicianFactory()
    specialist = ClinicianFactory()
    specialist.specialisms.add(TopicFactory(slug="alcohol", name="Alcohol"))

    callback = services.callback_open(
        enquiry_id=EnquiryFactory(substances="alcohol").pk
    )

    assert callback.assigned_to == specialist


def test_a_clinician_at_capacity_gets_no_more():
    full = ClinicianFactory(max_open_callbacks=1)
    CallbackFactory(assigned_to=full)

    callback = services.callback_open(enquiry_id=EnquiryFactory().pk)

    assert callback.assigned_to is None
    assert callback.status == Status.NEW


def test_with_nobody_on_duty_the_callback_waits_and_the_lead_is_told(
    lead, django_capture_on_commit_callbacks
):
    ClinicianFactory(on_duty=False)

    with django_capture_on_commit_callbacks(execute=True):
        callback = services.callback_open(enquiry_id=EnquiryFactory().pk)
    services.leads_digest_send()

    assert callback.assigned_to is None
    [email] = mail.outbox
    assert email.to == [lead.email]
    assert "Waiting: nobody on duty has room (1)" in email.body
    assert f"{callback.enquiry.reference} (routine), held by nobody" in email.body


def test_an_urgent_callback_is_told_to_the_lead_in_the_next_digest_as_well(
    lead, django_capture_on_commit_callbacks
):
    clinician = ClinicianFactory(user__email="duty@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        callback = services.callback_open(
            enquiry_id=EnquiryFactory(danger="overdose").pk
        )
    services.leads_digest_send()

    assert callback.urgency == Urgency.URGENT
    recipients = sorted(tuple(email.to) for email in mail.outbox)
    assert recipients == [(clinician.user.email,), (lead.email,)]
    [digest] = [email for email in mail.outbox if email.to == [lead.email]]
    assert digest.subject == "Callbacks for the leads: 1 urgent"


def test_urgent_callbacks_from_the_night_reach_the_leads_as_one_email_at_opening(
    lead, time_machine
):
    ClinicianFactory(on_duty=False)
    time_machine.move_to(_local(TUESDAY, 21), tick=False)
    overnight = [
        services.callback_open(enquiry_id=EnquiryFactory(danger="suicide").pk)
        for _ in range(3)
    ]
    time_machine.move_to(_local(WEDNESDAY, 3), tick=False)
    overnight.append(
        services.callback_open(enquiry_id=EnquiryFactory(danger="overdose").pk)
    )

    assert services.leads_digest_send() == 0  # nobody is told in the night
    time_machine.move_to(_local(WEDNESDAY, 9, 1), tick=False)
    assert services.leads_digest_send() == 4
    assert services.leads_digest_send() == 0

    [email] = mail.outbox
    assert email.subject == "Callbacks for the leads: 4 urgent"
    for callback in overnight:
        assert callback.enquiry.reference in email.body


def test_the_assignee_is_told_the_reference_band_and_due_time_and_nothing_personal(
    django_capture_on_commit_callbacks,
):
    clinician = ClinicianFactory(user__email="duty@example.org")
    enquiry = EnquiryFactory(name="Marigold", message="Worried about heroin")

    with django_capture_on_commit_callbacks(execute=True):
        callback = services.callback_open(enquiry_id=enquiry.pk)

    [email] = mail.outbox
    assert email.to == [clinician.user.email]
    assert email.subject == f"Callback {enquiry.reference} (routine) is assigned to you"
    due = timezone.localtime(callback.due_at).strftime("%H:%M")
    assert (
        f"Callback {enquiry.reference} (routine) is assigned to you, due by {due}"
        in (email.body)
    )
    assert f"/admin/clinicians/callback/{callback.pk}/change/" in email.body
    for secret in ("Marigold", PHONE, "heroin"):
        assert secret not in email.subject + email.body


def test_the_assignees_email_decrypts_none_of_the_persons_answers(decryptions):
    callback = CallbackFactory(assigned_to=ClinicianFactory())
    decryptions.clear()

    assert services.callback_notify_assignee(callback_id=callback.pk) is True

    # It names the reference only: the mail worker has no use for the answers.
    assert callback.enquiry.reference in mail.outbox[0].subject
    assert decryptions == []


def test_notifying_twice_sends_one_email():
    callback = CallbackFactory(assigned_to=ClinicianFactory())

    assert services.callback_notify_assignee(callback_id=callback.pk) is True
    assert services.callback_notify_assignee(callback_id=callback.pk) is False
    assert len(mail.outbox) == 1


def test_a_failed_send_can_be_retried(mail_server):
    callback = CallbackFactory(assigned_to=ClinicianFactory())

    mail_server.refuses = lambda message: True
    with pytest.raises(OSError):
        services.callback_notify_assignee(callback_id=callback.pk)
    mail_server.refuses = lambda message: False

    assert services.callback_notify_assignee(callback_id=callback.pk) is True
    assert services.callback_notify_assignee(callback_id=callback.pk) is False
    assert len(mail.outbox) == 1


def test_an_assignment_email_claimed_by_a_run_that_died_is_sent_once_it_expires(
    settings,
):
    callback = CallbackFactory(assigned_to=ClinicianFactory())
    # A worker claimed the e-mail and was killed (SIGKILL) before it sent.
    Callback.objects.filter(pk=callback.pk).update(
        assignee_notify_claimed_at=timezone.now()
    )

    assert services.callback_notify_assignee(callback_id=callback.pk) is False
    with time_machine.travel(
        timedelta(seconds=settings.CALLBACK_NOTIFY_LEASE_SECONDS + 1)
    ):
        assert services.callback_notify_assignee(callback_id=callback.pk) is True
    [email] = mail.outbox
    assert email.extra_headers["Message-ID"].startswith(f"<callback-{callback.pk}-")


def _mark_fails(times: int):
    """The database away for the next `times` writes of 'the e-mail was sent'."""
    left = [times]

    def wrapper(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and 'SET "assignee_notified_at"' in sql and left[0]:
            left[0] -= 1
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    return wrapper


@pytest.mark.django_db(transaction=True)  # as in the worker: no test transaction
def test_an_email_sent_as_the_database_restarts_is_recorded_once_it_is_back():
    # The mail server took the e-mail; recording it failed. Given up, the claim
    # would lapse and the sweep send it a second time.
    callback = CallbackFactory(assigned_to=ClinicianFactory())

    with connection.execute_wrapper(_mark_fails(2)):
        assert services.callback_notify_assignee(callback_id=callback.pk) is True

    callback.refresh_from_db()
    assert callback.assignee_notified_at is not None
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_database_away_for_longer_leaves_the_email_to_the_lease(monkeypatch):
    monkeypatch.setattr(notify, "RECORD_SENT_PATIENCE_SECONDS", 0)
    callback = CallbackFactory(assigned_to=ClinicianFactory())

    with (
        connection.execute_wrapper(_mark_fails(1)),
        pytest.raises(OperationalError),
    ):
        services.callback_notify_assignee(callback_id=callback.pk)

    callback.refresh_from_db()
    # Still claimed, not marked: the sweep sends it (same Message-ID) after the lease.
    assert callback.assignee_notified_at is None
    assert callback.assignee_notify_claimed_at is not None


def test_an_assignment_email_that_keeps_failing_alerts_the_leads_once(
    settings, mail_server
):
    settings.CALLBACK_NOTIFY_ALERT_AFTER = 3
    callback = CallbackFactory(assigned_to=ClinicianFactory())
    mail_server.refuses = lambda message: True

    for _ in range(5):
        with pytest.raises(OSError):
            services.callback_notify_assignee(callback_id=callback.pk)

    callback.refresh_from_db()
    assert callback.assignee_notify_failures == 5
    assert callback.assignee_notified_at is None
    [notice] = LeadNotice.objects.filter(callback=callback)
    assert notice.kind == LeadNotice.Kind.UNNOTIFIED


def test_a_clinician_without_an_email_address_counts_as_a_failed_notification():
    callback = CallbackFactory(assigned_to=ClinicianFactory(user__email=""))

    with pytest.raises(OSError):
        services.callback_notify_assignee(callback_id=callback.pk)

    callback.refresh_from_db()
    assert (callback.assignee_notify_failures, callback.assignee_notified_at) == (
        1,
        None,
    )


# --- the sweep ---


def test_the_sweep_opens_callbacks_for_enquiries_that_missed_theirs(settings):
    settings.CALLBACK_SWEEP_GRACE_SECONDS = 300
    clinician = ClinicianFactory()
    missed = EnquiryFactory()
    just_now = EnquiryFactory()
    has_one = CallbackFactory().enquiry
    ten_minutes_ago = timezone.now() - timedelta(minutes=10)
    type(missed).objects.filter(pk__in=[missed.pk, has_one.pk]).update(
        created_at=ten_minutes_ago
    )

    assert services.callbacks_sweep() == 1
    assert services.callbacks_sweep() == 0  # a second sweep finds nothing to do

    assert Callback.objects.get(enquiry=missed).assigned_to == clinician
    assert not Callback.objects.filter(enquiry=just_now).exists()  # still in grace


def test_an_enquiry_withdrawn_before_the_worker_runs_gets_no_callback(
    django_capture_on_commit_callbacks,
):
    from enquiries.services import enquiry_anonymise

    ClinicianFactory()
    enquiry = EnquiryFactory()
    enquiry_anonymise(enquiry=enquiry, action="withdrawn")

    with django_capture_on_commit_callbacks(execute=True):
        assert services.callback_open(enquiry_id=enquiry.pk) is None

    assert not Callback.objects.exists()
    assert mail.outbox == []


def test_an_urgent_callback_just_before_closing_reaches_the_leads_while_we_are_open(
    lead, time_machine
):
    # 19:45: too late to promise a call tonight, but the leads are still at work.
    time_machine.move_to(_local(TUESDAY, 19, 45), tick=False)
    ClinicianFactory()
    callback = services.callback_open(enquiry_id=EnquiryFactory(danger="suicide").pk)

    assert services.leads_digest_send() == 1

    [email] = [m for m in mail.outbox if m.to == [lead.email]]
    assert callback.enquiry.reference in email.body


def test_raising_the_band_to_urgent_reworks_the_due_time_and_tells_the_leads(lead):
    clinician = ClinicianFactory()
    callback = services.callback_open(enquiry_id=EnquiryFactory().pk)  # routine
    routine_due = callback.due_at
    Callback.objects.filter(pk=callback.pk).update(escalated_at=timezone.now())
    mail.outbox.clear()

    services.callback_change_urgency(
        callback=callback, urgency=Urgency.URGENT, reason="Said he has a plan.",
        by=clinician.user,
    )  # fmt: skip

    callback.refresh_from_db()
    assert callback.due_at == callback.enquiry.created_at + timedelta(minutes=60)
    assert callback.due_at < routine_due
    assert callback.escalated_at is None  # a missed new due time escalates again
    assert services.leads_digest_send() == 1
    [email] = mail.outbox
    assert email.subject == "Callbacks for the leads: 1 urgent"
    assert callback.enquiry.reference in email.body
    assert "Said he has a plan." not in email.body  # the reason stays in the record
