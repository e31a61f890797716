"""How much of a chart line to order for the next 28-day cycle (issue 18, part 1): pure.

Regular lines: the doses the schedule asks for in the cycle (the home's local days, within the
line's active periods, so a line starting or ending mid-cycle, a patch every 72 hours or a
weekly dose count what they will really need), each at the most the line allows. When-required
(PRN) lines: what the last cycles actually used (their average, rounded up), not the most the
chart allows; a PRN line with no use yet is ordered as one pack, said so. Then what is in stock
is taken off (carried forward) and the rest rounded up to whole packs. A line stopped or
suspended when the order is made is not ordered.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal
from zoneinfo import ZoneInfo

from emar.domain.doses import LineFacts
from emar.domain.line_periods import ACTIVE
from emar.domain.schedule import line_instants
from emar.domain.wording import dose_text

CYCLE_DAYS = 28
PRN_CYCLES = 3  # the cycles of PRN use an order looks back on


@dataclass(frozen=True, slots=True)
class CycleWindow:
    start: datetime  # 00:00 local on the cycle's first day
    end: datetime  # 00:00 local on the day after its last

    @classmethod
    def of(cls, first_day: date, zone: ZoneInfo, days: int = CYCLE_DAYS) -> CycleWindow:
        return cls(
            datetime.combine(first_day, time(0), zone),
            datetime.combine(first_day + timedelta(days=days), time(0), zone),
        )


@dataclass(frozen=True, slots=True)
class OrderQuantity:
    line_id: int
    needed: Decimal  # dose units the cycle needs
    in_stock: Decimal  # carried forward
    to_order: Decimal  # dose units, before packs: needed - in stock, never below 0
    packs: int  # whole packs of `pack_size`; 0 when nothing is to be ordered
    pack_size: int | None
    note: str  # how the quantity was reached, in words, for the nurse checking the order


def _plural(n: Decimal | int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _amount(value: Decimal) -> Decimal:
    """10.00 as 10, 2.50 as 2.5: for reading (never 1E+1)."""
    if value == value.to_integral_value():
        return Decimal(int(value))
    return value.normalize()


def order_quantity(
    line: LineFacts,
    cycle: CycleWindow,
    zone: ZoneInfo,
    in_stock: Decimal,
    pack_size: int | None,
    prn_used: Sequence[Decimal] = (),
    now: datetime | None = None,
) -> OrderQuantity:
    """The order for one line for one cycle. `prn_used`: dose units given in each of the last
    cycles (PRN lines only), most recent first; `in_stock`: dose units in stock at `now`. What
    is carried forward is what will be left when the cycle starts: the stock now less the doses
    due before then (a PRN line: its recent rate of use), since the order is made one or two
    weeks ahead. Without `now`, `in_stock` is what is carried forward."""
    in_stock = max(in_stock, Decimal(0))
    held = in_stock
    if line.status != ACTIVE:
        return OrderQuantity(
            line.id, Decimal(0), in_stock, Decimal(0), 0, pack_size,
            f"not ordered: the line is {line.status}",
        )  # fmt: skip
    if line.is_prn:
        used = list(prn_used[:PRN_CYCLES])
        if not used:
            needed = Decimal(pack_size or 0)
            why = "when required, no use yet: one pack"
        else:
            needed = (sum(used, Decimal(0)) / len(used)).to_integral_value(ROUND_CEILING)
            why = (
                f"when required: {_amount(needed)} a cycle, the average of the last "
                f"{_plural(len(used), 'cycle')} ({', '.join(str(_amount(u)) for u in used)})"
            )
    else:
        doses = len(line_instants(line, zone, cycle.start, cycle.end))
        needed = line.dose_max * doses
        each = dose_text(line.dose_max, line.dose_max, line.dose_unit)
        why = f"{_plural(doses, 'dose')} in the cycle x {each}"
    before = Decimal(0)
    if now is not None and now < cycle.start:
        if line.is_prn:
            used = list(prn_used[:PRN_CYCLES])
            if used:
                days = Decimal((cycle.start - now).total_seconds()) / 86400
                per_cycle = sum(used, Decimal(0)) / len(used)
                before = (per_cycle * days / CYCLE_DAYS).to_integral_value(ROUND_CEILING)
        else:
            before = line.dose_max * len(line_instants(line, zone, now, cycle.start))
    in_stock = max(held - before, Decimal(0))
    to_order = max(needed - in_stock, Decimal(0))
    packs = math.ceil(to_order / pack_size) if pack_size and to_order > 0 else 0
    if before and held:
        why += (
            f"; {_amount(held)} in stock now, {_amount(before)} to be used before the cycle "
            f"starts: {_amount(in_stock)} carried forward"
        )
    elif in_stock:
        why += f"; {_amount(in_stock)} in stock carried forward"
    if to_order == 0:
        why += "; enough in stock: nothing to order"
    elif pack_size:
        why += f"; {_plural(packs, 'pack')} of {pack_size}"
    else:
        why += "; pack size not known: order by quantity"
    return OrderQuantity(
        line.id, _amount(needed), in_stock, _amount(to_order), packs, pack_size, why
    )


def past_cycles(
    cycle_start: date,
    zone: ZoneInfo,
    periods: Sequence[tuple[datetime, datetime | None]],
    count: int = PRN_CYCLES,
    recorded_from: datetime | None = None,
) -> list[CycleWindow]:
    """The last `count` 28-day cycles before `cycle_start` that the line was active in (its
    active periods overlap them), most recent first: the cycles whose PRN use is counted. A
    cycle over before `recorded_from` (the home's first MAR entry) is left out: no record of
    its use is no use."""
    windows = [
        CycleWindow.of(cycle_start - timedelta(days=CYCLE_DAYS * k), zone)
        for k in range(1, count + 1)
    ]
    return [
        w
        for w in windows
        if any(start < w.end and (end is None or end > w.start) for start, end in periods)
        and (recorded_from is None or w.end > recorded_from)
    ]


PART_CYCLE_MIN_DAYS = 7  # less of a cycle than this says too little about its PRN use


def cycle_use(used: Decimal, window: CycleWindow, now: datetime) -> Decimal | None:
    """A PRN line's use in a cycle, for the order: as given for a cycle that is over; for the
    cycle still running (the order is made before it ends), what was given so far scaled to
    28 days, or None (not counted) when under a week of it has passed."""
    if now >= window.end:
        return used
    elapsed = Decimal((now - window.start).total_seconds()) / 86400
    if elapsed < PART_CYCLE_MIN_DAYS:
        return None
    return (used * CYCLE_DAYS / elapsed).to_integral_value(ROUND_CEILING)


ORDER_FROM_DAYS = 14  # "a week or two before" the cycle starts (docs: the monthly cycle)
ORDER_LATE_DAYS = 7


def ordering_window(cycle_start: date, today: date, *, ordered: bool = False) -> str | None:
    """The reminder to make the monthly order: from 14 days before the cycle starts, "order
    now"; within the last 7 days with no order recorded, "late"; nothing otherwise."""
    days = (cycle_start - today).days
    if ordered or days < 0 or days > ORDER_FROM_DAYS:
        return None
    when = "today" if days == 0 else f"in {_plural(days, 'day')}"
    starts = f"the cycle starts on {cycle_start.day} {cycle_start:%b} ({when})"
    if days > ORDER_LATE_DAYS:
        return f"Order now: {starts}"
    return f"The order is late: {starts}"


def next_cycle_start(first_day: date | None, today: date) -> date:
    """The first day of the next 28-day cycle after `today`: the home's cycle start
    (`first_day`) stepped on by 28 days; with none set, the first Monday at least two weeks
    ahead (time to order)."""
    if first_day is None:
        ahead = today + timedelta(days=ORDER_FROM_DAYS)
        return ahead + timedelta(days=(7 - ahead.weekday()) % 7)
    if first_day > today:
        return first_day
    steps = (today - first_day).days // CYCLE_DAYS + 1
    return first_day + timedelta(days=CYCLE_DAYS * steps)
