"""Two hundred people send the form at once, each from their own browser (their own
cookie jar), on the production shape: gunicorn with two workers, a prefork worker
with two processes."""

import statistics
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from .invariants import assert_nothing_lost

pytestmark = pytest.mark.faults
PEOPLE = 200


@pytest.fixture
def stack_options() -> dict[str, str]:
    # Every test client is 127.0.0.1, and the limit counts per address.
    return {"ENQUIRY_RATE_LIMIT": f"{PEOPLE * 10}/h"}


@pytest.mark.timeout(420)
def test_200_people_send_at_once(stack):
    people = [stack.browser() for _ in range(PEOPLE)]
    ready = threading.Barrier(PEOPLE, timeout=180)

    def visit(person):
        page = person.open_form()
        ready.wait()  # every form is open: now they all press send
        if page.status != 200:
            return None
        return person.send()

    with ThreadPoolExecutor(PEOPLE) as pool:
        outcomes = list(pool.map(visit, people))

    sent = [o for o in outcomes if o is not None]
    assert len(sent) == PEOPLE, f"{PEOPLE - len(sent)} forms did not open"
    refused = [str(o) for o in sent if not o.accepted]
    seconds = sorted(o.seconds for o in sent)
    timing = (
        f"median {statistics.median(seconds):.2f}s,"
        f" slowest {seconds[-1]:.2f}s for {PEOPLE} sends at once"
    )
    assert not refused, f"{len(refused)} not accepted ({timing}): {refused[:10]}"
    assert_nothing_lost(stack, sent, margin=120)
