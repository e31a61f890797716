"""The waste report's content: every disposal and return of a period with its cost where a
price is known, whether ordering could have avoided it (emar.domain.waste), totals by reason,
medicine and resident, and the trend over the home's 28-day cycles."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.domain.ordering import CYCLE_DAYS
from emar.domain.schedule import local_instant
from emar.domain.waste import (
    Avoidable,
    CycleTotal,
    DisposalFacts,
    LastOrder,
    avoidable,
    cost_pence,
    cycle_trend,
)
from emar.domain.wording import format_amount, unit_text
from emar.models import (
    ChartLine,
    ChartLineEvent,
    Medicine,
    MedicineOrder,
    MedicineOrderLine,
    Resident,
    Staff,
    StockMovement,
)
from emar.reports.data import Scope, unit_name
from emar.services.charts.prices import unit_prices
from emar.services.home import HomeSettings, get_home

WASTE_KINDS = ("wasted", "returned")
TREND_CYCLES = 6  # the trend looks back this many cycles before the period's end


@dataclass(frozen=True)
class WasteItem:
    at: datetime
    resident: str
    room: str
    medicine: str
    quantity: Decimal  # dose units, positive
    unit: str
    reason: str
    way: str  # "returned" to the pharmacy or "destroyed" in the home
    staff: str
    cost_pence: int | None
    avoidable: Avoidable | None


@dataclass(frozen=True)
class WasteTotal:
    name: str
    disposals: int
    quantity: str  # "56 tablets; 100 ml": units are not added across medicines
    cost_pence: int
    unpriced: int  # disposals with no known price
    avoidable_pence: int
    avoidable: int  # disposals avoidable


@dataclass(frozen=True)
class WasteData:
    home: HomeSettings
    unit: str
    scope: Scope
    items: list[WasteItem]
    by_reason: list[WasteTotal]
    by_medicine: list[WasteTotal]
    by_resident: list[WasteTotal]
    by_avoidable: list[WasteTotal]
    trend: list[CycleTotal]

    @property
    def cost_pence(self) -> int:
        return sum(x.cost_pence or 0 for x in self.items)

    @property
    def avoidable_pence(self) -> int:
        return sum(x.cost_pence or 0 for x in self.items if x.avoidable)

    @property
    def unpriced(self) -> int:
        return sum(1 for x in self.items if x.cost_pence is None)


def _quantities(items: Iterable[WasteItem]) -> str:
    by_unit: dict[str, Decimal] = defaultdict(Decimal)
    for x in items:
        by_unit[x.unit] += x.quantity
    return "; ".join(f"{format_amount(q)} {unit_text(u, q)}" for u, q in sorted(by_unit.items()))


def totals(
    items: Iterable[WasteItem], key: Callable[[WasteItem], Hashable | None]
) -> list[WasteTotal]:
    """Totals per key (items whose key is None left out), the costliest first."""
    groups: dict[Hashable, list[WasteItem]] = defaultdict(list)
    for x in items:
        k = key(x)
        if k is not None:
            groups[k].append(x)
    rows = [
        WasteTotal(
            str(k),
            len(xs),
            _quantities(xs),
            sum(x.cost_pence or 0 for x in xs),
            sum(1 for x in xs if x.cost_pence is None),
            sum(x.cost_pence or 0 for x in xs if x.avoidable),
            sum(1 for x in xs if x.avoidable),
        )
        for k, xs in groups.items()
    ]
    return sorted(rows, key=lambda t: (-t.cost_pence, -t.disposals, t.name))


def _stopped_at(session: Session, line_ids: set[int]) -> dict[int, datetime]:
    """When each line stopped: its stop event, or its end date, whichever came first."""
    stopped: dict[int, datetime] = {}
    for line_id, ends_at in session.execute(
        select(ChartLine.id, ChartLine.ends_at).where(ChartLine.id.in_(line_ids))
    ):
        if ends_at is not None:
            stopped[line_id] = ends_at
    for line_id, at in session.execute(
        select(ChartLineEvent.chart_line_id, ChartLineEvent.effective_at).where(
            ChartLineEvent.chart_line_id.in_(line_ids), ChartLineEvent.kind == "stopped"
        )
    ):
        stopped[line_id] = min(at, stopped.get(line_id, at))
    return stopped


def _received(session: Session, line_ids: set[int]) -> dict[int, list[datetime]]:
    received: dict[int, list[datetime]] = defaultdict(list)
    for line_id, at in session.execute(
        select(StockMovement.chart_line_id, StockMovement.occurred_at).where(
            StockMovement.chart_line_id.in_(line_ids), StockMovement.kind == "received"
        )
    ):
        if line_id is not None:
            received[line_id].append(at)
    return received


def _orders(session: Session, line_ids: set[int]) -> dict[int, list[tuple[datetime, LastOrder]]]:
    orders: dict[int, list[tuple[datetime, LastOrder]]] = defaultdict(list)
    for line_id, made_at, needed, in_stock, quantity in session.execute(
        select(
            MedicineOrderLine.chart_line_id,
            MedicineOrder.made_at,
            MedicineOrderLine.needed,
            MedicineOrderLine.in_stock,
            MedicineOrderLine.quantity,
        )
        .join(MedicineOrder, MedicineOrder.id == MedicineOrderLine.order_id)
        .where(MedicineOrderLine.chart_line_id.in_(line_ids))
        .order_by(MedicineOrder.made_at, MedicineOrder.id)
    ):
        orders[line_id].append((made_at, LastOrder(needed, in_stock, quantity)))
    return orders


def _items(session: Session, scope: Scope, start: datetime) -> list[WasteItem]:
    query = (
        select(
            StockMovement.occurred_at,
            StockMovement.kind,
            StockMovement.quantity,
            StockMovement.reason,
            StockMovement.chart_line_id,
            StockMovement.medicine_id,
            Resident.given_name,
            Resident.family_name,
            Resident.room,
            Medicine.name,
            Medicine.strength,
            Medicine.dose_unit,
            Staff.full_name,
            ChartLine.timing,
        )
        .join(Resident, StockMovement.resident_id == Resident.id)
        .join(Medicine, StockMovement.medicine_id == Medicine.id)
        .join(Staff, StockMovement.staff_id == Staff.id)
        .outerjoin(ChartLine, StockMovement.chart_line_id == ChartLine.id)
        .where(
            StockMovement.kind.in_(WASTE_KINDS),
            StockMovement.occurred_at >= start,
            StockMovement.occurred_at < scope.end,
        )
        .order_by(StockMovement.occurred_at, StockMovement.id)
    )
    if scope.unit_id is not None:
        query = query.where(Resident.unit_id == scope.unit_id)
    if scope.resident_id is not None:
        query = query.where(StockMovement.resident_id == scope.resident_id)
    rows = [
        r
        for r in session.execute(query)
        if not scope.medicine or scope.medicine.lower() in r.name.lower()
    ]
    line_ids = {r.chart_line_id for r in rows if r.chart_line_id is not None}
    stopped = _stopped_at(session, line_ids)
    received = _received(session, line_ids)
    orders = _orders(session, line_ids)
    prices = unit_prices(session, {r.medicine_id for r in rows})
    items = []
    for r in rows:
        line = r.chart_line_id
        stop = stopped.get(line) if line is not None else None
        after_stop = stop is not None and any(at >= stop for at in received.get(line or 0, ()))
        earlier = [o for at, o in orders.get(line or 0, ()) if at <= r.occurred_at]
        facts = DisposalFacts(
            r.reason or "", r.timing == "prn", after_stop, earlier[-1] if earlier else None
        )
        items.append(
            WasteItem(
                r.occurred_at,
                f"{r.given_name} {r.family_name}",
                r.room or "",
                " ".join(x for x in (r.name, r.strength) if x),
                -r.quantity,
                r.dose_unit,
                r.reason or "",
                "returned" if r.kind == "returned" else "destroyed",
                r.full_name,
                cost_pence(r.quantity, prices.get(r.medicine_id)),
                avoidable(facts),
            )
        )
    return items


def waste_data(session: Session, scope: Scope) -> WasteData:
    """Disposals and returns in [start, end), costed, with the trend over the cycles before."""
    home = get_home(session)
    zone = home.zone
    last_day = (scope.end - timedelta(microseconds=1)).astimezone(zone).date()
    trend_from = local_instant(
        last_day - timedelta(days=CYCLE_DAYS * TREND_CYCLES), datetime.min.time(), zone
    )
    earliest = min(scope.start, trend_from)
    everything = _items(session, scope, earliest)
    items = [x for x in everything if x.at >= scope.start]
    trend = cycle_trend(
        (
            (x.at.astimezone(zone).date(), x.cost_pence, x.avoidable is not None)
            for x in everything
            if x.at >= trend_from
        ),
        home.cycle_start_date,
        last_day,
        scope.start.astimezone(zone).date(),
    )
    return WasteData(
        home,
        unit_name(session, scope.unit_id),
        scope,
        items,
        totals(items, lambda x: x.reason),
        totals(items, lambda x: x.medicine),
        totals(items, lambda x: f"{x.resident} (room {x.room})" if x.room else x.resident),
        totals(items, lambda x: x.avoidable),
        trend,
    )
