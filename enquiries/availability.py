"""When a clinician can call: the service's opening hours, its closed days, and the
times and days the person said are safe."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import dateformat, timezone

from articles.page_cache import kept_lookup

from .models import CallWindow, ClosedDay, OpeningHours, Weekday

WINDOW_TIMES: dict[str, tuple[time, time]] = {
    CallWindow.MORNING: (time(9), time(12)),
    CallWindow.AFTERNOON: (time(12), time(17)),
    CallWindow.EVENING: (time(17), time(20)),
}
# No slot ends within this long of now: nobody can be called in the last minutes.
MINIMUM_LEAD = timedelta(minutes=30)
HORIZON_DAYS = 21


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime


# Within `read_once()`, what has been read of the opening hours and closed days,
# and whether it may come from this process's memory.
_read: ContextVar[dict | None] = ContextVar("availability_read", default=None)
_KEPT = "kept"


@contextmanager
def read_once(*, kept: bool = True) -> Iterator[None]:
    """Inside this block, the opening hours and each range of closed days are read
    once: for a page that asks several questions of them (is it open, when does it
    open, the week in words). For a page (`kept`) they come from this process's
    memory while the page generation stands (a change to either raises it:
    articles/page_cache.py, wired in apps.py), as the footer's hours do. With
    `kept=False`, as for a callback's due time, they are read from the database
    once for the block, never from memory. Outside a block, every call reads the
    database afresh. A block inside another shares what the outer one read, unless
    the outer one may read from memory and the inner one may not."""
    outer = _read.get()
    if outer is not None and (kept or not outer[_KEPT]):
        yield
        return
    token = _read.set({_KEPT: kept})
    try:
        yield
    finally:
        _read.reset(token)


def _once[T](name: str, key: str, read: Callable[[], T]) -> T:
    """`read()`, once for the current `read_once()` block (and from memory when
    the block allows it); every time outside one."""
    block = _read.get()
    if block is None:
        return read()
    if (name, key) not in block:
        block[name, key] = kept_lookup(name, key, read) if block[_KEPT] else read()
    return block[name, key]


def _opening_rows() -> list[OpeningHours]:
    return _once("opening-hours", "all", lambda: list(OpeningHours.objects.all()))


def _closed_days(first: date, last: date) -> set[date]:
    def closed() -> set[date]:
        return set(
            ClosedDay.objects.filter(date__range=(first, last)).values_list(
                "date", flat=True
            )
        )

    return _once("closed-days", f"{first}:{last}", closed)


def _weekly_hours() -> dict[int, tuple[time, time]]:
    return {row.weekday: (row.opens, row.closes) for row in _opening_rows()}


def call_slots(
    *, after: datetime, windows: list[str], days: list[int]
) -> Iterator[Slot]:
    """The time ranges, in order from `after` for HORIZON_DAYS, that are inside
    opening hours, not on a closed day, and on one of `days` inside one of `windows`
    (empty lists mean any)."""
    hours = _weekly_hours()
    local = timezone.localtime(after)
    horizon = local.date() + timedelta(days=HORIZON_DAYS)
    closed = _closed_days(local.date(), horizon)
    for offset in range(HORIZON_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        weekday = day.weekday()
        if day in closed or weekday not in hours or (days and weekday not in days):
            continue
        opens, closes = hours[weekday]
        ranges = (
            sorted(WINDOW_TIMES[w] for w in windows) if windows else [(opens, closes)]
        )
        for window_start, window_end in ranges:
            start, end = max(window_start, opens), min(window_end, closes)
            if start >= end:
                continue
            slot = Slot(_at(day, start), _at(day, end))
            if slot.end - MINIMUM_LEAD > after:
                yield slot


def next_call_slot(
    *, after: datetime, windows: list[str], days: list[int]
) -> Slot | None:
    """The first of `call_slots`, or None when there is none within the horizon."""
    return next(call_slots(after=after, windows=windows, days=days), None)


@dataclass(frozen=True)
class CallPlan:
    """When a callback's clock starts and when the call is due.

    `starts_at` is the next moment the service can call: the arrival itself when it
    comes in a safe, open time, else the start of the first such time (opening, or
    the start of the person's safe window)."""

    arrived_at: datetime
    starts_at: datetime
    due_at: datetime

    @property
    def waits_for_opening(self) -> bool:
        """Nobody can call yet: it came out of hours, or outside its safe times."""
        return self.starts_at > self.arrived_at


def call_plan(
    *, after: datetime, minutes: int, windows: list[str], days: list[int]
) -> CallPlan:
    """The target of `minutes`, counted from the next moment the service can call
    and kept inside the safe, open times: due at the target if it falls in one,
    else at the end of the last safe time that begins before it.

    So a shorter target is never due later than a longer one sent at the same time
    (an urgent callback never waits behind a routine one), and an enquiry that
    arrives out of hours is due `minutes` after opening, not at the end of the next
    open day. With no safe time within HORIZON_DAYS, the target from arrival."""
    slots = call_slots(after=after, windows=windows, days=days)
    first = next(slots, None)
    if first is None:
        return CallPlan(after, after, after + timedelta(minutes=minutes))
    starts = max(after, first.start)
    target = starts + timedelta(minutes=minutes)
    due = min(first.end, target)
    for slot in slots:
        if slot.start >= target:
            break
        due = min(slot.end, target)
    return CallPlan(after, starts, due)


def opening_hours_summary() -> list[str]:
    """'Monday 9am to 8pm', a line a weekday the service is open."""
    return [
        f"{row.get_weekday_display()} {_clock(row.opens)} to {_clock(row.closes)}"
        for row in _opening_rows()
    ]


def _opening_periods(after: datetime) -> Iterator[Slot]:
    """Each open day's opening hours, in order, from the one `after` falls in (or
    the next) to the horizon."""
    # call_slots leaves out a slot that ends within MINIMUM_LEAD of its `after`:
    # asked from that much earlier, it keeps every period not yet over at `after`.
    return call_slots(after=after - MINIMUM_LEAD, windows=[], days=[])


def open_period(at: datetime) -> Slot | None:
    """The opening hours `at` falls inside (start included, end not), or None when
    the service is closed then: out of hours, a weekday it never opens, a closed day."""
    period = next(_opening_periods(at), None)
    return period if period is not None and period.start <= at else None


def is_open(at: datetime) -> bool:
    """Whether `at` is inside opening hours on a day the service is not closed."""
    return open_period(at) is not None


def next_opening(after: datetime) -> datetime | None:
    """The next moment the service opens, at or after `after`, skipping closed days;
    None when it does not open within HORIZON_DAYS. While it is open this is the
    next day's opening, not the one already passed."""
    return next((p.start for p in _opening_periods(after) if p.start >= after), None)


def open_from(at: datetime) -> datetime:
    """`at` itself while the service is open, else its next opening (or `at` when
    it does not open within HORIZON_DAYS, so nothing waits for ever)."""
    return at if is_open(at) else (next_opening(at) or at)


def opening_hours_in_words() -> str:
    """'We are open Monday to Friday 9am to 8pm and Saturday 10am to 4pm. We are
    closed on Sundays and bank holidays.' Days in a row with the same hours are
    said once. '' when no opening hours are set."""
    runs: list[list[OpeningHours]] = []
    for row in _opening_rows():
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and row.weekday == last.weekday + 1
            and (row.opens, row.closes) == (last.opens, last.closes)
        ):
            runs[-1].append(row)
        else:
            runs.append([row])
    if not runs:
        return ""
    open_days = [
        _days(run[0], run[-1]) + f" {_clock(run[0].opens)} to {_clock(run[0].closes)}"
        for run in runs
    ]
    open_weekdays = {row.weekday for run in runs for row in run}
    closed = [f"{day.label}s" for day in Weekday if day not in open_weekdays]
    return (
        f"We are open {_and(open_days)}."
        f" We are closed on {_and([*closed, 'bank holidays'])}."
    )


