"""Signals for high-risk monitoring and from dates on the chart; the thresholds and the
review list's order."""

from datetime import date, timedelta
from decimal import Decimal

from emar.domain.review.ranking import (
    Counts,
    LastReview,
    ReviewStatus,
    new_urgent,
    rank_key,
    review_status,
)
from emar.domain.review.signals import (
    LineExtra,
    Observation,
    Plan,
    Severity,
    Signal,
    dates,
    monitoring,
    resident_signals,
)
from emar.domain.review.thresholds import DEFINITIONS, Thresholds
from tests.support.review import NOW, ctx, facts, med, prn, started

WARFARIN = med("warfarin", 1)
TODAY = date(2026, 6, 20)


def test_warfarin_without_a_monitoring_plan_is_a_signal():
    (signal,) = monitoring.high_risk_monitoring(facts(WARFARIN), ctx())
    assert signal.kind == "monitoring_no_plan"
    assert monitoring.high_risk_monitoring(facts(med("apixaban")), ctx()) == []


def inr(days_ago: int) -> Observation:
    return Observation(31, "inr", Decimal("2.4"), NOW - timedelta(days=days_ago))


def test_inr_older_than_the_plan_allows_is_overdue_within_it_is_not():
    plan = (Plan(7, "inr", 28),)
    (signal,) = monitoring.high_risk_monitoring(
        facts(WARFARIN, plans=plan, observations=(inr(29),)), ctx()
    )
    assert signal.kind == "monitoring_overdue" and signal.severity == Severity.URGENT
    assert signal.evidence == (("plan", 7), ("observation", 31))
    assert (
        monitoring.high_risk_monitoring(facts(WARFARIN, plans=plan, observations=(inr(27),)), ctx())
        == []
    )


def test_lithium_with_a_plan_and_no_level_ever_is_overdue():
    plan = (Plan(8, "lithium", 90),)
    (signal,) = monitoring.high_risk_monitoring(facts(med("lithium", 400), plans=plan), ctx())
    assert "none recorded" in signal.detail


def test_a_line_review_date_passed_is_a_signal_today_is_not():
    yesterday = {WARFARIN.id: LineExtra(review_date=TODAY - timedelta(days=1))}
    assert len(dates.line_review_passed(facts(WARFARIN, extras=yesterday), ctx())) == 1
    today = {WARFARIN.id: LineExtra(review_date=TODAY)}
    assert dates.line_review_passed(facts(WARFARIN, extras=today), ctx()) == []


def test_a_prn_protocols_review_date_passed_says_so():
    """domain.md: a PRN line carries when to review it, its protocol's review date."""
    laxative = prn("paracetamol", 500, id=77)
    passed = {77: LineExtra(review_date=TODAY - timedelta(days=1))}
    (signal,) = dates.line_review_passed(facts(laxative, extras=passed), ctx())
    assert signal.title.endswith(": PRN protocol review date passed")
    (line,) = dates.line_review_passed(
        facts(WARFARIN, extras=passed | {WARFARIN.id: passed[77]}), ctx()
    )
    assert line.title.endswith(": line review date passed")


def test_a_covert_review_date_passed_is_urgent_today_is_not():
    (signal,) = dates.covert_review_passed(facts(covert_review_date=date(2026, 6, 19)), ctx())
    assert signal.severity == Severity.URGENT
    assert dates.covert_review_passed(facts(covert_review_date=TODAY), ctx()) == []


def test_a_course_past_its_days_still_active_is_a_signal():
    course = med("amlodipine", directions="One three times a day for 7 days", **started(8))
    (signal,) = dates.course_ended(facts(course), ctx())
    assert signal.kind == "course_ended"
    running = med("amlodipine", directions="One daily for 7 days", **started(6))
    assert dates.course_ended(facts(running), ctx()) == []
    ended = med("amlodipine", directions="for 7 days", ends_at=NOW, **started(8))
    assert dates.course_ended(facts(ended), ctx()) == []


def test_course_days_reads_the_directions():
    assert dates.course_days("Take one twice a day for five days") == 5
    assert dates.course_days("7-day course") == 7
    assert dates.course_days("One daily") is None


