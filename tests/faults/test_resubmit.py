"""The same form sent more than once: a double click (two sends at once), back and
send again, and the very same POST replayed five times at once. Each form (one
submission token) is one enquiry, one callback and one e-mail."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from .invariants import assert_nothing_lost, rows

pytestmark = pytest.mark.faults


def _at_once(person, answers: dict, times: int) -> list:
    with ThreadPoolExecutor(times) as pool:
        return list(pool.map(lambda _: person.send(answers), range(times)))


@pytest.mark.timeout(240)
def test_double_submit_back_and_resubmit_and_replay(stack):
    double_click = stack.browser()
    double_click.open_form()
    doubled = _at_once(double_click, double_click.answers(), 2)

    went_back = stack.browser()
    went_back.open_form()
    answers = went_back.answers()
    first = went_back.send(answers)  # and the thank-you page is shown
    again = went_back.send(answers)  # back to the page the browser kept; send again

    replayer = stack.browser()
    replayer.open_form()
    replayed = _at_once(replayer, replayer.answers(), 5)

    groups = {"double click": doubled, "resubmit": [first, again], "replay": replayed}
    for name, outcomes in groups.items():
        assert all(o.accepted for o in outcomes), (name, [str(o) for o in outcomes])
        references = {o.reference for o in outcomes}
        assert len(references) == 1, f"{name}: thank-you pages showed {references}"
    assert_nothing_lost(stack, [*doubled, first, again, *replayed])
    assert len(rows(stack)) == 3
