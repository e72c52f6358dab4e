"""Celery entry points: each takes ids only, calls one service, is safe to rerun.

This module imports the services at the top; they never import it. They queue
these tasks by the names they keep (`CALLBACK_*_TASK` in services/queue.py), which
the tasks are registered under (referral_site/queueing.py).
"""

from celery import shared_task
from django.db import OperationalError

from referral_site.queueing import retry_on

from . import services
from .services.notify import LEADS_NOTIFY_UNCLOSED_TASK
from .services.queue import CALLBACK_NOTIFY_ASSIGNEE_TASK, CALLBACK_OPEN_TASK

_RETRY = retry_on(OperationalError)
# Mail can fail too (OSError from SMTP): the services un-claim, so a retry sends.
_RETRY_MAIL = retry_on(OperationalError, OSError, max_retries=8)


@shared_task(name=CALLBACK_OPEN_TASK, **_RETRY)
def callback_open(enquiry_id: int) -> None:
    services.callback_open(enquiry_id=enquiry_id)


@shared_task(name=CALLBACK_NOTIFY_ASSIGNEE_TASK, **_RETRY_MAIL)
def callback_notify_assignee(callback_id: int) -> None:
    services.callback_notify_assignee(callback_id=callback_id)


# Beat's rounds (see CELERY_BEAT_SCHEDULE): safe on two beats at once.


@shared_task(**_RETRY)
def callbacks_sweep() -> None:
    services.callbacks_sweep()


@shared_task(**_RETRY)  # a refused send is counted and tried next round
def callbacks_notify_missed() -> None:
    services.callbacks_notify_missed()


@shared_task(**_RETRY_MAIL)
def callbacks_remind() -> None:
    services.callbacks_remind()


@shared_task(**_RETRY)
def callbacks_escalate() -> None:
    services.callbacks_escalate()


@shared_task(**_RETRY_MAIL)
def leads_digest_send() -> None:
    services.leads_digest_send()


@shared_task(**_RETRY)
def callbacks_reassign_off_duty() -> None:
    services.callbacks_reassign_off_duty()


@shared_task(**_RETRY_MAIL)
def referrals_remind_follow_up() -> None:
    services.referrals_remind_follow_up()


@shared_task(name=LEADS_NOTIFY_UNCLOSED_TASK, **_RETRY_MAIL)
def leads_notify_unclosed(*enquiry_ids: int) -> None:
    """The daily purge found these enquiries never closed: tell the leads."""
    services.leads_notify_unclosed(enquiry_ids=list(enquiry_ids))
