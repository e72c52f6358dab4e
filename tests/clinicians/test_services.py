from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from clinicians import services, tasks
from clinicians.models import Callback
from tests.clinicians.factories import CallbackFactory, ClinicianFactory, UserFactory
from tests.enquiries.factories import PHONE, EnquiryFactory

pytestmark = pytest.mark.django_db


def test_open_creates_the_callback_due_after_the_target_and_assigns_it(settings):
    settings.CALLBACK_TARGET_HOURS = 4
    clinician = ClinicianFactory()
    enquiry = EnquiryFactory()

    callback = services.callback_open(enquiry_id=enquiry.pk)

    assert callback.enquiry == enquiry
    assert callback.due_at == enquiry.created_at + timedelta(hours=4)
    assert callback.assigned_to == clinician
    assert callback.status == Callback.Status.ASSIGNED
    assert callback.assigned_at is not None


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


def test_assignment_goes_to_the_on_duty_clinician_with_fewest_open_callbacks():
    busy = ClinicianFactory()
    CallbackFactory.create_batch(2, assigned_to=busy, status=Callback.Status.ASSIGNED)
    lighter = ClinicianFactory()
    CallbackFactory(assigned_to=lighter, status=Callback.Status.ASSIGNED)
    CallbackFactory.create_batch(5, assigned_to=lighter, closed=True)
    ClinicianFactory(on_duty=False)  # has none, but is off duty
    ClinicianFactory(is_active=False)  # has none, but has left
    ClinicianFactory(user=UserFactory(is_active=False))  # account switched off

    callback = services.callback_open(enquiry_id=EnquiryFactory().pk)

    assert callback.assigned_to == lighter


def test_a_clinician_at_capacity_gets_no_more():
    full = ClinicianFactory(max_open_callbacks=1)
    CallbackFactory(assigned_to=full, status=Callback.Status.ASSIGNED)
    other = ClinicianFactory(max_open_callbacks=1)
    CallbackFactory(assigned_to=other, status=Callback.Status.ASSIGNED)

    callback = services.callback_open(enquiry_id=EnquiryFactory().pk)

    assert callback.assigned_to is None
    assert callback.status == Callback.Status.NEW


def test_with_nobody_on_duty_the_callback_waits_unassigned_and_nobody_is_mailed(
    django_capture_on_commit_callbacks,
):
    ClinicianFactory(on_duty=False)

    with django_capture_on_commit_callbacks(execute=True):
        callback = services.callback_open(enquiry_id=EnquiryFactory().pk)

    assert callback.assigned_to is None
    assert callback.status == Callback.Status.NEW
    assert mail.outbox == []


def test_the_assignee_is_told_the_reference_and_due_time_and_nothing_personal(
    django_capture_on_commit_callbacks,
):
    clinician = ClinicianFactory(user__email="duty@example.org")
    enquiry = EnquiryFactory(name="Marigold", message="Worried about heroin")

    with django_capture_on_commit_callbacks(execute=True):
        callback = services.callback_open(enquiry_id=enquiry.pk)

    [email] = mail.outbox
    assert email.to == [clinician.user.email]
    assert email.subject == f"Callback {enquiry.reference} is assigned to you"
    due = timezone.localtime(callback.due_at).strftime("%H:%M")
    assert f"due by {due}" in email.body
    assert f"/admin/clinicians/callback/{callback.pk}/change/" in email.body
    for secret in ("Marigold", PHONE, "heroin"):
        assert secret not in email.subject + email.body


def test_notifying_twice_sends_one_email():
    callback = CallbackFactory(
        assigned_to=ClinicianFactory(), status=Callback.Status.ASSIGNED
    )

    assert services.callback_notify_assignee(callback_id=callback.pk) is True
    assert services.callback_notify_assignee(callback_id=callback.pk) is False
    assert len(mail.outbox) == 1


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

    assert missed.callback.assigned_to == clinician
    assert not Callback.objects.filter(enquiry=just_now).exists()  # still in grace
    assert Callback.objects.count() == 2
