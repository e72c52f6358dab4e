"""How long something took or has left, in words, as staff say it: "32 minutes",
"1 hour 5 minutes", "2 days", never a timedelta's "0:31:56.525107"."""

from datetime import timedelta

_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
_WEEK = 7 * _DAY


def duration_words(delta: timedelta) -> str:
    """`delta` in words, to the precision that matters at its size: the nearest
    minute under a day, the nearest hour under a week, then the nearest day.

    The sign is ignored: the caller says "overdue by" or "left" around it.
    """
    seconds = abs(delta.total_seconds())
    # Round each unit from the whole, half up, before splitting it: 23 hours
    # 59 minutes 40 seconds is "1 day", not "23 hours 60 minutes".
    minutes = _rounded(seconds, _MINUTE)
    if minutes == 0:
        return "under a minute"
    if minutes < 60:
        return _count(minutes, "minute")
    if minutes < 24 * 60:
        return _pair(*divmod(minutes, 60), "hour", "minute")
    if seconds < _WEEK - _HOUR / 2:
        return _pair(*divmod(_rounded(seconds, _HOUR), 24), "day", "hour")
    return _count(_rounded(seconds, _DAY), "day")


def _rounded(seconds: float, unit: int) -> int:
    # Half up, as people round; Python's round() rounds half to even.
    return int(seconds / unit + 0.5)


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"


def _pair(big: int, small: int, big_unit: str, small_unit: str) -> str:
    said = _count(big, big_unit)
    return f"{said} {_count(small, small_unit)}" if small else said
