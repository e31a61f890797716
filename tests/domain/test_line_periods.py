"""When a chart line can be given: checked, suspended, resumed, stopped, ended."""

from emar.domain.line_periods import (
    ACTIVE,
    ENDED,
    NOT_STARTED,
    PENDING,
    STOPPED,
    SUSPENDED,
    Event,
    active_periods,
    status_at,
)
from tests.support.facts import at

START = at(1, 8)


def ev(id_: int, kind: str, when, reason: str | None = None) -> Event:
    return Event(id_, kind, when, reason)


def test_a_line_gives_nothing_until_a_second_person_checks_it():
    assert active_periods(START, None, []) == ()
    assert status_at(START, None, [], at(2, 8))[0] == PENDING
    late_check = [ev(1, "checked", at(3, 9))]
    assert active_periods(START, None, late_check) == ((at(3, 9), None),)


def test_suspend_resume_stop_make_the_periods_and_the_status():
    events = [
        ev(1, "checked", START),
        ev(2, "suspended", at(5, 8), "in hospital"),
        ev(3, "resumed", at(7, 8)),
        ev(4, "stopped", at(9, 8), "GP stopped it"),
    ]
    assert active_periods(START, None, events) == ((START, at(5, 8)), (at(7, 8), at(9, 8)))
    assert status_at(START, None, events, at(6, 8)) == (SUSPENDED, "in hospital")
    assert status_at(START, None, events, at(8, 8)) == (ACTIVE, None)
    assert status_at(START, None, events, at(10, 8)) == (STOPPED, "GP stopped it")


def test_events_apply_in_effective_order_and_the_end_date_closes_the_last_period():
    events = [ev(2, "suspended", at(5, 8)), ev(1, "checked", START), ev(3, "resumed", at(6, 8))]
    assert active_periods(START, at(8, 8), events) == ((START, at(5, 8)), (at(6, 8), at(8, 8)))
    assert status_at(START, at(8, 8), events, at(9, 8))[0] == ENDED
    assert status_at(at(3, 8), None, [ev(1, "checked", START)], at(2, 8))[0] == NOT_STARTED
