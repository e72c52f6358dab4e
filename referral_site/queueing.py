"""Queue a Celery task once the transaction commits: the one way every app does it.

The data is committed first and the task carries ids only. If the broker cannot
take the task, the request that made the change must still succeed: the failure is
logged (task name and ids only) and the periodic rounds catch up (beat's sweep opens
missed callbacks; assignment notices are retried by beat's rounds).
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def send_after_commit(task, *args: int) -> None:
    """`task.delay(*args)` after the current transaction commits (at once outside
    one). Never raises: a broker failure is logged, not shown to the person."""

    def send() -> None:
        try:
            task.delay(*args)
        except Exception:  # any broker failure is handled the same way
            logger.warning(
                "Could not queue %s for %s; a periodic round will catch up.",
                task.name,
                ", ".join(f"id {arg}" for arg in args),
                exc_info=True,
            )

    transaction.on_commit(send, robust=True)
