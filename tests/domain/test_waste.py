"""The waste rule, by hand: avoidable or not, costs to the penny, cycles for the trend."""

from datetime import date
from decimal import Decimal

import pytest

from emar.domain.waste import (
    Avoidable,
    CycleTotal,
    DisposalFacts,
    LastOrder,
    avoidable,
    cost_pence,
    cycle_start_of,
    cycle_trend,
    money,
    unit_price,
)

D = Decimal


def facts(reason="end of cycle", *, prn=False, after_stop=False, order=None):
    return DisposalFacts(reason, prn, after_stop, order)


def test_stock_delivered_after_the_line_was_stopped_is_avoidable():
    assert avoidable(facts("discontinued", after_stop=True)) == Avoidable.STOPPED_BUT_ORDERED
    # even with an order that was right when it was made
    assert (
        avoidable(facts("stopped", after_stop=True, order=LastOrder(D(56), D(0), D(56))))
        == Avoidable.STOPPED_BUT_ORDERED
    )


def test_ordering_though_the_stock_carried_forward_covered_the_cycle_is_avoidable():
    # 56 needed, 60 on the shelf, 28 more ordered (a nurse's change): all of it surplus
    assert avoidable(facts(order=LastOrder(D(56), D(60), D(28)))) == Avoidable.STOCK_WAS_ENOUGH
    # exactly enough in stock counts too
    assert avoidable(facts(order=LastOrder(D(56), D(56), D(1)))) == Avoidable.STOCK_WAS_ENOUGH


def test_prn_ordered_and_not_used_is_over_ordered():
    order = LastOrder(D(20), D(4), D(16))  # from the last cycles' use, less stock
    assert avoidable(facts("expired", prn=True, order=order)) == Avoidable.PRN_OVER_ORDERED
    assert avoidable(facts("expired", prn=False, order=order)) is None  # regular, ordered right


@pytest.mark.parametrize(
    "reason", ["dropped", "refused and destroyed", "spoilt", "resident died", "resident left"]
)
def test_a_dose_spoilt_or_a_resident_gone_is_not_an_ordering_failure(reason):
    assert avoidable(facts(reason, prn=True, after_stop=True, order=LastOrder(D(1), D(9), D(9))))\
        is None  # fmt: skip


def test_nothing_ordered_or_no_order_kept_is_not_called_avoidable():
    assert avoidable(facts(order=None)) is None
    assert avoidable(facts(order=LastOrder(D(56), D(60), D(0)))) is None


def test_costs_use_the_cheapest_pack_per_unit_and_round_to_the_penny():
    # 28 for 120p = 4.2857p each; 56 for 200p = 3.5714p each: the cheaper counts
    price = unit_price([(28, 120), (56, 200)])
    assert price == D(200) / 56
    assert cost_pence(D(7), price) == 25  # 7 x 3.5714 = 25.0p
    assert cost_pence(D(-10), price) == 36  # a movement's sign does not matter: 35.714 -> 36
    assert cost_pence(D(3), None) is None
    assert unit_price([]) is None
    assert (money(None), money(5), money(123456)) == ("-", "£0.05", "£1,234.56")


def test_cycles_count_from_the_homes_cycle_start_both_ways():
    first = date(2026, 7, 6)
    assert cycle_start_of(date(2026, 7, 6), first, date(2026, 12, 1)) == first
    assert cycle_start_of(date(2026, 8, 2), first, date(2026, 12, 1)) == first  # day 28
    assert cycle_start_of(date(2026, 8, 3), first, date(2026, 12, 1)) == date(2026, 8, 3)
    assert cycle_start_of(date(2026, 7, 5), first, date(2026, 12, 1)) == date(2026, 6, 8)


def test_without_a_cycle_start_the_blocks_end_on_the_reports_last_day():
    last = date(2026, 11, 28)
    assert cycle_start_of(last, None, last) == date(2026, 11, 1)
    assert cycle_start_of(date(2026, 10, 31), None, last) == date(2026, 10, 4)


def test_the_trend_has_every_cycle_including_empty_ones():
    first = date(2026, 9, 7)  # cycles 7 Sep, 5 Oct, 2 Nov, 30 Nov
    items = [
        (date(2026, 9, 10), 120, True),
        (date(2026, 9, 30), None, False),  # no price: counted, costs nothing known
        (date(2026, 11, 5), 300, False),
    ]
    assert cycle_trend(items, first, date(2026, 11, 30)) == [
        CycleTotal(date(2026, 9, 7), 2, 120, 120),
        CycleTotal(date(2026, 10, 5), 0, 0, 0),
        CycleTotal(date(2026, 11, 2), 1, 300, 0),
        CycleTotal(date(2026, 11, 30), 0, 0, 0),
    ]
    assert cycle_trend([], first, date(2026, 11, 30)) == []
    # from the report's first day when that is earlier: the empty cycles before count
    since = cycle_trend(items[2:], first, date(2026, 11, 30), since=date(2026, 10, 6))
    assert [(c.start, c.disposals) for c in since] == [
        (date(2026, 10, 5), 0),
        (date(2026, 11, 2), 1),
        (date(2026, 11, 30), 0),
    ]
