"""Celery entry points for intake: each calls one service and is safe to rerun."""

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def enquiries_purge_expired() -> None:
    """Daily: the retention policy (see services.enquiries_purge_expired)."""
    services.enquiries_purge_expired()
