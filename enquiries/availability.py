"""When a clinician can call: the service's opening hours, its closed days, and the
times and days the person said are safe."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from .models import CallWindow, ClosedDay, OpeningHours

WINDOW_TIMES = {
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


def _weekly_hours() -> dict[int, tuple[time, time]]:
    return {row.weekday: (row.opens, row.closes) for row in OpeningHours.objects.all()}


def call_slots(
    *, after: datetime, windows: list[str], days: list[int]
) -> Iterator[Slot]:
    """The time ranges, in order from `after` for HORIZON_DAYS, that are inside
    opening hours, not on a closed day, and on one of `days` inside one of `windows`
    (empty lists mean any)."""
    hours = _weekly_hours()
    local = timezone.localtime(after)
    horizon = local.date() + timedelta(days=HORIZON_DAYS)
    closed = set(
        ClosedDay.objects.filter(date__range=(local.date(), horizon)).values_list(
            "date", flat=True
        )
    )
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


def opening_hours_summary() -> list[str]:
    """'Monday 9am to 8pm', a line a weekday the service is open."""
    return [
        f"{row.get_weekday_display()} {_clock(row.opens)} to {_clock(row.closes)}"
        for row in OpeningHours.objects.all()
    ]


def _at(day: date, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


def _clock(moment: time) -> str:
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if not moment.minute else f"{hour}:{moment:%M}{suffix}"
