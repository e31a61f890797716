"""Missed means missed (issue #16, rule 7): once the line's next dose has opened, a dose is not
given late; it is recorded as not given, or, given in time, as a late entry at that time."""

from datetime import datetime
from decimal import Decimal

from emar.domain.rights.timing import pick_dose, time_checks
from emar.domain.verdict import OVERRIDABLE, CheckCode, Severity
from emar.domain.windows import DoseWindows
from tests.support.facts import LONDON, at, daily, entry, line

HOME = DoseWindows(60, 30)
TWICE = line(medicine="Ibuprofen 200 mg tablet", timing=daily("08:00", "13:00"))
MISSED_AT_18 = (
    "The 08:00 dose of Ibuprofen 200 mg tablet was missed: the 13:00 dose's window opened at "
    "12:00. Record why it was missed (not given) and give the next dose."
)


def times(at_, scheduled=None, now=None, entries=(), ln=TWICE):
    return time_checks(ln, entries, HOME, LONDON, at_, scheduled, now or at_)


def said(checks):
    return [(c.code, c.severity, c.message) for c in checks]


def test_the_morning_dose_in_the_evening_is_missed_never_late():
    lunch = entry(id=1, scheduled_at=at(10, 13), administered_at=at(10, 13, 5))
    scheduled, _, checks = times(at(10, 18), scheduled=at(10, 8), entries=[lunch])
    assert scheduled == at(10, 8)
    assert said(checks) == [(CheckCode.MISSED, Severity.BLOCK, MISSED_AT_18)]
    assert CheckCode.MISSED not in OVERRIDABLE  # no one overrides it, senior or carer


def test_in_the_next_window_it_says_the_next_dose_is_due_now():
    _, _, checks = times(at(10, 12, 30), scheduled=at(10, 8))
    assert checks[0].message == (
        "The 08:00 dose of Ibuprofen 200 mg tablet was missed: the 13:00 dose is due now. "
        "Record why it was missed (not given) and give the next dose."
    )


def test_before_the_next_window_opens_it_is_still_late():
    _, _, checks = times(at(10, 10, 30), scheduled=at(10, 8))
    assert said(checks) == [
        (CheckCode.LATE, Severity.WARN, "Late: due at 08:00, 1 h 30 min after the window.")
    ]
    _, _, checks = times(at(10, 11, 59), scheduled=at(10, 8))
    assert [c.code for c in checks] == [CheckCode.LATE]
    _, _, checks = times(at(10, 12), scheduled=at(10, 8))
    assert [c.code for c in checks] == [CheckCode.MISSED]


def test_a_retrospective_entry_at_a_time_inside_its_window_is_allowed():
    # given at 08:10, recorded at 18:00: the entry time rule asks the reason (entry_time.py)
    scheduled, _, checks = times(at(10, 8, 10), scheduled=at(10, 8), now=at(10, 18))
    assert (scheduled, checks) == (at(10, 8), [])
    # a time said after it was missed is refused, and says which times are possible
    _, _, checks = times(at(10, 12, 30), scheduled=at(10, 8), now=at(10, 18))
    assert checks[0].code == CheckCode.MISSED
    assert checks[0].message.endswith(
        "If it was given in time, record the time it was given (before 12:00)."
    )


def test_an_evening_scan_means_the_evening_dose_not_the_missed_morning_one():
    three = line(timing=daily("08:00", "13:00", "18:00"))
    lunch = entry(id=1, scheduled_at=at(10, 13), administered_at=at(10, 13))
    doses = [at(10, 8), at(10, 13), at(10, 18)]
    assert pick_dose(doses, {at(10, 13)}, at(10, 16), 60) == at(10, 18)  # early, not late
    assert pick_dose(doses, {at(10, 13)}, at(10, 17, 30), 60) == at(10, 18)
    assert pick_dose(doses, set(), at(10, 10), 60) == at(10, 8)  # overdue, not missed: late
    scheduled, _, checks = times(at(10, 16), entries=[lunch], ln=three)
    assert scheduled == at(10, 18) and [c.code for c in checks] == [CheckCode.EARLY]
    # after the evening dose too, nothing is due: the morning dose is not offered as late
    evening = entry(id=2, scheduled_at=at(10, 18), administered_at=at(10, 18))
    scheduled, _, checks = times(at(10, 19, 30), entries=[lunch, evening], ln=three)
    assert scheduled is None and [c.code for c in checks] == [CheckCode.NO_DOSE_DUE]


def test_once_daily_is_missed_after_twelve_hours():
    daily_dose = line(timing=daily("08:00"))
    _, _, checks = times(at(10, 19, 59), scheduled=at(10, 8), ln=daily_dose)
    assert [c.code for c in checks] == [CheckCode.LATE]
    _, _, checks = times(at(10, 20), scheduled=at(10, 8), ln=daily_dose)
    assert checks[0].message == (
        "The 08:00 dose of Amlodipine 5 mg tablet was missed: more than 12 h have passed. "
        "Record why it was missed (not given) and give the next dose."
    )


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text + "+00:00")


def test_spring_forward_missed_is_elapsed_time():
    # 29 Mar 2026: 01:00 GMT becomes 02:00 BST. 00:30 GMT (00:30 UTC) and 03:00 BST (02:00
    # UTC): the 03:00 window opens at 01:00 UTC, before the 00:30 one closes (01:30 UTC).
    night = line(timing=daily("00:30", "03:00"))
    first = utc("2026-03-29T00:30")
    _, _, checks = times(utc("2026-03-29T01:25"), scheduled=first, ln=night)  # 02:25 BST
    assert checks == []
    _, _, checks = times(utc("2026-03-29T01:30"), scheduled=first, ln=night)  # 02:30 BST
    assert checks[0].message.startswith(
        "The 00:30 dose of Amlodipine 5 mg tablet was missed: the 03:00 dose is due now."
    )


def test_fall_back_missed_is_elapsed_time():
    # 25 Oct 2026: 02:00 BST becomes 01:00 GMT. 00:30 BST is 23:30 UTC; 03:00 GMT is 03:00
    # UTC, whose window opens at 02:00 UTC: 3 h 30 min after, not 2 h 30 min by the wall clock.
    night = line(timing=daily("00:30", "03:00"))
    first = utc("2026-10-24T23:30")
    _, _, checks = times(utc("2026-10-25T01:30"), scheduled=first, ln=night)  # 01:30 GMT
    assert [c.code for c in checks] == [CheckCode.LATE]
    _, _, checks = times(utc("2026-10-25T02:00"), scheduled=first, ln=night)  # 02:00 GMT
    assert [c.code for c in checks] == [CheckCode.MISSED]


def test_an_entry_on_record_is_already_recorded_not_missed():
    given = entry(id=1, scheduled_at=at(10, 8), administered_at=at(10, 8), dose_given=Decimal(1))
    _, _, checks = times(at(10, 18), scheduled=at(10, 8), entries=[given])
    assert [c.code for c in checks] == [CheckCode.ALREADY, CheckCode.LATE]
