"""Schedule expansion: clock times in Europe/London, instants in UTC, DST policy of domain.md."""

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emar.domain.schedule import Timing, dose_instants, parse_times, parse_weekdays
from emar.errors import ValidationError

LONDON = ZoneInfo("Europe/London")


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def daily(*clock):
    return Timing("times_of_day", times=parse_times(",".join(clock)))


def expand(timing, start, end, line_start=None, active=None, zone=LONDON):
    line_start = line_start or utc(2020, 1, 1)
    return dose_instants(timing, zone, line_start, active or [(line_start, None)], start, end)


# Spring forward: 2026-03-29 and 2027-03-28, 01:00 GMT -> 02:00 BST.
@pytest.mark.parametrize("night", [date(2026, 3, 29), date(2027, 3, 28)])
def test_spring_forward_dose_in_the_gap_moves_past_the_jump(night):
    start = datetime.combine(night, time(0), tzinfo=LONDON)
    doses = expand(daily("01:30"), start, start + timedelta(days=1))
    assert doses == [datetime.combine(night, time(1, 30), tzinfo=UTC)]  # 01:30 UTC
    assert doses[0].astimezone(LONDON).strftime("%H:%M %Z") == "02:30 BST"


# Fall back: 2026-10-25 and 2027-10-31, 02:00 BST -> 01:00 GMT.
@pytest.mark.parametrize("night", [date(2026, 10, 25), date(2027, 10, 31)])
def test_fall_back_dose_in_the_repeated_hour_is_due_once_at_the_first(night):
    start = datetime.combine(night, time(0), tzinfo=LONDON)
    doses = expand(daily("01:30"), start, start + timedelta(days=1))
    assert len(doses) == 1
    assert doses[0].astimezone(LONDON).strftime("%H:%M %Z") == "01:30 BST"
    assert doses[0] == datetime.combine(night, time(0, 30), tzinfo=UTC)


def test_daily_clock_times_keep_their_local_time_across_both_changes():
    doses = expand(daily("08:00", "22:00"), utc(2026, 3, 27), utc(2026, 10, 28))
    assert {d.astimezone(LONDON).strftime("%H:%M") for d in doses} == {"08:00", "22:00"}
    assert len(doses) == 2 * (date(2026, 10, 28) - date(2026, 3, 27)).days


@pytest.mark.parametrize("night", [date(2026, 10, 25), date(2027, 3, 28)])
def test_every_8_hours_counts_elapsed_time_across_the_change(night):
    anchor = datetime.combine(night - timedelta(days=1), time(22), tzinfo=LONDON)
    end = anchor.astimezone(UTC) + timedelta(hours=48)  # elapsed, not wall-clock, days
    doses = expand(Timing("every_n_hours", every_n_hours=8), anchor, end, line_start=anchor)
    assert all(b - a == timedelta(hours=8) for a, b in pairwise(doses))
    assert len(doses) == 6
    local = [d.astimezone(LONDON).strftime("%H:%M") for d in doses]
    assert local[0] == "22:00" and local[1] != "06:00"  # the wall clock shifts, the gap does not


def test_72_hourly_patch_from_its_first_application():
    applied = datetime(2026, 11, 20, 9, 0, tzinfo=LONDON)
    doses = expand(
        Timing("every_n_hours", every_n_hours=72),
        utc(2026, 11, 1),
        utc(2026, 12, 1),
        line_start=applied,
    )
    assert doses[0] == applied
    assert [d - applied for d in doses] == [timedelta(hours=72 * k) for k in range(4)]


def test_month_and_year_ends():
    doses = expand(daily("08:00"), utc(2026, 12, 30), utc(2027, 1, 3))
    assert [d.date() for d in doses] == [
        date(2026, 12, 30),
        date(2026, 12, 31),
        date(2027, 1, 1),
        date(2027, 1, 2),
    ]
    every3 = Timing("every_n_days", times=parse_times("09:00"), every_n_days=3)
    doses = expand(every3, utc(2027, 1, 25), utc(2027, 3, 5), line_start=utc(2027, 1, 27, 0))
    assert [d.strftime("%m-%d") for d in doses] == [
        "01-27",
        "01-30",
        "02-02",
        "02-05",
        "02-08",
        "02-11",
        "02-14",
        "02-17",
        "02-20",
        "02-23",
        "02-26",
        "03-01",
        "03-04",
    ]


