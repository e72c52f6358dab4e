"""The one polling loop: ask until the answer is yes, or say what never happened."""

import time
from collections.abc import Callable


class Timeout(AssertionError):
    """Something did not happen in time: a test failure, with what was waited for."""


def wait_until[T](
    predicate: Callable[[], T], *, timeout: float, what: str, interval: float = 0.1
) -> T:
    """Call `predicate` every `interval` seconds until it returns something true,
    and return that. It is asked at least once, the last time after the deadline
    has passed; then `Timeout` says "Timed out after {timeout}s waiting for
    {what}". What the predicate raises goes straight to the caller."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise Timeout(f"Timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)
