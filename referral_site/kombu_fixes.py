"""Two patches to kombu 5.7's Redis transport (the newest release), so that a
broker fault delays work and never stops the worker. Each is proved by the faults
suite (tests/faults/test_worker.py, test_redis.py); see docs/nothing-lost.md.

1. The broker connection drops while a task runs: the late ack finds its channel's
   connection gone and raised AttributeError, which the worker treats as
   "Unrecoverable error" and exits. It is a connection error, and now says so: the
   worker logs "Couldn't ack", reconnects and carries on; the message comes back
   after the visibility timeout and finds its work done (tasks are idempotent).
2. The broker is at its memory limit (noeviction): recording a received message
   in the unacked index, or removing it on ack, is refused with OutOfMemoryError,
   and the worker exited. Now the task still runs (untracked: if this worker dies,
   beat's sweep does the work), and a refused ack still frees its prefetch slot
   (else the worker, all its slots held, would take no task again).
"""

import logging
from functools import wraps

import redis
from kombu.transport import redis as kombu_redis
from kombu.transport import virtual

logger = logging.getLogger(__name__)


def _closed_connection_is_a_connection_error(connparams):
    @wraps(connparams)
    def patched(channel, *args, **kwargs):
        if channel.connection is None or channel.connection.client is None:
            raise redis.exceptions.ConnectionError("the broker connection was closed")
        return connparams(channel, *args, **kwargs)

    return patched


def _run_untracked_when_full(append):
    @wraps(append)
    def patched(qos, message, delivery_tag):
        try:
            return append(qos, message, delivery_tag)
        except redis.exceptions.OutOfMemoryError:
            logger.warning(
                "The broker is full: task %s runs without redelivery tracking.",
                delivery_tag,
            )
            return virtual.QoS.append(qos, message, delivery_tag)

    return patched


def _release_the_slot_when_full(ack):
    @wraps(ack)
    def patched(qos, delivery_tag):
        try:
            return ack(qos, delivery_tag)
        except redis.exceptions.OutOfMemoryError:
            # Free the prefetch slot all the same, or the worker, its slots held
            # by acks that never went through, takes no task ever again. A task
            # left in the unacked index comes back later and finds its work done.
            logger.warning(
                "The broker is full: task %s's ack is given up.", delivery_tag
            )
            return virtual.QoS.ack(qos, delivery_tag)

    return patched


def apply() -> None:
    """Patch once, however often it is called."""
    if getattr(kombu_redis.Channel, "_referral_site_patched", False):
        return
    channel, qos = kombu_redis.Channel, kombu_redis.QoS
    channel._connparams = _closed_connection_is_a_connection_error(channel._connparams)
    qos.append = _run_untracked_when_full(qos.append)
    qos.ack = _release_the_slot_when_full(qos.ack)
    channel._referral_site_patched = True
