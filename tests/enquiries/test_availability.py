from datetime import date, datetime, time

import pytest
from django.utils import timezone

from enquiries.availability import next_call_slot
from enquiries.models import ClosedDay

pytestmark = pytest.mark.django_db

# Opening hours from the migration: Monday to Friday 9am-8pm, Saturday 10am-4pm.
WEDNESDAY = date(2026, 12, 2)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _slot(after, windows=(), days=()):
    slot = next_call_slot(after=after, windows=list(windows), days=list(days))
    return slot and (timezone.localtime(slot.start), timezone.localtime(slot.end))


def test_with_no_preference_the_slot_is_the_rest_of_todays_opening_hours():
    assert _slot(_at(WEDNESDAY, 10)) == (_at(WEDNESDAY, 9), _at(WEDNESDAY, 20))


def test_after_closing_the_slot_is_the_next_open_day():
    thursday = date(2026, 12, 3)
    assert _slot(_at(WEDNESDAY, 19, 45)) == (_at(thursday, 9), _at(thursday, 20))


def test_the_chosen_window_is_kept_within_opening_hours():
    saturday = date(2026, 12, 5)
    after = _at(WEDNESDAY, 10)

    assert _slot(after, windows=["evening"]) == (_at(WEDNESDAY, 17), _at(WEDNESDAY, 20))
    assert _slot(after, windows=["morning"], days=[5]) == (
        _at(saturday, 10),
        _at(saturday, 12),
    )


def test_sundays_and_closed_days_are_skipped():
    monday, tuesday = date(2026, 12, 7), date(2026, 12, 8)
    ClosedDay.objects.create(date=monday, name="Staff training")

    assert _slot(_at(date(2026, 12, 5), 17)) == (_at(tuesday, 9), _at(tuesday, 20))


def test_christmas_from_the_migration_is_closed():
    boxing_day_substitute = date(2026, 12, 28)
    tuesday = date(2026, 12, 29)

    assert _slot(_at(boxing_day_substitute, 8)) == (_at(tuesday, 9), _at(tuesday, 20))


def test_a_window_the_service_is_never_open_has_no_slot():
    assert _slot(_at(WEDNESDAY, 10), windows=["evening"], days=[5, 6]) is None
