"""The due list's words: why each dose and PRN line shows as it does."""

from datetime import timedelta

from emar.domain.doses import DoseState
from emar.domain.due_wording import dose_why, prn_available, prn_why
from emar.domain.prn import PrnBlock, PrnLimitCheck
from emar.domain.windows import Window
from tests.support.facts import LONDON, at, entry, not_given, prn_line

NOON = at(10, 12)
WINDOW = Window.around(NOON, 60)


def why(state, now, entry_=None, away=None, scheduled=NOON):
    return dose_why(state, scheduled, WINDOW, entry_, away, now, LONDON, at(10, 17))


def test_doses_still_to_come():
    assert why(DoseState.UPCOMING, at(10, 9)) == "Due at 12:00 (window 11:00-13:00)"
    assert why(DoseState.DUE_SOON, at(10, 10, 20)) == "Due at 12:00: window opens in 40 min"
    assert why(DoseState.DUE, at(10, 11, 50)) == (
        "Due now: 12:00 (window 11:00-13:00, closes in 1 h 10 min)"
    )


def test_overdue_says_until_when_then_missed():
    assert why(DoseState.OVERDUE, at(10, 14)) == (
        "OVERDUE: due 12:00, window closed 1 h ago. Give late or record why not, before 17:00"
    )
    assert why(DoseState.MISSED, at(10, 18)) == "MISSED: due 12:00, nothing recorded"


def test_another_days_dose_names_its_day():
    assert why(DoseState.MISSED, at(11, 8)) == "MISSED: due Wed 12:00, nothing recorded"


def test_given_on_time_late_or_early():
    on_time = entry(administered_at=at(10, 12, 5))
    assert why(DoseState.GIVEN, at(10, 14), on_time) == "Given 12:05 by Amy Carter"
    late = entry(administered_at=at(10, 13, 25))
    assert why(DoseState.GIVEN, at(10, 14), late) == (
        "Given 13:25 by Amy Carter: LATE, 25 min after the window"
    )
    early = entry(administered_at=at(10, 9, 30))
    assert why(DoseState.GIVEN, at(10, 14), early) == (
        "Given 09:30 by Amy Carter: EARLY, 1 h 30 min before the window"
    )


def test_not_given_with_its_code_and_label():
    refused = not_given("R", code_label="Refused", administered_at=at(10, 12, 10))
    assert why(DoseState.NOT_GIVEN, at(10, 14), refused) == (
        "Not given: R Refused (Amy Carter, 12:10)"
    )
    assert why(DoseState.NOT_GIVEN, at(10, 14), not_given("Q", administered_at=NOON)) == (
        "Not given: Q (Amy Carter, 12:00)"
    )


def test_away_is_h_or_l():
    assert why(DoseState.AWAY, at(10, 14), away="hospital") == "H: resident in hospital at 12:00"
    assert why(DoseState.AWAY, at(10, 14), away="leave") == "L: resident in leave at 12:00"


PRN = prn_line()


def check(blocks=(), last=None, doses=0):
    return PrnLimitCheck(tuple(blocks), last, PRN.medicine if last else None, doses)


def test_prn_available_with_none_or_the_last_dose_named():
    assert (
        prn_why(PRN, check(), LONDON, NOON, None)
        == "Available: none given in 24 h (0 of 4 in 24 h)"
    )
    last = entry(chart_line_id=2, administered_at=at(10, 7, 15))
    assert prn_why(PRN, check(last=last, doses=1), LONDON, NOON, None) == (
        "Available: last Paracetamol 500 mg tablet 07:15 by Amy Carter (1 of 4 in 24 h)"
    )
    assert prn_available(check(), None)


def test_prn_not_yet_says_when():
    blocked = check([PrnBlock("interval", NOON + timedelta(hours=2))], doses=1)
    assert prn_why(PRN, blocked, LONDON, NOON, None) == (
        "Not yet: next allowed 14:00 (1 of 4 in 24 h)"
    )
    assert not prn_available(blocked, None)


def test_prn_is_never_available_to_a_resident_away():
    assert prn_why(PRN, check(), LONDON, NOON, "hospital") == "Not here: resident in hospital"
    assert not prn_available(check(), "leave")
