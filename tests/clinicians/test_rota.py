from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from clinicians.models import DutyChange, Shift
from clinicians.selectors import clinicians_on_duty, is_on_duty
from tests.clinicians.factories import ClinicianFactory

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 11, 30)


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def nine_to_five():
    clinician = ClinicianFactory(on_duty=False)
    Shift.objects.create(clinician=clinician, weekday=0, starts=time(9), ends=time(17))
    return clinician


def test_a_weekly_shift_puts_a_clinician_on_duty_during_it_only(nine_to_five):
    assert is_on_duty(nine_to_five, at=_at(MONDAY, 9))
    assert is_on_duty(nine_to_five, at=_at(MONDAY, 16, 59))
    assert not is_on_duty(nine_to_five, at=_at(MONDAY, 17))  # ends just before
    assert not is_on_duty(nine_to_five, at=_at(MONDAY, 8, 59))
    assert not is_on_duty(nine_to_five, at=_at(MONDAY + timedelta(days=1), 10))
    assert is_on_duty(nine_to_five, at=_at(MONDAY + timedelta(days=7), 10))


def test_an_absence_takes_them_off_duty(nine_to_five):
    DutyChange.objects.create(
        clinician=nine_to_five,
        kind=DutyChange.Kind.ABSENT,
        starts_at=_at(MONDAY, 0),
        ends_at=_at(MONDAY, 13),
    )

    assert not is_on_duty(nine_to_five, at=_at(MONDAY, 10))
    assert is_on_duty(nine_to_five, at=_at(MONDAY, 14))


def test_an_extra_duty_puts_them_on(nine_to_five):
    DutyChange.objects.create(
        clinician=nine_to_five,
        kind=DutyChange.Kind.EXTRA,
        starts_at=_at(MONDAY, 18),
        ends_at=_at(MONDAY, 22),
    )

    assert is_on_duty(nine_to_five, at=_at(MONDAY, 19))
    assert not is_on_duty(nine_to_five, at=_at(MONDAY, 22))


def test_the_rota_is_in_uk_local_time_across_the_clock_change(nine_to_five):
    summer_monday = date(2026, 6, 1)  # BST: 9am local is 8am UTC

    assert is_on_duty(nine_to_five, at=_at(summer_monday, 9))
    assert _at(summer_monday, 9).utcoffset() == timedelta(hours=1)


def test_several_shifts_and_changes_do_not_duplicate_a_clinician(nine_to_five):
    Shift.objects.create(
        clinician=nine_to_five, weekday=0, starts=time(8), ends=time(12)
    )
    DutyChange.objects.create(
        clinician=nine_to_five,
        kind=DutyChange.Kind.EXTRA,
        starts_at=_at(MONDAY, 0),
        ends_at=_at(MONDAY, 23),
    )

    assert list(clinicians_on_duty(at=_at(MONDAY, 10))) == [nine_to_five]