def test_line_stopped_at_noon_has_its_morning_dose_only():
    day_start = utc(2026, 12, 1)
    line_start = utc(2026, 11, 1)
    doses = expand(
        daily("08:00", "18:00"),
        day_start,
        day_start + timedelta(days=2),
        line_start=line_start,
        active=[(line_start, utc(2026, 12, 1, 12))],
    )
    assert doses == [utc(2026, 12, 1, 8)]


def test_suspension_gap_and_start_time_are_respected():
    line_start = utc(2026, 12, 1, 10)  # started mid-morning: no 08:00 dose that day
    active = [(line_start, utc(2026, 12, 2, 12)), (utc(2026, 12, 3, 12), None)]
    doses = expand(
        daily("08:00", "18:00"),
        utc(2026, 12, 1),
        utc(2026, 12, 5),
        line_start=line_start,
        active=active,
    )
    assert doses == [
        utc(2026, 12, 1, 18),
        utc(2026, 12, 2, 8),
        utc(2026, 12, 3, 18),
        utc(2026, 12, 4, 8),
        utc(2026, 12, 4, 18),
    ]


def test_given_weekdays_only():
    monday = Timing("weekdays", times=parse_times("07:00"), weekdays=parse_weekdays("1"))
    doses = expand(monday, utc(2026, 11, 1), utc(2026, 12, 1))
    assert [d.day for d in doses] == [2, 9, 16, 23, 30]
    assert all(d.astimezone(LONDON).isoweekday() == 1 for d in doses)


def test_prn_has_no_schedule():
    assert expand(Timing("prn"), utc(2026, 1, 1), utc(2026, 2, 1)) == []


@pytest.mark.parametrize("bad", ["8am", "25:00", "08:60", "08"])
def test_bad_clock_times_are_refused(bad):
    with pytest.raises(ValidationError):
        parse_times(bad)


def test_bad_weekday_is_refused():
    with pytest.raises(ValidationError):
        parse_weekdays("0,8")


@given(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    st.lists(st.times(), min_size=1, max_size=6),
    st.sampled_from(["Europe/London", "America/New_York", "Australia/Sydney", "UTC"]),
)
def test_each_local_day_has_each_clock_time_once(day, clocks, zone_name):
    zone = ZoneInfo(zone_name)
    clocks = [c.replace(second=0, microsecond=0) for c in clocks]
    timing = Timing("times_of_day", times=tuple(sorted(set(clocks))))
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    doses = expand(timing, start, end, zone=zone)
    assert doses == sorted(set(doses))
    assert 1 <= len(doses) <= len(timing.times)  # fewer only where two times meet in a DST gap
    for d in doses:
        assert d.tzinfo == UTC and start <= d < end


def test_a_clock_time_said_of_a_dose_is_the_one_nearest_it():
    from datetime import time as clock_time

    from emar.domain.schedule import local_instant, nearest_instant

    london = ZoneInfo("Europe/London")
    ten_pm = local_instant(date(2026, 11, 26), clock_time(22, 0), london)
    assert nearest_instant(ten_pm, clock_time(0, 15), london) == local_instant(
        date(2026, 11, 27), clock_time(0, 15), london
    )
    assert nearest_instant(ten_pm, clock_time(21, 40), london) == local_instant(
        date(2026, 11, 26), clock_time(21, 40), london
    )
    half_past_midnight = local_instant(date(2026, 11, 27), clock_time(0, 30), london)
    assert nearest_instant(half_past_midnight, clock_time(23, 50), london) == local_instant(
        date(2026, 11, 26), clock_time(23, 50), london
    )
