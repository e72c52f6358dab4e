from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from articles import page_cache
from enquiries.availability import (
    HORIZON_DAYS,
    clock_in_words,
    day_in_words,
    is_open,
    next_call_slot,
    next_opening,
    open_period,
    opening_hours_in_words,
    read_once,
    when_in_words,
)
from enquiries.models import ClosedDay, OpeningHours

pytestmark = pytest.mark.django_db

# Opening hours from the migration: Monday to Friday 9am-8pm, Saturday 10am-4pm.
WEDNESDAY = date(2026, 12, 2)
THURSDAY, SATURDAY, SUNDAY = date(2026, 12, 3), date(2026, 12, 5), date(2026, 12, 6)
MONDAY = date(2026, 12, 7)
CHRISTMAS_EVE, CHRISTMAS_DAY = date(2026, 12, 24), date(2026, 12, 25)  # Thu, Fri


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


# --- open now, and when we next open ---


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (_at(WEDNESDAY, 8, 59), False),
        (_at(WEDNESDAY, 9), True),  # opening time is open
        (_at(WEDNESDAY, 19, 59), True),  # open, even if too late for a call
        (_at(WEDNESDAY, 20), False),  # closing time is closed
        (_at(SATURDAY, 10), True),
        (_at(SATURDAY, 16), False),
        (_at(SUNDAY, 12), False),
        (_at(CHRISTMAS_DAY, 12), False),  # a bank holiday from the migration
    ],
)
def test_is_open_inside_opening_hours_on_a_day_that_is_not_closed(moment, open_):
    assert is_open(moment) is open_


def test_a_closed_day_added_in_the_admin_is_not_open():
    ClosedDay.objects.create(date=WEDNESDAY, name="Staff training")

    assert not is_open(_at(WEDNESDAY, 12))
    assert next_opening(_at(WEDNESDAY, 8)) == _at(THURSDAY, 9)


def test_the_open_period_is_todays_opening_hours():
    period = open_period(_at(SATURDAY, 11))

    assert (period.start, period.end) == (_at(SATURDAY, 10), _at(SATURDAY, 16))
    assert open_period(_at(SATURDAY, 17)) is None


@pytest.mark.parametrize(
    ("after", "opens"),
    [
        (_at(WEDNESDAY, 7), _at(WEDNESDAY, 9)),
        (_at(WEDNESDAY, 9), _at(WEDNESDAY, 9)),
        (_at(WEDNESDAY, 10), _at(THURSDAY, 9)),  # open now: the next opening
        (_at(WEDNESDAY, 21), _at(THURSDAY, 9)),
        (_at(SATURDAY, 9), _at(SATURDAY, 10)),  # Saturday opens later
        (_at(SATURDAY, 17), _at(MONDAY, 9)),  # over Sunday
        (_at(SUNDAY, 23, 59), _at(MONDAY, 9)),
        (_at(CHRISTMAS_EVE, 21), _at(date(2026, 12, 26), 10)),  # over Christmas Day
        # Over Sunday and the Boxing Day bank holiday, moved to Monday.
        (_at(date(2026, 12, 26), 17), _at(date(2026, 12, 29), 9)),
    ],
)
def test_next_opening_skips_closed_days(after, opens):
    assert next_opening(after) == opens


def test_next_opening_is_none_when_we_do_not_open_within_the_horizon():
    for offset in range(HORIZON_DAYS + 1):
        ClosedDay.objects.get_or_create(
            date=THURSDAY + timedelta(days=offset), defaults={"name": "Closed"}
        )

    assert next_opening(_at(WEDNESDAY, 21)) is None


# --- in words ---


def test_the_opening_hours_in_words_say_each_run_of_days_once():
    assert opening_hours_in_words() == (
        "We are open Monday to Friday 9am to 8pm and Saturday 10am to 4pm."
        " We are closed on Sundays and bank holidays."
    )


def test_the_opening_hours_in_words_follow_the_admin():
    OpeningHours.objects.filter(weekday=2).update(closes=time(17, 30))
    OpeningHours.objects.filter(weekday=5).delete()

    assert opening_hours_in_words() == (
        "We are open Monday to Tuesday 9am to 8pm, Wednesday 9am to 5:30pm and"
        " Thursday to Friday 9am to 8pm. We are closed on Saturdays, Sundays and"
        " bank holidays."
    )
    OpeningHours.objects.all().delete()
    assert opening_hours_in_words() == ""


def test_times_in_words_say_today_or_the_day_and_date():
    now = _at(WEDNESDAY, 21)

    assert clock_in_words(_at(WEDNESDAY, 17, 30)) == "5:30pm"
    assert when_in_words(_at(WEDNESDAY, 9), now=now) == "9am today"
    assert when_in_words(_at(THURSDAY, 9), now=now) == "9am on Thursday 3 December"
    assert when_in_words(_at(MONDAY, 12), now=now) == "12pm on Monday 7 December"


def test_days_are_named_on_the_services_clock_never_as_tomorrow():
    wednesday_night = _at(date(2026, 12, 2), 23, 30)
    thursday = _at(date(2026, 12, 3), 9)

    assert day_in_words(thursday, now=wednesday_night) == "on Thursday 3 December"
    assert day_in_words(thursday, now=thursday) == "today"


def test_a_page_reads_the_hours_once_and_the_next_page_sees_a_change(
    django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(page_cache, "GENERATION_CHECK_SECONDS", 3600)
    page_cache.forget_local()
    wednesday_noon = _at(WEDNESDAY, 12)
    # The page generation, the hours, the closed days: once for the whole page.
    with django_assert_num_queries(3), read_once():
        assert is_open(wednesday_noon)
        assert next_opening(wednesday_noon) == _at(THURSDAY, 9)
        assert opening_hours_in_words().startswith("We are open Monday to Friday")
    with django_assert_num_queries(0), read_once():  # kept, until a change
        assert is_open(wednesday_noon)

    ClosedDay.objects.create(date=WEDNESDAY, name="Staff training")

    with read_once():  # the next page: the new closed day counts at once
        assert not is_open(wednesday_noon)
    with django_assert_num_queries(2):  # outside a page, every call reads
        assert not is_open(wednesday_noon)


def test_a_callbacks_due_time_reads_the_hours_once_and_never_from_memory(
    django_assert_num_queries, monkeypatch
):
    # What opening a callback does (read_once(kept=False)): the hours and closed
    # days once for the callback, from the database, even inside a page's block
    # that holds them in memory (an eager task run by the form's own request).
    monkeypatch.setattr(page_cache, "GENERATION_CHECK_SECONDS", 3600)
    page_cache.forget_local()
    wednesday_noon = _at(WEDNESDAY, 12)
    with read_once():
        assert is_open(wednesday_noon)  # now kept for pages
        ClosedDay.objects.create(date=WEDNESDAY, name="Staff training")
        with django_assert_num_queries(2), read_once(kept=False):
            assert not is_open(wednesday_noon)
            assert next_opening(wednesday_noon) == _at(THURSDAY, 9)
