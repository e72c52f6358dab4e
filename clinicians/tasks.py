"""Celery entry points: each takes ids only, calls one service, is safe to rerun."""

from celery import shared_task
from django.db import OperationalError

from . import services

_RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}


@shared_task(**_RETRY)
def callback_open(enquiry_id: int) -> None:
    services.callback_open(enquiry_id=enquiry_id)


@shared_task(
    autoretry_for=(OperationalError, OSError), retry_backoff=True, max_retries=8
)
def callback_notify_assignee(callback_id: int) -> None:
    services.callback_notify_assignee(callback_id=callback_id)


@shared_task(**_RETRY)
def callbacks_sweep() -> None:
    services.callbacks_sweep()