def clock_in_words(at: datetime) -> str:
    """'9am', '5:30pm': the local time of day of `at`."""
    return _clock(timezone.localtime(at).time())


def when_in_words(at: datetime, *, now: datetime) -> str:
    """'9am today' when `at` is on the same local day as `now`, else '9am on
    Thursday 3 December' (never 'tomorrow', which is unclear just after midnight)."""
    return f"{clock_in_words(at)} {day_in_words(at, now=now)}"


def day_in_words(at: datetime, *, now: datetime) -> str:
    """'today' when `at` is on the same local day as `now`, else 'on Thursday 3
    December': the service's clock, never the server's (naturalday reads that)."""
    local = timezone.localtime(at)
    if local.date() == timezone.localtime(now).date():
        return "today"
    return f"on {dateformat.format(local, 'l j F')}"


def _days(first: OpeningHours, last: OpeningHours) -> str:
    if first.weekday == last.weekday:
        return first.get_weekday_display()
    return f"{first.get_weekday_display()} to {last.get_weekday_display()}"


def _and(items: list[str]) -> str:
    return " and ".join(filter(None, [", ".join(items[:-1]), items[-1]]))


def _at(day: date, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


def _clock(moment: time) -> str:
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if not moment.minute else f"{hour}:{moment:%M}{suffix}"
