"""Celery entry points for intake: each calls one service and is safe to rerun."""

from celery import shared_task
from django.core.management import call_command
from django.db import OperationalError

from referral_site.queueing import retry_on

from . import services

# A backlog (after an outage, or the first run) can take longer than the default
# limits allow every task: an hour, once a day.
PURGE_SOFT_TIME_LIMIT, PURGE_TIME_LIMIT = 3300, 3600


@shared_task(
    **retry_on(OperationalError),
    soft_time_limit=PURGE_SOFT_TIME_LIMIT,
    time_limit=PURGE_TIME_LIMIT,
)
def enquiries_purge_expired() -> None:
    """Daily: the retention policy (see services.enquiries_purge_expired)."""
    services.enquiries_purge_expired()


@shared_task(**retry_on(OperationalError))
def sessions_clear_expired() -> None:
    """Daily: delete expired sessions (Django's `clearsessions`). They hold the
    thank-you page's state, whose private link is encrypted but is still the
    person's, and staff logins. Here because intake is what puts a person's state
    in a session. Idempotent."""
    call_command("clearsessions")
