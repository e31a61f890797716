"""Right time: the dose a scan means, early, late, already recorded, missed; PRN limits."""

from datetime import timedelta
from decimal import Decimal

from emar.domain.rights.entry_time import may_fill_in_late
from emar.domain.rights.prn_limits import prn_checks
from emar.domain.rights.timing import pick_dose, time_checks
from emar.domain.verdict import CheckCode, Severity
from emar.domain.windows import DoseWindows, Window
from tests.support.facts import LONDON, PARACETAMOL, at, daily, entry, line, not_given, prn_line

HOME = DoseWindows(60, 30)
B, W = Severity.BLOCK, Severity.WARN
DAY3 = [at(10, 8), at(10, 12), at(10, 18)]
THREE_A_DAY = line(timing=daily("08:00", "12:00", "18:00"))


def said(checks):
    return [(c.code, c.severity, c.message) for c in checks]


def test_pick_the_dose_whose_window_holds_the_time():
    assert pick_dose(DAY3, set(), at(10, 11, 30), 60) == at(10, 12)
    assert pick_dose(DAY3, set(), at(10, 12, 59), 60) == at(10, 12)


def test_pick_the_nearer_when_two_windows_hold_it():
    doses = [at(10, 8), at(10, 9)]
    assert pick_dose(doses, set(), at(10, 8, 40), 60) == at(10, 9)
    assert pick_dose(doses, set(), at(10, 8, 20), 60) == at(10, 8)


def test_pick_the_recorded_dose_in_the_window_to_say_so():
    assert pick_dose(DAY3, {at(10, 12)}, at(10, 12, 10), 60) == at(10, 12)
    doses = [at(10, 8), at(10, 9)]
    assert pick_dose(doses, {at(10, 9)}, at(10, 8, 40), 60) == at(10, 8)  # the open one


def test_pick_the_latest_open_dose_before_else_the_next():
    assert pick_dose(DAY3, set(), at(10, 15), 60) == at(10, 12)
    assert pick_dose(DAY3, {at(10, 12)}, at(10, 12, 30), 60) == at(10, 12)  # to say so
    assert pick_dose(DAY3, set(), at(10, 5), 60) == at(10, 8)
    assert pick_dose(DAY3, set(DAY3), at(10, 15), 60) is None


NOON_TEN = at(10, 12, 10)


def times(entries=(), at_=NOON_TEN, scheduled=None, now=None, ln=THREE_A_DAY):
    return time_checks(ln, entries, HOME, LONDON, at_, scheduled, now or at_)


def test_on_time_nothing_to_say():
    assert times() == (at(10, 12), Window(at(10, 11), at(10, 13)), [])


def test_too_early_is_a_stop_with_when_the_window_opens():
    scheduled, _, checks = times(at_=at(10, 10, 30), now=at(10, 10, 30), scheduled=at(10, 12))
    assert scheduled == at(10, 12)
    assert said(checks) == [
        (
            CheckCode.EARLY,
            B,
            "Too early: Amlodipine 5 mg tablet is due at 12:00; the window opens in 30 min.",
        )
    ]


def test_late_is_a_warning_and_time_critical_says_to_tell_the_nurse():
    _, _, checks = times(at_=at(10, 13, 20), scheduled=at(10, 12))
    assert said(checks) == [(CheckCode.LATE, W, "Late: due at 12:00, 20 min after the window.")]
    _, _, checks = times(
        at_=at(10, 13, 20),
        scheduled=at(10, 12),
        ln=line(timing=daily("08:00", "12:00", "18:00"), time_critical=True),
    )
    assert checks[0].message == (
        "Late: due at 12:00, 50 min after the window. TIME-CRITICAL: tell the nurse in charge."
    )


def test_already_recorded_names_who_and_when():
    given = entry(scheduled_at=at(10, 12), administered_at=at(10, 11, 55))
    _, _, checks = times(entries=[given])
    assert said(checks) == [(CheckCode.ALREADY, B, "Already given by Amy Carter at 11:55.")]
    refused = not_given("R", scheduled_at=at(10, 12), administered_at=at(10, 12, 5))
    assert times(entries=[refused])[2][0].message == (
        "Already recorded as not given (R) by Amy Carter at 12:05."
    )


def test_a_voided_dose_can_be_given():
    given = entry(id=1, scheduled_at=at(10, 12), administered_at=at(10, 11, 55))
    void = not_given("X", id=2, scheduled_at=at(10, 12), supersedes_id=1)
    assert times(entries=[given, void])[2] == []


def test_no_dose_scheduled_at_the_time_asked():
    scheduled, window, checks = times(scheduled=at(10, 13))
    assert (scheduled, window) == (None, None)
    assert said(checks) == [
        (CheckCode.NO_DOSE_DUE, B, "No dose of Amlodipine 5 mg tablet is scheduled at 13:00.")
    ]


