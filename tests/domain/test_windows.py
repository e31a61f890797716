"""Dose windows, and when a dose with nothing recorded turns from overdue to missed."""

from datetime import timedelta

from emar.domain.windows import (
    DoseWindows,
    Window,
    dose_window,
    next_opening,
    overdue_until,
    window_minutes,
)
from tests.support.facts import at, line

HOME = DoseWindows(minutes=60, time_critical_minutes=30)


def test_time_critical_medicines_have_the_narrower_window():
    assert window_minutes(HOME, line()) == 60
    assert window_minutes(HOME, line(time_critical=True)) == 30
    assert window_minutes(DoseWindows(45, 15), line(time_critical=True)) == 15


def test_the_default_windows_are_an_hour_and_half_an_hour():
    assert DoseWindows() == HOME


def test_window_around_a_dose_and_minutes_early_or_late():
    w = Window.around(at(10, 8), 60)
    assert (w.opens, w.closes) == (at(10, 7), at(10, 9))
    assert w.minutes_early(at(10, 6, 30)) == 30
    assert w.minutes_early(at(10, 7, 30)) == 0
    assert w.minutes_late(at(10, 9, 59)) == 59
    assert w.minutes_late(at(10, 8, 59)) == 0


def test_overdue_until_the_next_dose_opens():
    w = Window.around(at(10, 8), 60)
    assert overdue_until(w, at(10, 8), at(10, 11)) == at(10, 11)


def test_overdue_twelve_hours_at_most():
    w = Window.around(at(10, 8), 60)
    assert overdue_until(w, at(10, 8), None) == at(10, 20)
    assert overdue_until(w, at(10, 8), at(11, 7)) == at(10, 20)


def test_never_missed_before_the_window_closes():
    w = Window.around(at(10, 8), 60)
    assert overdue_until(w, at(10, 8), at(10, 8, 30)) == at(10, 9)


def test_next_opening_and_dose_window():
    doses = [at(10, 8), at(10, 12), at(10, 18)]
    assert next_opening(doses, 0, 60) == at(10, 11)
    assert next_opening(doses, 2, 60) is None
    assert dose_window(doses, 1, 30) == (Window(at(10, 11, 30), at(10, 12, 30)), at(10, 17, 30))
    assert dose_window(doses, 2, 60) == (Window(at(10, 17), at(10, 19)), at(11, 6))
    assert at(11, 6) - at(10, 18) == timedelta(hours=12)
