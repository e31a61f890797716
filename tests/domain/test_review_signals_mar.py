"""Signals from the MAR, each at its threshold's edge: refused, not given, PRN most days or
unused, never given, time-critical late."""

from datetime import timedelta
from decimal import Decimal

from emar.domain.review.signals import Severity, mar
from tests.support.facts import entry, not_given, resident
from tests.support.review import NOW, ctx, facts, med, prn, started

AMLO = med("amlodipine", 5)


def dose(day: int, code: str | None = None, n: int = 0, **changes):
    """The 08:00 dose `day` days before NOW, given or not given with `code`."""
    scheduled = (NOW - timedelta(days=day)).replace(hour=8, minute=0)
    base = {"id": 1000 + n, "chart_line_id": AMLO.id, "scheduled_at": scheduled,
            "administered_at": scheduled, "recorded_at": scheduled}  # fmt: skip
    base.update(changes)
    return not_given(code, **base) if code else entry(**base)


def test_three_refusals_in_seven_days_is_a_signal_with_the_notes_collated():
    entries = (
        dose(1, "R", 1, note="spat it out"),
        dose(3, "R", 2),
        dose(6, "R", 3, note="said no"),
        dose(2, None, 4),
    )
    (signal,) = mar.refused_often(facts(AMLO, entries=entries), ctx())
    assert signal.kind == "refused_often"
    assert signal.chart_line_ids == (AMLO.id,)
    assert signal.evidence == (("administration", 1001), ("administration", 1002),
                               ("administration", 1003))  # fmt: skip
    assert "spat it out" in signal.detail and "said no" in signal.detail
    assert signal.severity == Severity.ATTENTION


def test_two_refusals_in_seven_days_is_not():
    entries = (dose(1, "R", 1), dose(3, "R", 2), dose(9, "R", 3))
    assert mar.refused_often(facts(AMLO, entries=entries), ctx()) == []


def test_refusals_on_30_percent_of_28_days_is_a_signal_and_8_days_is_not():
    nine = tuple(dose(d, "R", d) for d in range(8, 17))  # 9 of 28 days: 32%
    assert len(mar.refused_often(facts(AMLO, entries=nine), ctx())) == 1
    assert mar.refused_often(facts(AMLO, entries=nine[:8]), ctx()) == []  # 28.6%


def test_a_correction_that_made_a_refusal_a_given_dose_is_not_counted():
    entries = (
        dose(1, "R", 1),
        dose(3, "R", 2),
        dose(6, "R", 3),
        dose(6, None, 4, supersedes_id=1003),
    )
    assert mar.refused_often(facts(AMLO, entries=entries), ctx()) == []


def test_withheld_three_times_in_seven_days_is_a_signal_two_is_not_and_absence_never():
    withheld = (
        dose(1, "W", 1, code_label="Withheld"),
        dose(2, "S", 2),
        dose(4, "W", 3, code_label="Withheld"),
    )
    (signal,) = mar.not_given_often(facts(AMLO, entries=withheld), ctx())
    assert signal.kind == "not_given_often" and "Withheld x2" in signal.detail
    assert mar.not_given_often(facts(AMLO, entries=withheld[:2]), ctx()) == []
    away = (dose(1, "H", 1), dose(2, "H", 2), dose(3, "L", 3), dose(4, "R", 4))
    assert mar.not_given_often(facts(AMLO, entries=away), ctx()) == []


PARA = prn("paracetamol", 500)


def prn_given(days: int, start: int = 0):
    out = []
    for d in range(start, start + days):
        at = NOW - timedelta(days=d, hours=2)
        out.append(entry(id=2000 + d, chart_line_id=PARA.id, administered_at=at, recorded_at=at))
    return tuple(out)


def test_prn_given_on_14_of_21_days_is_a_signal_13_is_not():
    (signal,) = mar.prn_often(facts(PARA, entries=prn_given(14)), ctx())
    assert signal.kind == "prn_often" and len(signal.evidence) == 14
    assert mar.prn_often(facts(PARA, entries=prn_given(13)), ctx()) == []


def test_prn_days_before_the_window_do_not_count():
    assert mar.prn_often(facts(PARA, entries=prn_given(14, start=8)), ctx()) == []


def test_prn_not_given_for_90_days_is_a_signal_89_is_not():
    old = prn("paracetamol", 500, **started(200))
    last = {old.id: NOW - timedelta(days=91)}
    (signal,) = mar.prn_unused(facts(old, last_prn_given=last), ctx())
    assert signal.severity == Severity.INFO and signal.evidence == (("chart_line", old.id),)
    recent = {old.id: NOW - timedelta(days=89)}
    assert mar.prn_unused(facts(old, last_prn_given=recent), ctx()) == []
    young = prn("paracetamol", 500, **started(89))
    assert mar.prn_unused(facts(young), ctx()) == []


