"""Waste: what a disposal cost, whether it could have been avoided, and which cycle it fell in.

A disposal is avoidable when ordering made it: stock ordered or delivered for a line after it
was stopped; more ordered than the cycle needed while the stock carried forward already
covered it; PRN ordered and then not used. Waste from a dose dropped or refused, or from a
resident who left or died, is recorded and costed but is not called avoidable here (it is
learnt from through incidents and reviews, not through ordering).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from emar.domain.ordering import CYCLE_DAYS

# Reasons that mean the medicine was not used up (what ordering can prevent); anything else
# (dropped, spoilt, refused and destroyed, resident left or died...) is not avoidable by ordering.
UNUSED_REASONS = frozenset(
    {"expired", "end of cycle", "discontinued", "stopped", "surplus", "not required"}
)


class Avoidable(StrEnum):
    STOPPED_BUT_ORDERED = "stopped but ordered"
    STOCK_WAS_ENOUGH = "ordered while stock was enough"
    PRN_OVER_ORDERED = "PRN over-ordered"


@dataclass(frozen=True)
class LastOrder:
    """The line's last recorded order before the disposal: what the cycle needed, what was in
    stock then, and what was ordered (dose units)."""

    needed: Decimal
    in_stock: Decimal
    quantity: Decimal


@dataclass(frozen=True)
class DisposalFacts:
    reason: str
    prn: bool
    supplied_after_stop: bool  # stock received for the line after it was stopped
    last_order: LastOrder | None


def avoidable(facts: DisposalFacts) -> Avoidable | None:
    """Why a disposal could have been avoided, or None when ordering did not cause it."""
    if facts.reason.strip().lower() not in UNUSED_REASONS:
        return None
    if facts.supplied_after_stop:
        return Avoidable.STOPPED_BUT_ORDERED
    order = facts.last_order
    if order is None or order.quantity <= 0:
        return None
    if order.in_stock >= order.needed:
        return Avoidable.STOCK_WAS_ENOUGH
    if facts.prn:
        return Avoidable.PRN_OVER_ORDERED
    return None


def unit_price(packs: Iterable[tuple[int, int]]) -> Decimal | None:
    """The lowest price per dose unit (pence) of the known (pack size, pack price in pence):
    a disposal is costed at the cheapest pack, so the waste report never overstates it."""
    per_unit = [Decimal(pence) / size for size, pence in packs if size > 0]
    return min(per_unit) if per_unit else None


def cost_pence(quantity: Decimal, price_per_unit: Decimal | None) -> int | None:
    """What `quantity` dose units cost, to the penny; None when no price is known."""
    if price_per_unit is None:
        return None
    return int((abs(quantity) * price_per_unit).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def money(pence: int | None) -> str:
    """Pence as pounds for a report: "£12.05", "-" when unknown."""
    if pence is None:
        return "-"
    return f"£{pence // 100:,}.{pence % 100:02d}"


def cycle_start_of(day: date, first_day: date | None, period_end: date) -> date:
    """The first day of the 28-day cycle `day` falls in: the home's cycles (counted from its
    cycle start, backwards as well as forwards), or, with none set, 28-day blocks ending on
    the report's last day."""
    anchor = first_day if first_day is not None else period_end + timedelta(days=1)
    return anchor + timedelta(days=((day - anchor).days // CYCLE_DAYS) * CYCLE_DAYS)


@dataclass(frozen=True)
class CycleTotal:
    start: date
    disposals: int
    cost_pence: int
    avoidable_pence: int


def cycle_trend(
    items: Iterable[tuple[date, int | None, bool]],
    first_day: date | None,
    last_day: date,
    since: date | None = None,
) -> list[CycleTotal]:
    """Totals per cycle, oldest first, of (local day, cost, avoidable) items: every cycle from
    the first item's (or `since`'s, if earlier) to the last day's, empty ones included (a trend
    needs them; before the first disposal on record there is nothing to show)."""
    rows: dict[date, list[int]] = {}
    for day, cost, is_avoidable in items:
        start = cycle_start_of(day, first_day, last_day)
        total = rows.setdefault(start, [0, 0, 0])
        total[0] += 1
        total[1] += cost or 0
        total[2] += (cost or 0) if is_avoidable else 0
    if not rows:
        return []
    last = cycle_start_of(last_day, first_day, last_day)
    start = min(rows)
    if since is not None:
        start = min(start, cycle_start_of(since, first_day, last_day))
    out = []
    while start <= last:
        n, cost, avoid = rows.get(start, [0, 0, 0])
        out.append(CycleTotal(start, n, cost, avoid))
        start += timedelta(days=CYCLE_DAYS)
    return out
