"""The one classification of a regular line's doses (the round, the MAR, the reports)."""

from datetime import timedelta

from emar.domain.doses import DoseState
from emar.domain.line_doses import line_doses
from emar.domain.mar_entries import dose_chains, dose_entries
from emar.domain.windows import DoseWindows, Window
from tests.support.facts import LONDON, at, daily, entry, line, not_given

HOME = DoseWindows(60, 30)
THREE_A_DAY = line(timing=daily("08:00", "12:00", "18:00"))


def never_away(_at):
    return None


def doses(
    ln=THREE_A_DAY, entries=(), now=None, start=None, end=None, away=never_away, chains=False
):
    recorded = dose_entries(entries)
    return line_doses(
        ln,
        LONDON,
        HOME,
        start or at(10, 0),
        end or at(11, 0),
        now or at(10, 12, 20),
        recorded,
        away,
        dose_chains(entries) if chains else None,
    )


def test_the_doses_of_a_day_in_order_each_with_its_window():
    found = doses()
    assert [d.scheduled_at for d in found] == [at(10, 8), at(10, 12), at(10, 18)]
    assert found[0].window == Window(at(10, 7), at(10, 9))


def test_states_at_twenty_past_noon():
    assert [d.state for d in doses()] == [DoseState.MISSED, DoseState.DUE, DoseState.UPCOMING]


def test_overdue_until_the_next_dose_opens_then_missed():
    (morning, noon, _) = doses(now=at(10, 10, 59))
    assert morning.missed_from == at(10, 11)  # the noon dose's window opens
    assert morning.state == DoseState.OVERDUE
    assert noon.state == DoseState.DUE_SOON


def test_the_last_dose_of_the_period_knows_the_next_days_first():
    evening = doses(ln=line(timing=daily("02:00", "22:00")))[-1]
    assert evening.scheduled_at == at(10, 22)
    assert evening.missed_from == at(11, 1)  # tomorrow's 02:00 opens at 01:00


def test_the_period_is_start_inclusive_end_exclusive():
    found = doses(start=at(10, 8), end=at(10, 18))
    assert [d.scheduled_at for d in found] == [at(10, 8), at(10, 12)]


def test_a_dose_given_late_says_by_how_much_and_its_entry():
    given = entry(id=5, scheduled_at=at(10, 8), administered_at=at(10, 9, 40))
    morning = doses(entries=[given])[0]
    assert (morning.state, morning.entry, morning.late_minutes) == (DoseState.GIVEN, given, 40)


def test_not_given_and_voided_doses():
    refused = not_given("R", id=5, scheduled_at=at(10, 8))
    given = entry(id=6, scheduled_at=at(10, 12), administered_at=at(10, 12))
    void = not_given("X", id=7, scheduled_at=at(10, 12), supersedes_id=6)
    morning, noon, _ = doses(entries=[refused, given, void])
    assert (morning.state, morning.late_minutes) == (DoseState.NOT_GIVEN, 0)
    assert (noon.state, noon.entry) == (DoseState.DUE, None)


def test_a_resident_away_is_away_not_missed():
    def in_hospital(t):
        return "hospital" if t < at(10, 10) else None

    morning, noon, _ = doses(away=in_hospital)
    assert (morning.state, morning.away) == (DoseState.AWAY, "hospital")
    assert (noon.state, noon.away) == (DoseState.DUE, None)


def test_time_critical_windows_are_narrower():
    morning = doses(ln=line(timing=daily("08:00"), time_critical=True), now=at(10, 8, 40))[0]
    assert morning.window == Window(at(10, 7, 30), at(10, 8, 30))
    assert morning.state == DoseState.OVERDUE


def test_the_entry_chain_oldest_first_only_when_asked():
    given = entry(id=9, scheduled_at=at(10, 8))
    corrected = not_given("R", id=11, scheduled_at=at(10, 8), supersedes_id=9)
    assert doses(entries=[corrected, given])[0].chain == ()
    assert doses(entries=[corrected, given], chains=True)[0].chain == (given, corrected)


def test_no_doses_outside_the_lines_active_periods():
    stopped = line(timing=daily("08:00", "18:00"), active_periods=((at(1, 0), at(10, 12)),))
    assert [d.scheduled_at for d in doses(ln=stopped)] == [at(10, 8)]
    assert doses(ln=stopped, start=at(10, 12), end=at(10, 12) + timedelta(days=2)) == []
