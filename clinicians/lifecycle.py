"""Which status may follow which. One table, so the admin, services and tests agree.

new -> assigned -> in progress -> attempted (no answer / voicemail / wrong number)
-> contacted -> closed with an outcome. A callback can close from any open status
(the person withdrew, or was unreachable after the set number of tries).
"""

from .models import Status

ALLOWED: dict[str, set[str]] = {
    Status.NEW: {Status.ASSIGNED, Status.CLOSED},
    Status.ASSIGNED: {Status.NEW, Status.IN_PROGRESS, Status.ATTEMPTED,
                      Status.CONTACTED, Status.CLOSED},
    Status.IN_PROGRESS: {Status.ATTEMPTED, Status.CONTACTED, Status.CLOSED},
    Status.ATTEMPTED: {Status.IN_PROGRESS, Status.ATTEMPTED, Status.CONTACTED,
                       Status.CLOSED},
    Status.CONTACTED: {Status.CONTACTED, Status.CLOSED},
    Status.CLOSED: set(),
}  # fmt: skip


class IllegalTransition(Exception):
    """A change the lifecycle does not allow; its message says why, for staff."""


def check_transition(current: str, new: str) -> None:
    if new not in ALLOWED[current]:
        raise IllegalTransition(
            f"A callback that is {Status(current).label.lower()} cannot become"
            f" {Status(new).label.lower()}."
        )
