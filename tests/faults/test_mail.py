"""The mail server refuses for a while (451 to every RCPT and DATA), then recovers:
the assignee is e-mailed exactly once, after the recovery."""

import pytest

from .invariants import assert_nothing_lost
from .processes import wait_for

pytestmark = pytest.mark.faults


@pytest.mark.timeout(240)
def test_mail_server_refuses_then_recovers(stack):
    stack.sink.refuse()

    outcome = stack.browser().visit_and_send()

    assert outcome.accepted, str(outcome)
    wait_for(
        lambda: stack.sink.refusal_count() >= 2,
        timeout=45,
        what="the assignment e-mail to be refused twice (a retry after the first)",
    )
    assert stack.sink.message_files() == []
    stack.sink.refuse(False)
    assert_nothing_lost(stack, [outcome])