def test_a_regular_line_never_given_in_28_days_is_a_signal_and_one_dose_given_is_not():
    refused = tuple(dose(d, "R", d) for d in range(1, 28))
    (signal,) = mar.never_given(facts(AMLO, entries=refused), ctx())
    assert signal.kind == "never_given" and len(signal.evidence) == 27
    one_given = (*refused, dose(0, None, 99))
    assert mar.never_given(facts(AMLO, entries=one_given), ctx()) == []


def test_a_line_started_27_days_ago_is_not_never_given():
    young = med("amlodipine", 5, **started(27))
    assert mar.never_given(facts(young), ctx()) == []
    old = med("amlodipine", 5, **started(29))
    assert len(mar.never_given(facts(old), ctx())) == 1


def test_never_given_waits_while_the_resident_is_in_hospital():
    away = resident(absences=(("hospital", NOW - timedelta(days=3), None),))
    assert mar.never_given(facts(AMLO, who=away), ctx()) == []


LEVO = med("levodopa", 100, time_critical=True)


def levodopa_week(late_days: set[int]):
    out = []
    for d in range(7):  # the 08:00 doses of 14-20 June
        scheduled = (NOW - timedelta(days=d)).replace(hour=8, minute=0)
        given = scheduled + timedelta(minutes=45 if d in late_days else 5)
        out.append(entry(id=3000 + d, chart_line_id=LEVO.id, scheduled_at=scheduled,
                         administered_at=given, recorded_at=given))  # fmt: skip
    return tuple(out)


def test_three_time_critical_doses_late_in_7_days_is_urgent_two_is_not():
    (signal,) = mar.time_critical_late(facts(LEVO, entries=levodopa_week({1, 2, 4})), ctx())
    assert signal.severity == Severity.URGENT
    assert signal.evidence == (("administration", 3001), ("administration", 3002),
                               ("administration", 3004))  # fmt: skip
    assert mar.time_critical_late(facts(LEVO, entries=levodopa_week({1, 2})), ctx()) == []


def test_a_missed_time_critical_dose_counts_with_the_late_ones():
    week = [e for e in levodopa_week({1, 2}) if e.id != 3005]  # 15 June: nothing recorded
    assert len(mar.time_critical_late(facts(LEVO, entries=tuple(week)), ctx())) == 1


def test_a_home_threshold_changes_the_edge():
    entries = (dose(1, "R", 1), dose(3, "R", 2))
    assert mar.refused_often(facts(AMLO, entries=entries), ctx(refused__in_7_days=2))
    assert not mar.refused_often(facts(AMLO, entries=entries), ctx(refused__in_7_days=3))
    assert Decimal(2) == ctx(refused__in_7_days=2).thresholds["refused.in_7_days"]


def test_one_dose_not_given_of_a_three_day_old_line_is_not_a_signal():
    young = med("amlodipine", 5, **started(3))
    withheld = (dose(1, "W", 1, code_label="Withheld"),)  # 1 of 3 days: 33 %
    assert mar.not_given_often(facts(young, entries=withheld), ctx()) == []
    assert mar.refused_often(facts(young, entries=(dose(1, "R", 1),)), ctx()) == []


def test_the_share_of_days_counts_from_a_line_active_7_days_not_6():
    # The 7-day count set out of reach: only the share of days can raise these.
    three = tuple(dose(d, "R", d) for d in (1, 2, 3))  # 3 of 7 days: 43 %
    week_old = med("amlodipine", 5, **started(7))
    (signal,) = mar.refused_often(facts(week_old, entries=three), ctx(refused__in_7_days=99))
    assert "on 3 of the last 7 days" in signal.detail
    six_days = med("amlodipine", 5, **started(6.9))
    assert mar.refused_often(facts(six_days, entries=three), ctx(refused__in_7_days=99)) == []
    withheld = tuple(dose(d, "W", d) for d in (1, 2, 3))
    high = ctx(not_given__in_7_days=99)
    assert len(mar.not_given_often(facts(week_old, entries=withheld), high)) == 1
    assert mar.not_given_often(facts(six_days, entries=withheld), high) == []


def test_the_share_of_days_needs_3_doses_not_2():
    week_old = med("amlodipine", 5, **started(7))
    low = ctx(refused__in_7_days=99, refused__share_of_28_days=20)
    two = (dose(1, "R", 1), dose(2, "R", 2))  # 2 of 7 days: 29 %, above 20 %
    assert mar.refused_often(facts(week_old, entries=two), low) == []
    three = (*two, dose(3, "R", 3))
    assert len(mar.refused_often(facts(week_old, entries=three), low)) == 1
    low_ng = ctx(not_given__in_7_days=99, not_given__share_of_28_days=20)
    withheld = tuple(dose(d, "W", d) for d in (1, 2))
    assert mar.not_given_often(facts(week_old, entries=withheld), low_ng) == []
    assert len(mar.not_given_often(facts(week_old, entries=(*withheld, dose(3, "W", 3))), low_ng))
