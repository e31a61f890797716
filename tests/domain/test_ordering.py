"""Order quantities for a 28-day cycle at its edges, counted by hand (issue 18): lines starting
or stopping mid-cycle, a patch every 72 hours, a weekly dose, a range, PRN with and without
history, stock carried forward, packs rounded up, a stopped line, a cycle over the clocks
going back."""

from dataclasses import replace
from datetime import date, datetime, time
from decimal import Decimal

from emar.domain.ordering import (
    CycleWindow,
    next_cycle_start,
    order_quantity,
    ordering_window,
    past_cycles,
)
from emar.domain.schedule import Timing
from tests.support.facts import LONDON, daily, line, prn_line

# Monday 6 July 2026 to Sunday 2 August (28 days, all in summer time)
CYCLE = CycleWindow.of(date(2026, 7, 6), LONDON)


def local(d: date, hh: int = 0) -> datetime:
    return datetime.combine(d, time(hh), LONDON)


def test_twice_daily_for_the_whole_cycle_less_stock_in_packs_of_28():
    bd = line(timing=daily("08:00", "20:00"))
    q = order_quantity(bd, CYCLE, LONDON, Decimal(10), 28)
    # 28 days x 2 = 56 tablets; 10 in stock -> 46 -> 2 packs of 28 (56)
    assert (q.needed, q.to_order, q.packs) == (56, 46, 2)
    assert q.note == (
        "56 doses in the cycle x 1 tablet; 10 in stock carried forward; 2 packs of 28"
    )


def test_a_line_starting_mid_cycle_counts_from_its_start():
    starts = local(date(2026, 7, 20), 12)  # after that day's 08:00
    q = order_quantity(
        line(starts_at=starts, active_periods=((starts, None),)), CYCLE, LONDON, Decimal(0), 28
    )
    # 21 Jul to 2 Aug: 13 doses
    assert (q.needed, q.packs) == (13, 1)


def test_a_line_ending_mid_cycle_counts_to_its_end():
    ends = local(date(2026, 7, 12), 9)  # its last dose 08:00 on 12 July
    start = line().starts_at
    ending = line(ends_at=ends, active_periods=((start, ends),))  # as the chart's periods say
    q = order_quantity(ending, CYCLE, LONDON, Decimal(0), 28)
    assert q.needed == 7  # 6 to 12 July


def test_a_patch_every_72_hours():
    start = local(date(2026, 7, 1), 9)  # applied 09:00 on 1 July, then every 72 h
    patch = line(
        timing=Timing("every_n_hours", every_n_hours=72),
        starts_at=start,
        active_periods=((start, None),),
        dose_unit="patch",
    )
    # 1, 4, 7, 10 ... July 09:00: in the cycle 7, 10, 13, 16, 19, 22, 25, 28, 31 July = 9
    q = order_quantity(patch, CYCLE, LONDON, Decimal(0), 4)
    assert (q.needed, q.packs) == (9, 3)
    assert q.note.startswith("9 doses in the cycle x 1 patch")


def test_a_weekly_dose():
    weekly = line(timing=Timing("weekdays", times=(time(8),), weekdays=frozenset({1})))
    q = order_quantity(weekly, CYCLE, LONDON, Decimal(0), 4)
    assert (q.needed, q.packs) == (4, 1)  # four Mondays


def test_a_range_is_ordered_at_its_most():
    q = order_quantity(
        line(dose_min=Decimal(1), dose_max=Decimal(2)), CYCLE, LONDON, Decimal(0), 56
    )
    assert (q.needed, q.packs) == (56, 1)


def test_enough_in_stock_orders_nothing_and_says_so():
    q = order_quantity(line(), CYCLE, LONDON, Decimal(28), 28)
    assert (q.to_order, q.packs) == (0, 0)
    assert q.note.endswith("28 in stock carried forward; enough in stock: nothing to order")
    one_short = order_quantity(line(), CYCLE, LONDON, Decimal(27), 28)
    assert (one_short.to_order, one_short.packs) == (1, 1)


