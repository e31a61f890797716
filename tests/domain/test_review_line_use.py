"""The review's strips: each line's use day by day (given, late, refused, withheld, other not
given, missed, away, not required, PRN doses), counted by hand."""

from datetime import UTC, date, datetime, timedelta

from emar.domain.review.line_use import (
    DayUse,
    UseTotals,
    acb_scores,
    chart_use,
    line_use,
    regular_medicines,
)
from emar.domain.windows import DoseWindows
from tests.support.facts import LONDON, entry, not_given, resident
from tests.support.review import NOW, REF, med, prn

AMLO = med("amlodipine", 5)
PARA = prn("paracetamol", 500)
WINDOWS = DoseWindows(minutes=60)


def dose(day: int, code: str | None = None, n: int = 0, late: int = 0, **changes):
    """The 08:00 dose `day` days before NOW (Sat 20 June 2026 12:00 London), given `late`
    minutes after 08:00, or not given with `code`."""
    scheduled = (NOW - timedelta(days=day)).replace(hour=8, minute=0)
    given = scheduled + timedelta(minutes=late)
    base = {"id": 1000 + n, "chart_line_id": AMLO.id, "scheduled_at": scheduled,
            "administered_at": given, "recorded_at": given}  # fmt: skip
    base.update(changes)
    return not_given(code, **base) if code else entry(**base)


def prn_dose(at: datetime, n: int, code: str | None = None):
    base = {"id": 2000 + n, "chart_line_id": PARA.id, "administered_at": at, "recorded_at": at}
    return not_given(code, **base) if code else entry(**base)


def use(line, entries, who=None, days=28):
    return line_use(line, entries, who or resident(), NOW, LONDON, WINDOWS, days)


def test_a_regular_line_day_by_day_each_outcome_in_its_place():
    entries = [
        dose(1, None, 1),  # on time
        dose(2, None, 2, late=90),  # the window closes at 09:00: 30 minutes late
        dose(3, "R", 3),
        dose(4, "W", 4, note="BP low"),
        dose(5, "N", 5),  # nausea: not given for another reason
        dose(7, "H", 7),
        dose(8, "R", 8),
        dose(8, None, 9, supersedes_id=1008),  # corrected: it was given
        dose(9, "P", 10),
    ]
    got = use(AMLO, entries)
    assert len(got.days) == 28
    assert got.days[-1].day == date(2026, 6, 20) and got.days[0].day == date(2026, 5, 24)
    by_day = {d.day: d for d in got.days}
    assert by_day[date(2026, 6, 19)] == DayUse(date(2026, 6, 19), given=1)
    assert by_day[date(2026, 6, 18)] == DayUse(date(2026, 6, 18), late=1)
    assert by_day[date(2026, 6, 17)] == DayUse(date(2026, 6, 17), refused=1)
    assert by_day[date(2026, 6, 16)] == DayUse(date(2026, 6, 16), withheld=1)
    assert by_day[date(2026, 6, 15)] == DayUse(date(2026, 6, 15), not_given=1)
    assert by_day[date(2026, 6, 14)] == DayUse(date(2026, 6, 14), missed=1)  # nothing recorded
    assert by_day[date(2026, 6, 13)] == DayUse(date(2026, 6, 13), away=1)
    assert by_day[date(2026, 6, 12)] == DayUse(date(2026, 6, 12), given=1)
    assert by_day[date(2026, 6, 11)] == DayUse(date(2026, 6, 11), paper=1)
    # today's 08:00 dose is overdue at 12:00, not yet missed: not counted
    assert by_day[date(2026, 6, 20)] == DayUse(date(2026, 6, 20))
    # 27 past days: 9 recorded, the other 18 (and 14 June) missed
    assert got.totals(28) == UseTotals(
        given=2, late=1, refused=1, withheld=1, not_given=1, missed=19, away=1, paper=1
    )
    assert got.totals(7) == UseTotals(given=1, late=1, refused=1, withheld=1, not_given=1,
                                      missed=1)  # fmt: skip
    assert by_day[date(2026, 6, 16)].words() == "Tue 16 Jun: 1 withheld"


def test_twice_a_day_two_doses_share_a_day():
    line = med("amlodipine", 5, timing=AMLO.timing.__class__("times_of_day", times=(
        datetime(2026, 1, 1, 8).time(), datetime(2026, 1, 1, 20).time())))  # fmt: skip
    evening = (NOW - timedelta(days=1)).replace(hour=20, minute=0)
    entries = [
        dose(1, None, 1),
        not_given(
            "R",
            id=1002,
            chart_line_id=AMLO.id,
            scheduled_at=evening,
            administered_at=evening,
            recorded_at=evening,
        ),
    ]
    day = use(line, entries, days=2).days[0]
    assert (day.given, day.refused, day.doses) == (1, 1, 2)


def test_days_away_count_as_away_not_missed():
    away_from = (NOW - timedelta(days=3)).replace(hour=0)
    who = resident(absences=(("hospital", away_from, NOW - timedelta(days=1, hours=12)),))
    got = use(AMLO, [dose(1, None, 1)], who=who, days=5)  # 16 to 20 June; away 17 and 18
    assert [d.away for d in got.days] == [0, 1, 1, 0, 0]
    assert [d.missed for d in got.days] == [1, 0, 0, 0, 0]
    assert [d.given for d in got.days] == [0, 0, 0, 1, 0]


def test_a_prn_line_counts_doses_given_each_local_day():
    just_after_midnight = datetime(2026, 6, 18, 23, 30, tzinfo=UTC)  # 00:30 on 19 June here
    entries = [
        prn_dose(NOW - timedelta(days=1, hours=2), 1),
        prn_dose(NOW - timedelta(days=1, hours=6), 2),
        prn_dose(just_after_midnight, 3),
        prn_dose(NOW - timedelta(days=2), 4, "NR"),
        prn_dose(NOW - timedelta(days=5), 5),
        prn_dose(NOW - timedelta(days=40), 6),
    ]
    got = use(PARA, entries, days=90)
    assert got.is_prn
    by_day = {d.day: d for d in got.days}
    assert by_day[date(2026, 6, 19)].prn == 3
    assert by_day[date(2026, 6, 18)] == DayUse(date(2026, 6, 18), not_required=1)
    assert got.totals(28) == UseTotals(prn=4, prn_days=2, not_required=1)
    assert got.totals(90) == UseTotals(prn=5, prn_days=3, not_required=1)
    assert by_day[date(2026, 6, 19)].words() == "Fri 19 Jun: 3 PRN doses given"


def test_chart_use_gives_each_line_only_its_own_entries():
    got = chart_use([AMLO, PARA], [dose(1, "R", 1), prn_dose(NOW, 2)], resident(), NOW,
                    LONDON, WINDOWS, 3)  # fmt: skip
    assert got[AMLO.id].totals(3) == UseTotals(refused=1, missed=1)
    assert got[PARA.id].totals(3) == UseTotals(prn=1, prn_days=1)


def test_totals_count_active_lines_and_each_substance_once():
    lines = [
        med("amitriptyline", 10),
        med("amitriptyline", 10, id=99),  # a second line of the same medicine
        med("furosemide", 40),
        med("quetiapine", 25, status="stopped"),
        prn("codeine", 30),
    ]
    assert regular_medicines(lines) == 2
    assert acb_scores(lines, REF) == {"Amitriptyline": 3, "Codeine": 1, "Furosemide": 1}
