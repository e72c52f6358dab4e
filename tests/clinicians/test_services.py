from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from clinicians import services, tasks
from clinicians.models import Callback, Status, Urgency
from clinicians.staff_groups import LEAD
from tests.articles.factories import TopicFactory
from tests.clinicians.factories import CallbackFactory, ClinicianFactory, UserFactory
from tests.enquiries.factories import PHONE, EnquiryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead():
    user = UserFactory(username="lead-on-call", email="lead@example.org")
    user.groups.add(Group.objects.get(name=LEAD))
    return user


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


def test_due_is_the_end_of_the_first_safe_time_when_none_comes_before_the_target():
    # Urgent at 9pm on a Wednesday: closed until 9am Thursday.
    due = _due(_local(WEDNESDAY, 21), Urgency.URGENT)

    assert due == _local(WEDNESDAY + timedelta(days=1), 20)


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

    assert callback.assigned_to is None
    [email] = mail.outbox
    assert email.to == [lead.email]
    assert "waits: nobody on duty has room" in email.body
    assert callback.enquiry.reference in email.subject


def test_an_urgent_callback_is_told_to_the_lead_at_once_as_well(
    lead, django_capture_on_commit_callbacks
):
    clinician = ClinicianFactory(user__email="duty@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        callback = services.callback_open(
            enquiry_id=EnquiryFactory(danger="overdose").pk
        )

    assert callback.urgency == Urgency.URGENT
    recipients = sorted(tuple(email.to) for email in mail.outbox)
    assert recipients == [(clinician.user.email,), (lead.email,)]


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


def test_notifying_twice_sends_one_email():
    callback = CallbackFactory(assigned_to=ClinicianFactory())

    assert services.callback_notify_assignee(callback_id=callback.pk) is True
    assert services.callback_notify_assignee(callback_id=callback.pk) is False
    assert len(mail.outbox) == 1


def test_a_failed_send_can_be_retried(monkeypatch):
    callback = CallbackFactory(assigned_to=ClinicianFactory())

    def refuse(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(services, "send_mail", refuse)
    with pytest.raises(OSError):
        services.callback_notify_assignee(callback_id=callback.pk)
    monkeypatch.undo()

    assert services.callback_notify_assignee(callback_id=callback.pk) is True
    assert len(mail.outbox) == 1


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
