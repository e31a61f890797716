"""Stock signals for the home, a unit or a resident (issue 18, part 5): over-stock, stopped
but still in stock, expiring, short. The rule is emar.domain.stock_signals; the cycle's supply
is the ordering rule's (emar.domain.ordering) over the 28 days from today, a PRN line's its
use in the last cycles (as the monthly order counts it).

One read, a fixed number of set-based queries: residents, chart lines, stock totals, received
packs, PRN use.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from emar.domain.doses import LineFacts
from emar.domain.ordering import CycleWindow, next_cycle_start, order_quantity
from emar.domain.schedule import line_instants
from emar.domain.stock_signals import (
    EXPIRY_DAYS,
    SHORT_DAYS,
    Kind,
    LineStock,
    Pack,
    StockSignal,
    stock_signals,
)
from emar.models import StockMovement
from emar.services.charts.ordering import pack_sizes, prn_use
from emar.services.charts.stock import StockRow, stock_rows
from emar.services.home import get_home
from emar.services.permissions import Action, require
from emar.services.round.facts import load_lines, load_residents

ORDER = {Kind.SHORT: 0, Kind.STOPPED_IN_STOCK: 1, Kind.EXPIRING: 2, Kind.OVER_STOCK: 3}


@dataclass(frozen=True)
class StockSignalRow:
    resident_id: int
    resident: str
    room: str
    chart_line_id: int
    medicine: str
    signal: str  # "short" / "stopped in stock" / "expiring" / "over-stock"
    text: str  # for a nurse
    quantity: Decimal  # short by / expiring / to return / surplus, in dose units
    when: date | None  # runs out / expires


def _cycle_need(
    line: LineFacts, today: date, zone, prn_used: list[Decimal] | None
) -> Decimal | None:  # type: ignore[no-untyped-def]
    if line.is_prn:
        if not prn_used:
            return None  # no use yet: nothing to measure over-stock by
        return (sum(prn_used, Decimal(0)) / len(prn_used)).to_integral_value(ROUND_CEILING)
    return order_quantity(line, CycleWindow.of(today, zone), zone, Decimal(0), None).needed


def stock_signal_rows(
    session: Session,
    staff_id: int | None,
    now: datetime,
    *,
    unit_id: int | None = None,
    resident_id: int | None = None,
    resident_ids: Sequence[int] | None = None,
    kinds: frozenset[Kind] | None = None,
    prn: bool = True,
) -> list[StockSignalRow]:
    """The signals at `now`, by room, resident and medicine, the most urgent first within a
    line. `staff_id` None: the command line. `kinds`: only those (e.g. SHORT for the round);
    `prn` False: regular lines only (no MAR history read, as the round's alerts want)."""
    if staff_id is not None:
        require(session, staff_id, Action.VIEW_CHARTS)
    home = get_home(session)
    zone = home.zone
    today = now.astimezone(zone).date()
    residents = {
        r.id: r
        for r in load_residents(
            session,
            unit_id=unit_id,
            resident_ids=list(resident_ids)
            if resident_ids is not None
            else None
            if resident_id is None
            else [resident_id],
        )
    }
    ids = list(residents)
    lines = load_lines(session, ids, now) if ids else []
    line_ids = [line.id for line in lines]
    totals: dict[int, Decimal] = {}
    packs: dict[int, list[Pack]] = defaultdict(list)
    if line_ids:
        totals = {
            lid: Decimal(total or 0)
            for lid, total in session.execute(
                select(StockMovement.chart_line_id, func.sum(StockMovement.quantity))
                .where(StockMovement.chart_line_id.in_(line_ids))
                .group_by(StockMovement.chart_line_id)
            )
            if lid is not None
        }
        for lid, qty, expiry, batch in session.execute(
            select(
                StockMovement.chart_line_id,
                StockMovement.quantity,
                StockMovement.expiry,
                StockMovement.batch,
            ).where(StockMovement.chart_line_id.in_(line_ids), StockMovement.kind == "received")
        ):
            if lid is not None:
                packs[lid].append(Pack(Decimal(qty), expiry, batch))
    tracked = [line for line in lines if line.id in totals and (prn or not line.is_prn)]
    delivery = next_cycle_start(home.cycle_start_date, today) if home.cycle_start_date else None
    ahead = max(delivery or today, today + timedelta(days=max(EXPIRY_DAYS, SHORT_DAYS) + 1))
    until = datetime.combine(ahead, time(0), zone)
    use = prn_use(session, ids, [x for x in tracked if x.is_prn], today, zone) if ids else {}
    sizes = pack_sizes(session, sorted({line.medicine_id for line in tracked}))
    rows: list[StockSignalRow] = []
    for line in tracked:
        due = () if line.is_prn else line_instants(line, zone, now, until)
        facts = LineStock(
            status=line.status,
            is_prn=line.is_prn,
            dose_unit=line.dose_unit,
            tracked=True,
            balance=totals[line.id],
            cycle_need=_cycle_need(line, today, zone, use.get(line.id)),
            doses_due=[(at, line.dose_max) for at in due],
            packs=packs[line.id],
            pack_size=sizes.get(line.medicine_id),
        )
        found: list[StockSignal] = stock_signals(facts, now, zone, delivery)
        r = residents[line.resident_id]
        rows += [
            StockSignalRow(
                r.id,
                r.name,
                r.room or "",
                line.id,
                line.medicine,
                s.kind.value,
                s.text,
                s.quantity,
                s.when,
            )
            for s in found
            if kinds is None or s.kind in kinds
        ]
    rows.sort(
        key=lambda x: (
            x.room,
            x.resident,
            x.medicine.lower(),
            ORDER[Kind(x.signal)],
            x.when or today,
        )
    )
    return rows


def by_urgency(rows: list[StockSignalRow]) -> list[StockSignalRow]:
    """The home's list for acting on: running out first (soonest first), then stopped but in
    stock, expiring, and over-stock last; by room within each."""
    far = date.max
    return sorted(rows, key=lambda x: (ORDER[Kind(x.signal)], x.when or far, x.room, x.resident))


def signals_by_line(rows: list[StockSignalRow]) -> dict[int, list[StockSignalRow]]:
    out: dict[int, list[StockSignalRow]] = defaultdict(list)
    for row in rows:
        out[row.chart_line_id].append(row)
    return dict(out)


@dataclass(frozen=True)
class StockLine(StockRow):
    """A line of the stock list with its signals, in words ("" when none)."""

    signals: str = ""
    urgent: bool = False  # short: it runs out before the next delivery


def stock_lines(session: Session, resident_id: int, now: datetime) -> list[StockLine]:
    """The resident's stock list (emar.services.charts.stock.stock_rows) with each line's
    signals."""
    found = signals_by_line(stock_signal_rows(session, None, now, resident_id=resident_id))
    out = []
    for row in stock_rows(session, resident_id, now):
        mine = found.get(row.chart_line_id, [])
        out.append(
            StockLine(
                row.chart_line_id,
                row.medicine,
                row.dose,
                row.balance,
                signals=" ".join(s.text for s in mine),
                urgent=any(s.signal == Kind.SHORT.value for s in mine),
            )
        )
    return out
