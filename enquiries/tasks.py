"""Celery entry points for intake: each calls one service and is safe to rerun."""

from celery import shared_task
from django.core.management import call_command
from django.db import OperationalError

from . import services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def enquiries_purge_expired() -> None:
    """Daily: the retention policy (see services.enquiries_purge_expired)."""
    services.enquiries_purge_expired()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def sessions_clear_expired() -> None:
    """Daily: delete expired sessions (Django's `clearsessions`). They hold the
    thank-you page's state, whose private link is encrypted but is still the
    person's, and staff logins. Here because intake is what puts a person's state
    in a session. Idempotent."""
    call_command("clearsessions")
