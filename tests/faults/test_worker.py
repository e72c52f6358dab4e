"""A worker killed, or cut off from the broker, in the middle of a task.

The task caught mid-way is the assignment e-mail, on the mail worker: the SMTP sink
holds its RCPT unanswered (`sink.slow()`), so the kill lands while the send is in
progress and before the message is accepted. Tasks are acked late and rejected when
their worker is lost, and the notification claim rolls back with the killed
transaction: the assignee must still be e-mailed, exactly once.
"""

import os
import signal
import time

import pytest

from harness.polling import wait_until
from harness.processes import pid_with_local_port

from .invariants import assert_nothing_lost

pytestmark = pytest.mark.faults


def _mid_send(stack):
    """Send the form with the mail server holding every send; return the outcome
    once the assignment e-mail is caught mid-send."""
    stack.sink.slow()
    outcome = stack.browser().visit_and_send()
    assert outcome.accepted, str(outcome)
    port = wait_until(
        stack.sink.busy_client_port,
        timeout=30,
        what="the assignment e-mail to reach the mail server",
    )
    return outcome, port


@pytest.mark.timeout(240)
def test_a_pool_process_killed_mid_task(stack):
    outcome, port = _mid_send(stack)
    pool = stack.pool(stack.mail_worker)
    victim = pid_with_local_port(port, pool)
    assert victim, f"no pool process of {pool} holds the SMTP connection"

    os.kill(victim, signal.SIGKILL)
    stack.sink.slow(False)

    wait_until(
        lambda: "SIGKILL" in stack.log_text("mail-worker"),
        timeout=15,
        what="the mail worker to see its pool process killed",
    )
    assert_nothing_lost(stack, [outcome])
    assert stack.mail_worker.alive(), "the worker exited after losing a pool process"


@pytest.mark.timeout(240)
def test_the_whole_worker_killed_mid_task_then_restarted(stack):
    outcome, _port = _mid_send(stack)

    # SIGKILL, the main processes and their pools, no goodbyes: both workers.
    stack.mail_worker.kill()
    stack.worker.kill()
    stack.sink.slow(False)
    later = stack.browser().visit_and_send()  # while no worker runs at all
    assert later.accepted, str(later)
    stack.start_worker()
    stack.start_worker(stack.mail_worker)

    assert_nothing_lost(stack, [outcome, later])


@pytest.mark.timeout(240)
def test_the_worker_recovers_after_the_broker_drops_mid_task(stack):
    """The issue saw the worker exit with "Unrecoverable error" here; whatever the
    worker does, later enquiries must still get their callbacks."""
    first, _port = _mid_send(stack)

    stack.redis.stop()
    time.sleep(2)  # long enough for the worker to notice the connection gone
    stack.redis.start()  # empty: what was queued is gone, the sweep must cover it
    stack.sink.slow(False)  # held for less than the claim's lease
    time.sleep(3)
    later = [stack.browser().visit_and_send() for _ in range(2)]

    assert all(outcome.accepted for outcome in later), [str(o) for o in later]
    assert_nothing_lost(stack, [first, *later])
    assert stack.worker.alive(), "the worker exited after the broker connection drop"
    assert stack.mail_worker.alive(), "the mail worker exited after the drop"


def _pool_backends(stack) -> set[int]:
    """The PostgreSQL server processes serving the callbacks worker's pool."""
    found = stack.rows(
        "SELECT pid, client_port FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    pool = stack.pool()
    return {pid for pid, port in found if port and pid_with_local_port(port, pool)}


def _sent_and_assigned(stack):
    outcome = stack.browser().visit_and_send()
    assert outcome.accepted, str(outcome)
    wait_until(
        lambda: stack.assigned([outcome.reference]),
        timeout=30,
        what="the callback to be assigned",
    )
    return outcome


@pytest.mark.timeout(240)
def test_the_worker_keeps_its_database_connection_between_tasks(stack):
    # Celery's Django fixup would close it after every task: a new connection, and
    # a new PostgreSQL process, for each. Kept as a request keeps it (CONN_MAX_AGE,
    # checked before use), the server processes that served one callback serve
    # the next ones.
    first = _sent_and_assigned(stack)
    before = _pool_backends(stack)
    later = [_sent_and_assigned(stack) for _ in range(3)]

    assert before, "no pool process kept a connection after its task"
    assert before & _pool_backends(stack)
    assert_nothing_lost(stack, [first, *later])