def test_made_ahead_the_stock_carried_is_what_the_doses_before_the_cycle_leave():
    bd = line(timing=daily("08:00", "20:00"))
    # made on Mon 29 Jun at 14:00: doses 29 Jun 20:00, then 30 Jun to 5 Jul twice a day =
    # 1 + 12 = 13 due before the cycle starts; 40 in stock -> 27 carried forward
    q = order_quantity(bd, CYCLE, LONDON, Decimal(40), 28, now=local(date(2026, 6, 29), 14))
    assert (q.in_stock, q.to_order, q.packs) == (27, 29, 2)
    assert "40 in stock now, 13 to be used before the cycle starts: 27 carried forward" in q.note
    # fewer than the doses before: nothing carried, the whole cycle ordered
    q = order_quantity(bd, CYCLE, LONDON, Decimal(10), 28, now=local(date(2026, 6, 29), 14))
    assert (q.in_stock, q.to_order) == (0, 56)
    # made once the cycle has started: the stock as it is
    q = order_quantity(bd, CYCLE, LONDON, Decimal(10), 28, now=local(date(2026, 7, 6), 9))
    assert (q.in_stock, q.to_order) == (10, 46)


def test_made_ahead_prn_stock_carried_is_less_its_recent_rate_of_use():
    prn = prn_line(dose_max=Decimal(2), prn_max_24h=4)
    used = [Decimal(28), Decimal(28)]  # 28 a cycle: 1 a day
    # 7 days ahead (29 Jun 00:00 to 6 Jul 00:00): 7 used; 20 in stock -> 13 carried
    q = order_quantity(prn, CYCLE, LONDON, Decimal(20), 28, used, now=local(date(2026, 6, 29)))
    assert (q.needed, q.in_stock, q.to_order, q.packs) == (28, 13, 15, 1)


def test_prn_use_in_the_cycle_still_running_is_scaled_to_a_whole_cycle():
    from emar.domain.ordering import cycle_use

    running = CycleWindow.of(date(2026, 6, 8), LONDON)  # 8 Jun to 6 Jul
    # 14 days in (22 Jun 00:00): 6 given -> 6 x 28 / 14 = 12 a cycle
    assert cycle_use(Decimal(6), running, local(date(2026, 6, 22))) == 12
    # 10.5 days in: 5 x 28 / 10.5 = 13.33 -> 14 (rounded up)
    assert cycle_use(Decimal(5), running, local(date(2026, 6, 18), 12)) == 14
    # under a week: too little to go by
    assert cycle_use(Decimal(5), running, local(date(2026, 6, 14), 23)) is None
    # a cycle that is over counts as given
    assert cycle_use(Decimal(5), running, local(date(2026, 7, 6))) == 5


def test_prn_from_its_use_not_its_maximum():
    prn = prn_line(dose_max=Decimal(2), prn_max_24h=4)  # at most 8 a day: 224 a cycle
    used = [Decimal(10), Decimal(6), Decimal(5), Decimal(40)]  # most recent first
    q = order_quantity(prn, CYCLE, LONDON, Decimal(4), 32, prn_used=used)
    # the last three cycles: (10 + 6 + 5) / 3 = 7, rounded up; 4 in stock -> 3 -> 1 pack
    assert (q.needed, q.to_order, q.packs) == (7, 3, 1)
    assert q.note.startswith(
        "when required: 7 a cycle, the average of the last 3 cycles (10, 6, 5)"
    )


def test_prn_with_no_use_yet_is_one_pack_said_so():
    q = order_quantity(prn_line(), CYCLE, LONDON, Decimal(0), 32)
    assert (q.needed, q.packs) == (32, 1)
    assert q.note.startswith("when required, no use yet: one pack")
    never_used = order_quantity(prn_line(), CYCLE, LONDON, Decimal(0), 32, [Decimal(0)] * 3)
    assert (never_used.needed, never_used.packs) == (0, 0)  # used in none of three cycles


