"""The four promises every faults test ends by checking, on the database and the
SMTP sink directly (counts, ids and references only: what people told us is
encrypted, and never read here).

1. Every accepted send (302 to the thank-you page) is exactly one enquiry row: no
   duplicate for one submission token, none missing, and none from nowhere.
2. Every enquiry row has exactly one callback.
3. Every callback has an assignee, who was told exactly once: assignee_notified_at
   is set and the sink holds exactly one assignment e-mail naming its reference.
4. Nothing is stuck: within the sweep's interval and grace, the lease of a dead
   run's claim, and a margin for the worker to catch up, 2 and 3 hold for every
   row, and still hold a round later.
"""

import contextlib
import email
import email.policy
import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import pytest

from harness.polling import Timeout, wait_until

from .browser import Outcome
from .stack import NOTIFY_LEASE, SWEEP_GRACE, SWEEP_INTERVAL, Stack

_ASSIGNED = "is assigned to you"
_REFERENCE = re.compile(r"\bR-[A-Z0-9]{6}\b")


@dataclass(frozen=True)
class Row:
    enquiry_id: int
    reference: str
    token: str | None
    callbacks: int
    callback_id: int | None
    assigned_to: int | None
    notified: bool


def rows(stack: Stack) -> list[Row]:
    connection = stack.connect()
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT e.id, e.reference, e.submission_token::text,
                       count(c.id), min(c.id), min(c.assigned_to_id),
                       bool_and(c.assignee_notified_at IS NOT NULL)
                FROM enquiries_enquiry e
                LEFT JOIN clinicians_callback c ON c.enquiry_id = e.id
                GROUP BY e.id ORDER BY e.id
                """
            )
            return [Row(*values) for values in cursor.fetchall()]
    finally:
        connection.close()


def assignment_mails(stack: Stack) -> Counter:
    """How many assignment e-mails the sink holds for each reference."""
    found: Counter = Counter()
    for path in stack.sink.message_files():
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.SMTP)
        subject = str(message["Subject"] or "")
        if _ASSIGNED in subject:
            found.update(_REFERENCE.findall(subject)[:1])
    return found


def problems(
    stack: Stack, accepted: list[Outcome], attempted: set[str]
) -> tuple[list[str], str]:
    """What breaks the promises now, and a one-line summary of the counts."""
    table, mails = rows(stack), assignment_mails(stack)
    found: list[str] = []
    by_token = Counter(row.token for row in table)
    reference_of = {row.token: row.reference for row in table}
    for outcome in accepted:
        count = by_token[outcome.token]
        if count != 1:
            found.append(f"(1) accepted {outcome}: {count} enquiry rows")
        elif reference_of[outcome.token] != outcome.reference:
            found.append(f"(1) accepted {outcome}: thank-you page showed another ref")
    strays = [row.enquiry_id for row in table if row.token not in attempted]
    if strays:
        found.append(f"(1) enquiries {strays} match no send the test made")
    known = set()
    for row in table:
        known.add(row.reference)
        name = f"enquiry #{row.enquiry_id} ({row.reference})"
        if row.callbacks != 1:
            found.append(f"(2) {name} has {row.callbacks} callbacks")
        elif row.assigned_to is None:
            found.append(f"(3) {name}: callback #{row.callback_id} has no assignee")
        elif not row.notified:
            found.append(f"(3) {name}: callback #{row.callback_id} not notified")
        if row.callbacks and mails[row.reference] != 1:
            found.append(
                f"(3) {name}: {mails[row.reference]} assignment e-mails in the sink"
            )
    for reference in set(mails) - known:
        found.append(f"(3) {mails[reference]} assignment e-mails for {reference}")
    summary = (
        f"{len(accepted)} accepted sends, {len(attempted)} attempted;"
        f" {len(table)} enquiries, {sum(r.callbacks for r in table)} callbacks,"
        f" {sum(r.notified for r in table if r.callbacks)} notified,"
        f" {sum(mails.values())} assignment e-mails,"
        f" {len(stack.sink.message_files())} messages in the sink"
    )
    return found, summary


def assert_nothing_lost(
    stack: Stack,
    outcomes: Iterable[Outcome],
    *,
    also_attempted: Iterable[str] = (),
    margin: float = 25,
) -> None:
    """Wait up to sweep interval + grace + lease + `margin` seconds for the four
    promises to hold, then check once more a round later (a late duplicate e-mail
    counts)."""
    outcomes = list(outcomes)
    accepted = [o for o in outcomes if o.accepted]
    attempted = {o.token for o in outcomes} | set(also_attempted)
    latest: dict[str, tuple[list[str], str]] = {}

    def promises_hold() -> bool:
        latest["now"] = problems(stack, accepted, attempted)
        return not latest["now"][0]

    started = time.monotonic()
    with contextlib.suppress(Timeout):  # what still breaks them is failed below
        wait_until(
            promises_hold,
            timeout=SWEEP_INTERVAL + SWEEP_GRACE + NOTIFY_LEASE + margin,
            what="the four promises to hold",
            interval=0.5,
        )
    waited = time.monotonic() - started
    found, summary = latest["now"]
    if not found:
        time.sleep(SWEEP_INTERVAL + 1.5)
        found, summary = problems(stack, accepted, attempted)
    if found:
        shown = "\n".join(found[:25])
        more = f"\n...and {len(found) - 25} more" if len(found) > 25 else ""
        pytest.fail(
            f"(4) still broken after {waited:.0f}s: {summary}\n{shown}{more}",
            pytrace=False,
        )
