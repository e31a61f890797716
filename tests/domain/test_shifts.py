"""The day and night shifts, in local time: a handover covers the shift now ending."""

from datetime import UTC, datetime

from emar.domain.shifts import DAY_SHIFT, shift_now_ending
from tests.support.facts import LONDON, at


def test_the_day_shift_is_eight_to_eight():
    assert [t.isoformat("minutes") for t in DAY_SHIFT] == ["08:00", "20:00"]
    assert shift_now_ending(at(10, 19, 30), LONDON) == (at(10, 8), at(10, 20))
    assert shift_now_ending(at(10, 8), LONDON) == (at(10, 8), at(10, 20))


def test_the_night_shift_began_last_evening_or_this_evening():
    assert shift_now_ending(at(10, 7, 59), LONDON) == (at(9, 20), at(10, 8))
    assert shift_now_ending(at(10, 20), LONDON) == (at(10, 20), at(11, 8))
    assert shift_now_ending(at(10, 23, 59), LONDON) == (at(10, 20), at(11, 8))


def test_shifts_are_local_times_across_the_clock_change():
    # 25 Oct 2026: BST ends; the night shift 20:00 BST to 08:00 GMT lasts 13 hours
    start, end = shift_now_ending(datetime(2026, 10, 25, 3, 0, tzinfo=UTC), LONDON)
    assert (start, end) == (
        datetime(2026, 10, 24, 19, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 8, 0, tzinfo=UTC),
    )