def test_a_stopped_line_is_not_ordered():
    stopped = line(status="stopped")
    q = order_quantity(stopped, CYCLE, LONDON, Decimal(3), 28)
    assert (q.needed, q.packs, q.note) == (0, 0, "not ordered: the line is stopped")


def test_a_cycle_over_the_clocks_going_back_has_28_days_of_doses():
    autumn = CycleWindow.of(date(2026, 10, 12), LONDON)  # 25 Oct: 25 hours
    assert order_quantity(line(), autumn, LONDON, Decimal(0), 28).needed == 28
    early = replace(line(), timing=daily("01:30"))  # 01:30 happens twice on 25 Oct: one dose
    assert order_quantity(early, autumn, LONDON, Decimal(0), 28).needed == 28


def test_pack_size_not_known_orders_by_quantity():
    q = order_quantity(line(), CYCLE, LONDON, Decimal(0), None)
    assert (q.to_order, q.packs) == (28, 0)
    assert q.note.endswith("pack size not known: order by quantity")


def test_the_ordering_window_from_two_weeks_to_a_week_before_then_late():
    start = date(2026, 7, 6)
    assert ordering_window(start, date(2026, 6, 21)) is None  # 15 days before: not yet
    assert ordering_window(start, date(2026, 6, 22)) == (
        "Order now: the cycle starts on 6 Jul (in 14 days)"
    )
    assert ordering_window(start, date(2026, 6, 28)).startswith("Order now")  # 8 days
    assert ordering_window(start, date(2026, 6, 29)) == (
        "The order is late: the cycle starts on 6 Jul (in 7 days)"
    )
    assert ordering_window(start, date(2026, 7, 5)).endswith("(in 1 day)")
    assert ordering_window(start, start).endswith("(today)")
    assert ordering_window(start, date(2026, 7, 7)) is None  # the cycle has begun
    assert ordering_window(start, date(2026, 6, 29), ordered=True) is None
    assert ordering_window(start, date(2026, 6, 22), ordered=True) is None


def test_past_cycles_are_those_the_line_was_active_in_most_recent_first():
    start = date(2026, 7, 6)
    always = ((local(date(2026, 1, 1)), None),)
    assert [w.start.date() for w in past_cycles(start, LONDON, always)] == [
        date(2026, 6, 8),
        date(2026, 5, 11),
        date(2026, 4, 13),
    ]
    recent = ((local(date(2026, 5, 20), 9), None),)  # started in the cycle before last
    assert [w.start.date() for w in past_cycles(start, LONDON, recent)] == [
        date(2026, 6, 8),
        date(2026, 5, 11),
    ]
    stopped_then_restarted = (
        (local(date(2026, 4, 1)), local(date(2026, 4, 20))),
        (local(date(2026, 6, 10)), None),
    )
    assert [w.start.date() for w in past_cycles(start, LONDON, stopped_then_restarted)] == [
        date(2026, 6, 8),
        date(2026, 4, 13),
    ]


def test_cycles_before_the_home_kept_its_mar_are_not_counted():
    always = ((local(date(2026, 1, 1)), None),)
    first_entry = local(date(2026, 5, 20), 8)
    cycles = past_cycles(date(2026, 7, 6), LONDON, always, recorded_from=first_entry)
    assert [w.start.date() for w in cycles] == [date(2026, 6, 8), date(2026, 5, 11)]


def test_the_next_cycle_steps_on_from_the_homes_cycle_start_or_a_monday_two_weeks_ahead():
    first = date(2026, 6, 15)  # a Monday
    assert next_cycle_start(first, date(2026, 6, 1)) == first  # not begun yet
    assert next_cycle_start(first, first) == date(2026, 7, 13)  # begun today: the next one
    assert next_cycle_start(first, date(2026, 7, 12)) == date(2026, 7, 13)
    assert next_cycle_start(first, date(2026, 7, 13)) == date(2026, 8, 10)
    # none set: the first Monday at least 14 days ahead
    assert next_cycle_start(None, date(2026, 11, 27)) == date(2026, 12, 14)  # a Friday
    assert next_cycle_start(None, date(2026, 11, 30)) == date(2026, 12, 14)  # a Monday
