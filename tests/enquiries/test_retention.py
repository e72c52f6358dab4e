from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from enquiries.models import AuditEvent, Enquiry
from enquiries.services import enquiries_purge_expired
from tests.enquiries.factories import EnquiryFactory

pytestmark = pytest.mark.django_db


def _days_ago(days: int):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def trail():
    """Enquiries at each point of their life, with the default retention settings."""
    expired = EnquiryFactory(closed_at=_days_ago(91))
    recent = EnquiryFactory(closed_at=_days_ago(89))
    still_open = EnquiryFactory()
    forgotten = EnquiryFactory()
    Enquiry.objects.filter(pk=forgotten.pk).update(created_at=_days_ago(181))
    return {
        "expired": expired,
        "recent": recent,
        "open": still_open,
        "forgotten": forgotten,
    }


def test_enquiries_closed_past_the_retention_period_are_anonymised(trail):
    report = enquiries_purge_expired()

    assert report.anonymised == 1
    expired = Enquiry.objects.get(pk=trail["expired"].pk)
    assert (expired.name, expired.phone, expired.message) == ("", "", "")
    assert expired.anonymised_at is not None
    assert expired.reference == trail["expired"].reference  # the anonymous record
    assert expired.audit_events.get().action == AuditEvent.Action.ANONYMISED
    for kept in ("recent", "open", "forgotten"):
        assert Enquiry.objects.get(pk=trail[kept].pk).name == "Alex Example", kept


def test_enquiries_never_closed_are_flagged_to_the_leads_by_reference_only(
    trail, lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the mail task
        report = enquiries_purge_expired()

    assert report.unclosed_flagged == 1
    [email] = mail.outbox
    assert email.to == [lead.email]
    assert trail["forgotten"].reference in email.body
    assert "Alex Example" not in email.body and "07700" not in email.body
    assert Enquiry.objects.get(pk=trail["forgotten"].pk).anonymised_at is None


def test_the_leads_hear_of_unclosed_enquiries_even_if_the_purge_is_cut_short(
    trail, lead, monkeypatch, django_capture_on_commit_callbacks
):
    from enquiries import services

    def cut_short(**kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "enquiry_anonymise", cut_short)
    # The mail task runs as the purge's after-commit callbacks do, on leaving.
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(SoftTimeLimitExceeded),
    ):
        enquiries_purge_expired()

    [email] = mail.outbox
    assert trail["forgotten"].reference in email.body


def test_a_mail_server_that_refuses_the_leads_alert_does_not_stop_the_purge(
    trail, lead, mail_server, django_capture_on_commit_callbacks
):
    refused = []
    mail_server.refuses = lambda message: refused.append(message.to) or True

    with django_capture_on_commit_callbacks(execute=True):  # the mail task
        report = enquiries_purge_expired()

    assert report.anonymised == 1  # the retention policy still applied
    assert Enquiry.objects.get(pk=trail["expired"].pk).anonymised_at is not None
    assert refused and refused[0] == [lead.email]  # the alert was tried, and refused
    assert mail.outbox == []


def test_the_daily_purge_may_run_longer_than_other_tasks(settings):
    from enquiries.tasks import enquiries_purge_expired as task

    assert task.soft_time_limit > settings.CELERY_TASK_SOFT_TIME_LIMIT
    assert task.soft_time_limit < task.time_limit


def test_a_dry_run_counts_and_changes_nothing(trail, capsys):
    call_command("purge_expired_enquiries", "--dry-run")

    assert "Would anonymise 1 enquiries; 1 never closed" in capsys.readouterr().out
    assert not Enquiry.objects.filter(anonymised_at__isnull=False).exists()
    assert not AuditEvent.objects.exists()
    assert mail.outbox == []


def test_the_purge_run_twice_changes_nothing_the_second_time(trail, capsys):
    call_command("purge_expired_enquiries")
    call_command("purge_expired_enquiries")

    out = capsys.readouterr().out
    assert "Anonymised 1 enquiries" in out and "Anonymised 0 enquiries" in out
    assert AuditEvent.objects.count() == 1


def test_the_retention_period_comes_from_settings(trail, settings):
    settings.ENQUIRY_RETENTION_DAYS = 30

    assert enquiries_purge_expired().anonymised == 2


def test_beat_runs_the_purge_daily_and_no_task_results_are_stored():
    schedule = settings.CELERY_BEAT_SCHEDULE["enquiries-purge-expired"]
    assert schedule["task"] == "enquiries.tasks.enquiries_purge_expired"
    assert schedule["schedule"].hour == {3}
    # Task results could hold copies of what tasks saw: none are kept anywhere.
    assert settings.CELERY_TASK_IGNORE_RESULT is True
    assert not getattr(settings, "CELERY_RESULT_BACKEND", None)


def test_the_purge_task_applies_the_policy(trail):
    from enquiries.tasks import enquiries_purge_expired as task

    task()
    task()

    assert Enquiry.objects.filter(anonymised_at__isnull=False).count() == 1