def test_a_stopped_line_still_in_stock_is_a_signal_with_none_left_it_is_not():
    stopped = med("amlodipine", status="stopped")
    held = {stopped.id: LineExtra(stock=Decimal(14))}
    (signal,) = dates.stopped_in_stock(facts(stopped, extras=held), ctx())
    assert "14 tablets still held" in signal.detail
    one = {stopped.id: LineExtra(stock=Decimal("1.000"))}
    (signal,) = dates.stopped_in_stock(facts(stopped, extras=one), ctx())
    assert signal.detail.startswith("1 tablet still held")
    empty = {stopped.id: LineExtra(stock=Decimal(0))}
    assert dates.stopped_in_stock(facts(stopped, extras=empty), ctx()) == []
    active = {WARFARIN.id: LineExtra(stock=Decimal(14))}
    assert dates.stopped_in_stock(facts(WARFARIN, extras=active), ctx()) == []


def test_every_threshold_has_a_unit_a_meaning_and_a_source_and_home_values_override():
    assert all(t.unit and t.meaning and t.source for t in DEFINITIONS)
    t = Thresholds.of({"acb.total": Decimal(4), "no.such.key": Decimal(1)})
    assert t["acb.total"] == 4 and t["refused.in_7_days"] == 3 and "no.such.key" not in t.values


def test_all_signals_come_most_severe_first():
    lines = (med("ibuprofen", **started(10)), med("warfarin", **started(10)))
    found = resident_signals(facts(*lines), ctx())
    assert [s.kind for s in found] == ["nsaid_anticoagulant", "monitoring_no_plan"]


def _signal(severity: Severity, *lines: int) -> Signal:
    return Signal("k", 1, lines, severity, "NSAID with an anticoagulant", "d", (), "src")


def test_never_reviewed_is_due_and_the_pharmacists_next_review_date_is_kept():
    assert review_status(None, [], TODAY) == (ReviewStatus.DUE, TODAY, "no review recorded yet")
    set_for = TODAY + timedelta(days=30)
    reviewed = LastReview(TODAY - timedelta(days=300), next_review_on=set_for)
    assert review_status(reviewed, [], TODAY)[:2] == (ReviewStatus.NOT_DUE, set_for)
    assert review_status(reviewed, [], set_for)[:2] == (ReviewStatus.DUE, set_for)
    day_after = set_for + timedelta(days=1)
    assert review_status(reviewed, [], day_after) == (
        ReviewStatus.OVERDUE,
        set_for,
        f"next review was due {set_for:%d %b %Y}",
    )


def test_without_a_next_review_date_a_review_is_due_a_year_on():
    year_ago = LastReview(TODAY - timedelta(days=365))
    assert review_status(year_ago, [], TODAY)[:2] == (ReviewStatus.DUE, TODAY)
    assert review_status(year_ago, [], TODAY, yearly_days=366)[0] == ReviewStatus.NOT_DUE
    older = LastReview(TODAY - timedelta(days=366))
    assert review_status(older, [], TODAY)[0] == ReviewStatus.OVERDUE


def test_only_an_urgent_signal_the_review_did_not_see_calls_it_again():
    last = LastReview(TODAY - timedelta(days=21), TODAY + timedelta(days=160), frozenset({7}))
    seen = _signal(Severity.URGENT, 7)
    assert review_status(last, [seen], TODAY)[0] == ReviewStatus.NOT_DUE
    on_a_new_line = _signal(Severity.URGENT, 7, 8)
    assert review_status(last, [seen, on_a_new_line], TODAY) == (
        ReviewStatus.DUE,
        TODAY,
        "new since the review: NSAID with an anticoagulant",
    )
    whole_resident = _signal(Severity.URGENT)
    assert review_status(last, [whole_resident], TODAY)[0] == ReviewStatus.DUE
    not_urgent = _signal(Severity.ATTENTION, 8)
    assert review_status(last, [not_urgent], TODAY)[0] == ReviewStatus.NOT_DUE
    assert new_urgent(None, [seen, not_urgent]) == [seen]


def test_the_review_list_puts_overdue_then_urgent_then_longest_since_a_review_first():
    def key(status, counts, last, name):
        return rank_key(status, counts, last, name)

    rows = sorted(
        [
            key(ReviewStatus.DUE, Counts(attention=3), None, "B"),
            key(ReviewStatus.DUE, Counts(urgent=1), None, "C"),
            key(ReviewStatus.OVERDUE, Counts(), date(2025, 1, 1), "D"),
            key(ReviewStatus.NOT_DUE, Counts(urgent=2), date(2026, 5, 1), "E"),
            key(ReviewStatus.DUE, Counts(attention=3), date(2026, 1, 1), "A"),
        ]
    )
    assert [r[-1] for r in rows] == ["D", "C", "B", "A", "E"]


def test_signal_is_plain_data():
    s = Signal("k", 1, (), Severity.INFO, "t", "d", (), "src")
    assert s.severity.rank == 0
