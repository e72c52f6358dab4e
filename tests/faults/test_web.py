"""The web process killed between the commit and the queueing: Redis is frozen, so
queueing the callback after the commit hangs (up to the broker timeout), and in that
moment gunicorn's workers are SIGKILLed. The enquiry is saved and no task was ever
sent: beat's sweep must open its callback."""

import contextlib
import os
import signal
import threading

import pytest

from harness.polling import Timeout, wait_until

from .invariants import assert_nothing_lost, rows

pytestmark = pytest.mark.faults
TRIES = 3


def _send_and_kill_after_commit(stack):
    """Send a form; as soon as its enquiry is committed, SIGKILL every gunicorn
    worker. Returns the outcome and whether the kill came between the commit and
    the response (the enquiry saved, the person answered nothing)."""
    person = stack.browser()
    assert person.open_form().status == 200
    answers = person.answers()
    token = answers["submission_token"]
    result = {}
    sending = threading.Thread(target=lambda: result.update(sent=person.send(answers)))
    sending.start()
    with contextlib.suppress(Timeout):  # no row in time: the outcome says why
        wait_until(
            lambda: any(row.token == token for row in rows(stack)) or "sent" in result,
            timeout=15,
            what="the enquiry to be committed",
            interval=0.01,
        )
    if "sent" not in result:
        for pid in stack.web_workers():
            os.kill(pid, signal.SIGKILL)
    sending.join(timeout=60)
    outcome = result["sent"]
    saved = any(row.token == token for row in rows(stack))
    return outcome, saved and not outcome.accepted


@pytest.mark.timeout(300)
def test_web_killed_between_commit_and_queueing(stack):
    stack.redis.freeze()
    outcomes, killed = [], False
    for _try in range(TRIES):
        outcome, killed = _send_and_kill_after_commit(stack)
        outcomes.append(outcome)
        if killed:
            break
        stack.wait_for_web()

    assert killed, (
        f"in {TRIES} tries the kill never came between commit and response:"
        f" {[str(o) for o in outcomes]}"
    )
    stack.redis.thaw()
    stack.wait_for_web()  # gunicorn's master starts new workers
    assert_nothing_lost(stack, outcomes)
