"""Redis (broker on db 0, cache on db 1) stopped, frozen, emptied or full while people
send the form: the form still answers quickly, and nothing is lost once it is back.

The promise (referral_site/settings/base.py): no request waits on the broker for
more than about a second; beat's sweep does what the web could not queue.
"""

import time

import pytest

from harness.polling import wait_until

from .invariants import assert_nothing_lost, rows

pytestmark = pytest.mark.faults
# The most a send may take while Redis is down or frozen: the promise is about a
# second on the broker, and the cache (rate limit) gives up within half of one.
SEND_SECONDS = 2.0


def _assert_answered_at_once_and_saved(stack, outcome, *, redis: str) -> None:
    """The person saw the thank-you page within SEND_SECONDS, and the enquiry is
    in the database, with Redis `redis` (stopped, frozen, full)."""
    assert outcome.accepted, f"{outcome} with Redis {redis}"
    assert outcome.seconds < SEND_SECONDS, (
        f"{outcome}: the send waited on a {redis} Redis"
    )
    assert any(row.token == outcome.token for row in rows(stack))


@pytest.mark.timeout(240)
def test_redis_stopped_at_submit_time(stack):
    person = stack.browser()
    stack.redis.stop()

    page = person.open_form()
    outcome = person.send()

    assert page.status == 200, f"the form answered {page.status} with Redis stopped"
    _assert_answered_at_once_and_saved(stack, outcome, redis="stopped")
    stack.redis.start()
    assert_nothing_lost(stack, [outcome])


@pytest.mark.timeout(240)
def test_redis_frozen_at_submit_time(stack):
    person = stack.browser()
    person.open_form()
    stack.redis.freeze()

    outcome = person.send()

    _assert_answered_at_once_and_saved(stack, outcome, redis="frozen")
    stack.redis.thaw()
    assert_nothing_lost(stack, [outcome])


@pytest.mark.timeout(240)
def test_redis_restarted_empty_while_tasks_are_queued(stack):
    stack.worker.stop()  # nobody takes the tasks: they wait in Redis
    outcomes = [stack.browser().visit_and_send() for _ in range(3)]
    assert all(o.accepted for o in outcomes), [str(o) for o in outcomes]
    wait_until(
        lambda: stack.redis.client().llen("celery") >= 3,
        timeout=10,
        what="the three callback_open tasks to be queued in Redis",
    )

    stack.redis.restart_empty()
    stack.start_worker()

    assert_nothing_lost(stack, outcomes)


@pytest.mark.timeout(240)
def test_redis_at_its_memory_limit(stack):
    before = stack.browser().visit_and_send()
    assert before.accepted, str(before)
    limit = stack.redis.fill_to_the_limit()
    assert stack.redis.client().config_get("maxmemory-policy") == {
        "maxmemory-policy": "noeviction"
    }

    during = [stack.browser().visit_and_send() for _ in range(3)]

    for outcome in during:
        _assert_answered_at_once_and_saved(stack, outcome, redis="full")
    # Room again (what an operator does on the alert): the sweep catches up.
    stack.redis.set_maxmemory(limit * 4)
    assert_nothing_lost(stack, [before, *during])


@pytest.mark.timeout(240)
def test_the_worker_takes_tasks_from_a_full_broker_and_stays_up(stack):
    """kombu refuses to record a received task in a full Redis (OutOfMemoryError)
    and the worker used to exit; now the task runs, untracked, and the worker
    stays (referral_site/kombu_fixes.py)."""
    stack.worker.freeze()  # its BRPOP waits in Redis: the next task is handed to it
    outcomes = [stack.browser().visit_and_send() for _ in range(2)]
    assert all(o.accepted for o in outcomes), [str(o) for o in outcomes]
    limit = stack.redis.fill_to_the_limit()
    # Just under the limit even a small write may pass: go over it, so that the
    # worker's first write on receiving a task is refused, every time.
    used = int(stack.redis.client().info("memory")["used_memory"])
    stack.redis.set_maxmemory(used - 1024 * 1024)
    stack.worker.thaw()

    wait_until(
        lambda: "without redelivery tracking" in stack.log_text("worker"),
        timeout=30,
        what="the worker to take a task from the full broker",
    )
    assert stack.worker.alive(), "the worker exited on a full broker"
    stack.redis.set_maxmemory(limit * 4)
    assert_nothing_lost(stack, outcomes)
    assert stack.worker.alive()


# A reading page with the page cache's Redis frozen: each web worker waits on it
# once (the cache's 0.3 s timeout), then renders without it for a few seconds.
PAGE_SECONDS = 2.0


@pytest.mark.timeout(120)
def test_reading_pages_with_redis_frozen_then_thawed(stack):
    reader = stack.browser()
    kept = reader.request("GET", "/")
    assert kept.status == 200
    stack.redis.freeze()
    time.sleep(1.2)  # past the second for which a worker trusts its generation

    answers = [reader.request("GET", "/") for _ in range(8)]

    assert all(answer.status == 200 for answer in answers), [
        answer.status for answer in answers
    ]
    assert max(answer.seconds for answer in answers) < PAGE_SECONDS
    # Two workers, each waiting once at most, not once a page.
    assert sum(answer.seconds for answer in answers) < 2 * PAGE_SECONDS
    assert "Skip to main content" in answers[-1].body  # the whole page, rendered
    stack.redis.thaw()
    time.sleep(5.5)  # the pause after a failure ends
    assert reader.request("GET", "/").status == 200