def test_no_dose_due_says_when_the_next_is():
    all_done = [entry(id=i, scheduled_at=t) for i, t in enumerate(DAY3)]
    one_day = line(
        timing=daily("08:00", "12:00", "18:00"), active_periods=((at(10, 0), at(11, 0)),)
    )
    _, _, checks = times(entries=all_done, at_=at(10, 15), ln=one_day)
    assert said(checks) == [
        (CheckCode.NO_DOSE_DUE, B, "No dose of Amlodipine 5 mg tablet is due now; next at 18:00.")
    ]
    _, _, checks = times(entries=all_done, at_=at(10, 19, 30), ln=one_day)
    assert checks[0].message == "No dose of Amlodipine 5 mg tablet is due now."


def test_a_missed_dose_is_not_given_late_once_the_next_window_opens():
    _, _, checks = times(at_=at(10, 17), scheduled=at(10, 12))  # the 18:00 dose's window opens
    assert said(checks) == [
        (
            CheckCode.MISSED,
            B,
            "The 12:00 dose of Amlodipine 5 mg tablet was missed: the 18:00 dose is due now. "
            "Record why it was missed (not given) and give the next dose.",
        )
    ]


def test_given_just_before_it_was_missed_and_recorded_after_is_a_late_entry():
    _, _, checks = times(at_=at(10, 16, 58), scheduled=at(10, 12), now=at(10, 17, 1))
    assert said(checks) == [
        (
            CheckCode.LATE_ENTRY,
            W,
            "Late entry: the 12:00 dose was missed. "
            "Say why it is recorded only now (flagged for review).",
        ),
        (CheckCode.LATE, W, "Late: due at 12:00, 3 h 58 min after the window."),
    ]


def test_a_late_entry_given_earlier_is_said_once_by_the_entry_time():
    _, _, checks = times(at_=at(10, 13, 30), scheduled=at(10, 12), now=at(10, 17))
    assert [c.code for c in checks] == [CheckCode.LATE]


def test_an_overdue_dose_is_not_yet_a_late_entry():
    _, _, checks = times(at_=at(10, 16, 59), scheduled=at(10, 12))
    assert [c.code for c in checks] == [CheckCode.LATE]


PRN = prn_line(id=2)


def given_prn(i, when, dose="1", line_id=2):
    return entry(id=i, chart_line_id=line_id, administered_at=when, dose_given=Decimal(dose))


def test_prn_free_to_give():
    assert prn_checks(PRN, [PRN], [], at(10, 12), None, LONDON, at(10, 12)) == []


def test_prn_too_soon_names_the_last_dose_and_the_next_time():
    checks = prn_checks(
        PRN, [PRN], [given_prn(1, at(10, 10))], at(10, 12), None, LONDON, at(10, 12)
    )
    assert said(checks) == [
        (
            CheckCode.PRN_INTERVAL,
            B,
            "Too soon: Paracetamol 500 mg tablet was given at 10:00 by Amy Carter; "
            "next Paracetamol 500 mg tablet allowed at 14:00.",
        )
    ]


def test_prn_count_reached():
    doses = [given_prn(i, at(10, h)) for i, h in enumerate((0, 4, 8, 12), 1)]
    checks = prn_checks(PRN, [PRN], doses, at(10, 16, 30), None, LONDON, at(10, 16, 30))
    assert said(checks) == [
        (
            CheckCode.PRN_MAXIMUM,
            B,
            "Limit reached: 4 of 4 doses of Paracetamol 500 mg tablet in 24 hours already; "
            "next allowed at Thu 00:00.",
        )
    ]


def test_prn_ingredient_limit_across_lines():
    co_codamol = prn_line(
        id=3, medicine="Co-codamol 30/500 tablet", ingredients=(PARACETAMOL,), prn_max_24h=8
    )
    doses = [given_prn(i, at(10, h), "2", line_id=3) for i, h in enumerate((0, 4, 8, 12), 1)]
    checks = prn_checks(
        PRN, [PRN, co_codamol], doses, at(10, 16, 30), Decimal(1), LONDON, at(10, 16, 30)
    )
    assert said(checks) == [
        (
            CheckCode.PRN_MAXIMUM,
            B,
            "Paracetamol limit: 4000 mg already given in 24 hours (maximum 4000 mg); "
            "next allowed at Thu 00:00.",
        )
    ]


def test_prn_limits_count_given_entries_only_with_corrections_applied():
    voided = not_given("X", id=2, chart_line_id=2, supersedes_id=1)
    doses = [given_prn(1, at(10, 10)), voided]
    assert prn_checks(PRN, [PRN], doses, at(10, 12), None, LONDON, at(10, 12)) == []
    assert at(10, 12) - at(10, 10) < timedelta(hours=4)


def test_a_late_entry_fills_in_a_past_dose_with_no_entry_only():
    dose = at(10, 8)
    assert may_fill_in_late(dose, False, at(10, 14))
    assert may_fill_in_late(dose, False, dose)
    assert not may_fill_in_late(dose, True, at(10, 14))  # on record: correct it instead
    assert not may_fill_in_late(at(10, 18), False, at(10, 14))  # not yet due
