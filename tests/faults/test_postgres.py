"""PostgreSQL restarted while people send the form: nothing half-saved, a 503 page
with the emergency numbers (not a bare 500) while it is down, and sends work again
once it is back."""

import threading
import time

import pytest

from harness.polling import wait_until

from .invariants import assert_nothing_lost

pytestmark = pytest.mark.faults
# What the outage page must still tell a person in trouble.
EMERGENCY_NUMBERS = ("999", "111")
THANKS_DURING_OUTAGE = "If you have just sent us your message, it has reached us"


def _traffic(stack, sent: list, stop: threading.Event) -> None:
    """One person after another opens the form and sends it, until told to stop;
    each outcome with the moment it came back."""
    while not stop.is_set():
        outcome = stack.browser().visit_and_send()
        sent.append((time.monotonic(), outcome))
        time.sleep(0.05)


@pytest.mark.timeout(300)
def test_postgres_restarted_during_traffic(stack):
    waiting = stack.browser()  # has the form open when the database goes
    assert waiting.open_form().status == 200
    answers = waiting.answers()
    thanked = stack.browser()  # sent, and on the way to the thank-you page
    assert thanked.open_form().status == 200
    just_sent = thanked.send(follow=False)
    assert just_sent.status == 302, just_sent
    sent: list = []
    stop = threading.Event()
    traffic = threading.Thread(target=_traffic, args=(stack, sent, stop))
    traffic.start()
    try:
        time.sleep(2)
        stack.cluster.stop("fast")  # in-flight transactions are cut off
        during = waiting.send(answers)
        thanked.read_thanks(just_sent)
        time.sleep(3)
        stack.cluster.start()
        back = time.monotonic()
        time.sleep(1)
        after = waiting.send(answers)  # the same form, sent again once it is back
        time.sleep(2)
    finally:
        stop.set()
        traffic.join(timeout=60)
        stack.cluster.ensure_running()

    assert during.status == 503, f"{during} while PostgreSQL was down"
    for number in EMERGENCY_NUMBERS:
        assert number in during.body, f"the outage page does not show {number}"
    # What they typed comes back to them on the page, ready to send again.
    assert 'id="answers-kept"' in during.body, "the outage page lost the answers"
    assert f'value="{answers["submission_token"]}"' in during.body
    assert f'value="{answers["message"]}"' in during.body
    assert after.accepted, f"{after} once PostgreSQL was back"
    outcomes = [outcome for _at, outcome in sent]
    assert just_sent.thanks_status == 503, f"{just_sent} while PostgreSQL was down"
    for outcome in [just_sent, *outcomes]:
        # Sent just before the stop, its thank-you page read while PostgreSQL
        # was down: that page says it reached us, and a reload shows the rest.
        if outcome.status == 302 and outcome.thanks_status == 503:
            assert THANKS_DURING_OUTAGE in outcome.thanks_body, outcome
            outcome.browser.read_thanks(outcome)
            assert outcome.accepted, f"{outcome} on a reload once PostgreSQL was back"
    assert "/get-help/withdraw/" in just_sent.thanks_body, "the private link was lost"
    bad = [str(o) for o in outcomes if not o.accepted and o.status != 503]
    assert not bad, f"answers other than 302 or 503 during the restart: {bad}"
    assert any(o.accepted for at, o in sent if at > back), "no send worked again"
    assert_nothing_lost(stack, [*outcomes, just_sent, during, after])


@pytest.mark.timeout(180)
def test_readers_keep_getting_kept_pages_while_postgres_is_down(stack):
    def read_at_once(count: int) -> list:
        answers: list = []
        threads = [
            threading.Thread(
                target=lambda: answers.append(stack.browser().request("GET", "/"))
            )
            for _ in range(count)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        return answers

    # Both web workers keep the page and read the generation. One still booting
    # while the other answered every read would know no generation once the
    # database is gone, and could only answer 503 (nothing may say what is current).
    def both_workers_kept_it() -> bool:
        assert all(answer.status == 200 for answer in read_at_once(4))
        return set(stack.web_workers()) <= stack.answered_by("GET / HTTP/1.1")

    wait_until(both_workers_kept_it, timeout=30, what="both web workers to answer")
    try:
        stack.cluster.stop("fast")
        time.sleep(1.5)  # past the second for which a worker trusts its generation
        during = read_at_once(4) + read_at_once(4)
    finally:
        stack.cluster.ensure_running()

    # Nothing can change while the database is down: the kept page still holds.
    assert [answer.status for answer in during] == [200] * 8
    assert all("Skip to main content" in answer.body for answer in during)
