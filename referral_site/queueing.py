"""Queue a Celery task once the transaction commits: the one way every app does it.

Imports run one way, with none inside a function: an app's `tasks.py` imports its
services at the top, and each task body calls one service. Nothing in the apps
imports a `tasks.py` (Celery finds them). A service or a signal receiver that
queues work calls `send_after_commit` with the task's Celery name, a constant kept
beside the service that sends it
(`articles.services.ARTICLE_IMAGE_MAKE_RENDITIONS_TASK`,
`clinicians.services.queue.CALLBACK_NOTIFY_ASSIGNEE_TASK`), which the task is
registered under (`@shared_task(name=...)`). So services and tasks never form a
cycle. (HackSoft's styleguide has services import tasks, which leaves each task
body importing its service late to break the cycle; this project goes the other
way so that no import is hidden.)

Nothing else calls `.delay()`, `apply_async()`, `send_task()` or
`transaction.on_commit()` to queue a task.

The data is committed first and the task carries ids only. If the broker cannot
take the task, the request that made the change must still succeed: the failure is
logged (task name and ids only) and never raised, and the work is caught up where
it matters (beat's sweep opens missed callbacks; assignment notices are retried by
beat's rounds; a picture without resized copies is shown as uploaded).
"""

import logging
from typing import TypedDict

from celery import Task
from django.db import transaction

from .celery import app

logger = logging.getLogger(__name__)


def send_after_commit(task: str | Task, *args: int) -> None:
    """`task.delay(*args)` after the current transaction commits (at once outside
    one), `task` being a registered task's name (or the task). Never raises: a
    broker failure is logged, not shown to the person."""
    name = task if isinstance(task, str) else task.name

    def send() -> None:
        try:
            registered(task).delay(*args)
        except Exception:  # any broker failure is handled the same way
            logger.warning(
                "Could not queue %s for %s; the change it follows is saved.",
                name,
                ", ".join(f"id {arg}" for arg in args) or "no id",
                exc_info=True,
            )

    transaction.on_commit(send, robust=True)


def registered(task: str | Task) -> Task:
    """The task registered under this name. Celery imports the apps' `tasks.py`
    when a worker starts; a web process has it import them the first time a name
    is not found yet (or at boot: referral_site/warm.py). KeyError for a name no
    app registers."""
    if not isinstance(task, str):
        return task
    if task not in app.tasks:
        app.autodiscover_tasks(force=True)
    return app.tasks[task]


class Retry(TypedDict):
    """Retry options for `shared_task(**...)`: typed, so mypy checks each one."""

    autoretry_for: tuple[type[Exception], ...]
    retry_backoff: bool
    max_retries: int


def retry_on(*errors: type[Exception], max_retries: int = 5) -> Retry:
    """A task's retries, with backoff, when it raises one of `errors`: the
    database gone away (OperationalError) for every task, and a mail server that
    refused or did not answer (OSError) for those that send mail. Every task is
    safe to rerun, so a retry never does the work twice."""
    return {"autoretry_for": errors, "retry_backoff": True, "max_retries": max_retries}
