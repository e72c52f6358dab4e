"""The mail server refuses for a while (451 to every RCPT and DATA), then recovers:
the assignee is e-mailed exactly once, after the recovery."""

import pytest

from harness.polling import wait_until

from .invariants import assert_nothing_lost

pytestmark = pytest.mark.faults


@pytest.mark.timeout(240)
def test_mail_server_refuses_then_recovers(stack):
    stack.sink.refuse()

    outcome = stack.browser().visit_and_send()

    assert outcome.accepted, str(outcome)
    wait_until(
        lambda: stack.sink.refusal_count() >= 2,
        timeout=45,
        what="the assignment e-mail to be refused twice (a retry after the first)",
    )
    assert stack.sink.message_files() == []
    stack.sink.refuse(False)
    assert_nothing_lost(stack, [outcome])


@pytest.mark.timeout(240)
def test_a_frozen_mail_server_never_delays_opening_a_callback(stack):
    # Frozen (SIGSTOP), the server takes connections and never answers: each send
    # waits for the SMTP timeout (10 s). E-mail has a worker of its own, so the
    # people who write meanwhile still get their callbacks opened, and assigned,
    # at once; their clinicians are e-mailed once the server is back.
    stack.sink.process.freeze()
    try:
        outcomes = []
        for _ in range(4):
            outcomes.append(stack.browser().visit_and_send())
            assert outcomes[-1].accepted, str(outcomes[-1])
            references = {outcome.reference for outcome in outcomes}
            wait_until(
                lambda sent=references: stack.assigned(sent) == sent,
                timeout=5,
                what="each callback to be assigned while the mail server is frozen",
            )
    finally:
        stack.sink.process.thaw()
    assert_nothing_lost(stack, outcomes)
