"""Celery entry points: each takes ids only, calls one service, is safe to rerun.

Services import these tasks at the top (`... as <name>_task`) to queue them; so each
task body imports its service when it runs, the one deliberate deferral that keeps
the import graph one-way (HackSoft's styleguide).
"""

from celery import shared_task
from django.db import OperationalError

_RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}
# Mail can fail too (OSError from SMTP): the services un-claim, so a retry sends.
_RETRY_MAIL = _RETRY | {"autoretry_for": (OperationalError, OSError), "max_retries": 8}


@shared_task(**_RETRY)
def callback_open(enquiry_id: int) -> None:
    from .services import callback_open

    callback_open(enquiry_id=enquiry_id)


@shared_task(**_RETRY_MAIL)
def callback_notify_assignee(callback_id: int) -> None:
    from .services import callback_notify_assignee

    callback_notify_assignee(callback_id=callback_id)


# Beat's rounds (see CELERY_BEAT_SCHEDULE): safe on two beats at once.


@shared_task(**_RETRY)
def callbacks_sweep() -> None:
    from .services import callbacks_sweep

    callbacks_sweep()


@shared_task(**_RETRY)  # a refused send is counted and tried next round
def callbacks_notify_missed() -> None:
    from .services import callbacks_notify_missed

    callbacks_notify_missed()


@shared_task(**_RETRY_MAIL)
def callbacks_remind() -> None:
    from .services import callbacks_remind

    callbacks_remind()


@shared_task(**_RETRY)
def callbacks_escalate() -> None:
    from .services import callbacks_escalate

    callbacks_escalate()


@shared_task(**_RETRY_MAIL)
def leads_digest_send() -> None:
    from .services import leads_digest_send

    leads_digest_send()


@shared_task(**_RETRY)
def callbacks_reassign_off_duty() -> None:
    from .services import callbacks_reassign_off_duty

    callbacks_reassign_off_duty()


@shared_task(**_RETRY_MAIL)
def referrals_remind_follow_up() -> None:
    from .services import referrals_remind_follow_up

    referrals_remind_follow_up()
