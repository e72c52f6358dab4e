"""Every task of ours survives the database going away for a moment (it is retried,
with backoff), and every one that sends mail survives a refusal the same way: the
options each passes to `shared_task` come from `referral_site.queueing.retry_on`."""

from django.conf import settings
from django.db import OperationalError

from referral_site.celery import app

APPS = ("articles", "enquiries", "clinicians")
# Counts each refused send and tries it again next round, instead of retrying.
COUNTS_ITS_OWN_REFUSALS = "clinicians.tasks.callbacks_notify_missed"


def _ours() -> dict:
    app.autodiscover_tasks(force=True)  # as a worker does when it starts
    return {name: task for name, task in app.tasks.items() if name.startswith(APPS)}


def test_every_task_is_retried_with_backoff_when_the_database_goes_away():
    tasks = _ours()

    assert len(tasks) >= 14  # every tasks.py was found
    for name, task in tasks.items():
        assert OperationalError in task.autoretry_for, name
        assert task.retry_backoff, name
        assert task.max_retries >= 5, name


def test_every_task_that_sends_mail_is_retried_when_the_server_refuses():
    tasks = _ours()
    mail = [
        name
        for name, route in settings.CELERY_TASK_ROUTES.items()
        if route["queue"] == settings.CELERY_MAIL_QUEUE
        and name != COUNTS_ITS_OWN_REFUSALS
    ]

    assert len(mail) >= 5
    for name in mail:
        assert OSError in tasks[name].autoretry_for, name
