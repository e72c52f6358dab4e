"""The callbacks side queues its tasks by name, after the commit
(referral_site/queueing.py): a broker that refuses never undoes an assignment."""

import logging
from unittest import mock

import pytest
from kombu.exceptions import OperationalError

from clinicians import services
from clinicians.models import Callback, Status
from clinicians.services.queue import CALLBACK_NOTIFY_ASSIGNEE_TASK, CALLBACK_OPEN_TASK
from clinicians.tasks import callback_notify_assignee, callback_open
from referral_site.queueing import registered
from tests.clinicians.factories import ClinicianFactory
from tests.enquiries.factories import EnquiryFactory

pytestmark = pytest.mark.django_db


def test_the_names_sent_are_the_tasks_registered_under_them():
    assert registered(CALLBACK_OPEN_TASK) is callback_open._get_current_object()
    assert registered(CALLBACK_NOTIFY_ASSIGNEE_TASK) is (
        callback_notify_assignee._get_current_object()
    )


def test_the_assignee_is_told_only_once_the_assignment_commits(
    django_capture_on_commit_callbacks,
):
    ClinicianFactory()
    enquiry = EnquiryFactory()

    with mock.patch.object(callback_notify_assignee, "delay") as notify:
        with django_capture_on_commit_callbacks() as callbacks:
            callback = services.callback_open(enquiry_id=enquiry.pk)
        notify.assert_not_called()  # the transaction has not committed
        for sent in callbacks:
            sent()

    notify.assert_called_once_with(callback.pk)  # the id only


def test_an_assignment_made_while_the_broker_refuses_stands_and_is_logged(
    caplog, django_capture_on_commit_callbacks
):
    clinician = ClinicianFactory()
    enquiry = EnquiryFactory()
    refused = OperationalError("[Errno 111] Connection refused")

    with (
        mock.patch.object(callback_notify_assignee, "delay", side_effect=refused),
        caplog.at_level(logging.WARNING, logger="referral_site.queueing"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        callback = services.callback_open(enquiry_id=enquiry.pk)

    callback = Callback.objects.get(pk=callback.pk)
    assert callback.status == Status.ASSIGNED
    assert callback.assigned_to == clinician
    assert callback.assignee_notified_at is None  # beat's rounds send it later
    assert (
        f"Could not queue {CALLBACK_NOTIFY_ASSIGNEE_TASK} for id {callback.pk}"
        in caplog.text
    )
    assert enquiry.phone not in caplog.text
