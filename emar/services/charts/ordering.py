"""The monthly order (issue 18, part 1): drafted from the current charts, the stock carried
forward and the last cycles' PRN use (the rule is emar.domain.ordering), checked by the nurse,
then recorded once (append-only) and read back for the order list."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from emar.domain.doses import LineFacts
from emar.domain.line_periods import ACTIVE
from emar.domain.ordering import (
    CYCLE_DAYS,
    PRN_CYCLES,
    CycleWindow,
    cycle_use,
    next_cycle_start,
    order_quantity,
    ordering_window,
    past_cycles,
)
from emar.domain.text_rules import clean_text
from emar.domain.wording import format_amount
from emar.errors import ValidationError
from emar.models import (
    Administration,
    MedicineGtin,
    MedicineOrder,
    MedicineOrderLine,
    Resident,
    Staff,
)
from emar.services.audit import record_event
from emar.services.charts.homely_remedies import homely_line_ids
from emar.services.charts.stock import balance
from emar.services.home import get_home
from emar.services.permissions import Action, require
from emar.services.round.facts import line_dose_text, load_entries, load_lines

NO_PRACTICE = "GP practice not recorded"


class OrderExists(ValidationError):
    """An order for the cycle is already recorded."""


@dataclass(frozen=True)
class OrderLine:
    """One chart line of an order (drafted, or as recorded)."""

    chart_line_id: int
    resident_id: int
    resident: str
    room: str
    gp_practice: str
    medicine_id: int
    medicine: str
    dose: str
    when: str
    status: str  # the chart line's status when the order was drafted or read
    needed: Decimal
    in_stock: Decimal
    quantity: Decimal  # dose units to order
    packs: int
    pack_size: int | None
    note: str  # how the quantity was worked out
    not_required_reason: str | None = None
    adjusted_reason: str | None = None

    @property
    def ordered(self) -> bool:
        return self.quantity > 0


@dataclass(frozen=True)
class OrderDraft:
    cycle_start: date
    lines: tuple[OrderLine, ...]  # by GP practice, then room and resident, then medicine

    @property
    def by_practice(self) -> dict[str, list[OrderLine]]:
        groups: dict[str, list[OrderLine]] = defaultdict(list)
        for line in self.lines:
            groups[line.gp_practice].append(line)
        return dict(groups)


@dataclass(frozen=True)
class OrderView(OrderDraft):
    id: int = 0
    made_by: str = ""
    made_at: datetime | None = None
    note: str | None = None


@dataclass(frozen=True)
class OrderSummary:
    id: int
    cycle_start: date
    made_by: str
    made_at: datetime
    lines: int
    packs: int


@dataclass(frozen=True)
class OrderChange:
    """The nurse's change to one drafted line: not required this cycle, or another quantity
    (dose units); either needs its reason."""

    not_required_reason: str | None = None
    quantity: Decimal | None = None
    adjusted_reason: str | None = None


def _when(line: LineFacts) -> str:
    t = line.timing
    times = ", ".join(f"{x:%H:%M}" for x in t.times)
    if t.kind == "prn":
        return f"when required ({line.prn_indication})" if line.prn_indication else "when required"
    if t.kind == "every_n_hours":
        return f"every {t.every_n_hours} hours"
    if t.kind == "every_n_days":
        return f"every {t.every_n_days} days at {times}"
    if t.kind == "weekdays":
        return f"weekly at {times}" if len(t.weekdays) == 1 else f"some days at {times}"
    return f"daily at {times}"


def pack_sizes(session: Session, medicine_ids: Sequence[int]) -> dict[int, int]:
    """Each medicine's known pack size: the smallest among its barcodes."""
    return dict(
        session.execute(  # type: ignore[arg-type]
            select(MedicineGtin.medicine_id, func.min(MedicineGtin.pack_size))
            .where(MedicineGtin.medicine_id.in_(medicine_ids), MedicineGtin.pack_size.is_not(None))
            .group_by(MedicineGtin.medicine_id)
        ).all()
    )


def prn_use(
    session: Session,
    resident_ids: Sequence[int],
    lines: Sequence[LineFacts],
    first: date,
    zone: ZoneInfo,
    now: datetime | None = None,
) -> dict[int, list[Decimal]]:
    """Dose units given in each of the last cycles each PRN line was active in, most recent
    first (a corrected entry counts as its correction says); with `now`, the cycle still
    running counts as its use so far scaled to a whole cycle (`cycle_use`)."""
    prn = [line for line in lines if line.is_prn]
    if not prn:
        return {}
    recorded_from = session.scalar(select(func.min(Administration.recorded_at)))
    if recorded_from is None:
        return {}  # no MAR yet: no use to go by
    since = CycleWindow.of(first - timedelta(days=CYCLE_DAYS * PRN_CYCLES), zone).start
    until = CycleWindow.of(first, zone).start
    entries = [
        e for e in load_entries(session, resident_ids, since, until) if e.scheduled_at is None
    ]
    superseded = {e.supersedes_id for e in entries if e.supersedes_id is not None}
    given = [e for e in entries if e.id not in superseded and e.outcome == "given"]
    use: dict[int, list[Decimal]] = {}
    for line in prn:
        found = []
        for w in past_cycles(first, zone, line.active_periods, recorded_from=recorded_from):
            used = sum(
                (
                    e.dose_given or Decimal(0)
                    for e in given
                    if e.chart_line_id == line.id
                    and e.administered_at is not None
                    and w.start <= e.administered_at < w.end
                ),
                Decimal(0),
            )
            counted = used if now is None else cycle_use(used, w, now)
            if counted is not None:
                found.append(counted)
        use[line.id] = found
    return use


def _current(line: LineFacts, since: datetime) -> bool:
    """On the order list: active lines, suspended ones, and those stopped or ended since the
    last cycle began (shown as not ordered)."""
    if line.status in (ACTIVE, "suspended"):
        return True
    ends = [end for _, end in line.active_periods]
    return any(end is None or end > since for end in ends) or not ends


def draft_order(session: Session, staff_id: int, cycle_start: date, now: datetime) -> OrderDraft:
    """The order for the cycle starting on `cycle_start`, for every current resident."""
    require(session, staff_id, Action.MANAGE_STOCK, doing="make or read the monthly order")
    zone = get_home(session).zone
    cycle = CycleWindow.of(cycle_start, zone)
    residents = {
        r.id: r
        for r in session.execute(
            select(
                Resident.id,
                Resident.given_name,
                Resident.family_name,
                Resident.room,
                Resident.gp_practice,
            ).where(Resident.status == "resident")
        )
    }
    ids = list(residents)
    since = CycleWindow.of(cycle_start - timedelta(days=CYCLE_DAYS), zone).start
    lines = [line for line in load_lines(session, ids, now) if _current(line, since)]
    homely = homely_line_ids(session, [line.id for line in lines])  # the home's own stock
    lines = [line for line in lines if line.id not in homely]
    packs = pack_sizes(session, sorted({line.medicine_id for line in lines}))
    prn = prn_use(session, ids, lines, cycle_start, zone, now)
    drafted = []
    for line in lines:
        r = residents[line.resident_id]
        q = order_quantity(
            line,
            cycle,
            zone,
            balance(session, line.id),
            packs.get(line.medicine_id),
            prn.get(line.id, ()),
            now,
        )
        drafted.append(
            OrderLine(
                line.id,
                r.id,
                f"{r.given_name} {r.family_name}",
                r.room or "",
                (r.gp_practice or "").strip() or NO_PRACTICE,
                line.medicine_id,
                line.medicine,
                line_dose_text(line),
                _when(line),
                line.status,
                q.needed,
                q.in_stock,
                q.to_order,
                q.packs,
                q.pack_size,
                q.note,
            )
        )
    drafted.sort(key=_order_key)
    return OrderDraft(cycle_start, tuple(drafted))


def _order_key(line: OrderLine) -> tuple[object, ...]:
    return (line.gp_practice, line.room, line.resident, line.medicine.lower(), line.chart_line_id)


def changed_line(line: OrderLine, change: OrderChange) -> OrderLine:
    """A drafted line with the nurse's change, or refused (ValidationError) with the reason:
    what record_order saves, and what a screen shows before it does."""
    not_required = clean_text(change.not_required_reason, "Reason")
    adjusted = clean_text(change.adjusted_reason, "Reason")
    if not_required and change.quantity is not None:
        raise ValidationError(
            f"{line.medicine} for {line.resident}: either not required or another quantity."
        )
    if not_required:
        return replace(line, quantity=Decimal(0), packs=0, not_required_reason=not_required)
    if change.quantity is None:
        raise ValidationError(
            f"{line.medicine} for {line.resident}: give the reason it is not required this "
            "cycle, or the quantity to order and why."
        )
    if change.quantity < 0:
        raise ValidationError(f"{line.medicine} for {line.resident}: a quantity below zero.")
    if not adjusted:
        raise ValidationError(
            f"{line.medicine} for {line.resident}: give the reason for changing the quantity "
            f"from {format_amount(line.quantity)} to {format_amount(change.quantity)}."
        )
    packs = math.ceil(change.quantity / line.pack_size) if line.pack_size else 0
    return replace(line, quantity=change.quantity, packs=packs, adjusted_reason=adjusted)


def record_order(
    session: Session,
    staff_id: int,
    cycle_start: date,
    now: datetime,
    changes: Mapping[int, OrderChange] | None = None,
    note: str | None = None,
    *,
    again: bool = False,
) -> int:
    """Save the order for the cycle as drafted now, with the nurse's changes per chart line;
    returns its id. Lines not on the draft cannot be changed. A second order for a cycle
    already ordered is refused (OrderExists) unless `again`: sent twice, it is delivered
    twice."""
    changes = changes or {}
    draft = draft_order(session, staff_id, cycle_start, now)
    earlier = session.execute(
        select(MedicineOrder.id, MedicineOrder.made_at, Staff.full_name)
        .join(Staff, Staff.id == MedicineOrder.made_by_id)
        .where(MedicineOrder.cycle_start == cycle_start)
        .order_by(MedicineOrder.made_at.desc(), MedicineOrder.id.desc())
    ).first()
    if earlier is not None and not again:
        zone = get_home(session).zone
        raise OrderExists(
            f"Order {earlier.id} for the cycle starting {cycle_start:%d %b %Y} was recorded on "
            f"{earlier.made_at.astimezone(zone):%d %b at %H:%M} by {earlier.full_name}. "
            "Sent again, everything on it would be delivered twice: record another only to "
            "order what is still needed."
        )
    drafted = {line.chart_line_id for line in draft.lines}
    unknown = sorted(set(changes) - drafted)
    if unknown:
        raise ValidationError(f"Chart line {unknown[0]} is not on this order.")
    order = MedicineOrder(
        cycle_start=cycle_start, made_by_id=staff_id, made_at=now, note=clean_text(note, "Note")
    )
    session.add(order)
    session.flush()
    for line in draft.lines:
        if line.chart_line_id in changes:
            line = changed_line(line, changes[line.chart_line_id])
        session.add(
            MedicineOrderLine(
                order_id=order.id,
                resident_id=line.resident_id,
                chart_line_id=line.chart_line_id,
                medicine_id=line.medicine_id,
                needed=line.needed,
                in_stock=line.in_stock,
                quantity=line.quantity,
                packs=line.packs,
                pack_size=line.pack_size,
                note=line.note,
                not_required_reason=line.not_required_reason,
                adjusted_reason=line.adjusted_reason,
            )
        )
    session.flush()
    record_event(
        session,
        "order.recorded",
        staff_id=staff_id,
        entity="medicine_order",
        entity_id=order.id,
        detail={"cycle_start": cycle_start, "lines": len(draft.lines), "changed": sorted(changes)},
    )
    return order.id


def orders(session: Session, staff_id: int) -> list[OrderSummary]:
    """The orders recorded, newest first."""
    require(session, staff_id, Action.MANAGE_STOCK, doing="make or read the monthly order")
    o, line = MedicineOrder, MedicineOrderLine
    rows = session.execute(
        select(
            o.id,
            o.cycle_start,
            Staff.full_name,
            o.made_at,
            func.count(line.id),
            func.coalesce(func.sum(line.packs), 0),
        )
        .join(Staff, o.made_by_id == Staff.id)
        .outerjoin(line, line.order_id == o.id)
        .group_by(o.id, o.cycle_start, Staff.full_name, o.made_at)
        .order_by(o.made_at.desc(), o.id.desc())
    ).all()
    return [OrderSummary(r[0], r[1], r[2], r[3], int(r[4]), int(r[5])) for r in rows]


def order_view(session: Session, staff_id: int, order_id: int) -> OrderView:
    """One recorded order, line by line, with the residents and medicines as now named."""
    require(session, staff_id, Action.MANAGE_STOCK, doing="make or read the monthly order")
    order = session.get(MedicineOrder, order_id)
    if order is None:
        raise ValidationError(f"No order {order_id}.")
    made_by = session.get(Staff, order.made_by_id)
    rows = session.scalars(
        select(MedicineOrderLine).where(MedicineOrderLine.order_id == order_id)
    ).all()
    residents = {
        r.id: r
        for r in session.execute(
            select(
                Resident.id,
                Resident.given_name,
                Resident.family_name,
                Resident.room,
                Resident.gp_practice,
            ).where(Resident.id.in_({row.resident_id for row in rows}))
        )
    }
    facts = {
        f.id: f for f in load_lines(session, list(residents), order.made_at)
    }  # as the chart stood when the order was made
    lines = []
    for row in rows:
        r, f = residents[row.resident_id], facts[row.chart_line_id]
        lines.append(
            OrderLine(
                row.chart_line_id,
                r.id,
                f"{r.given_name} {r.family_name}",
                r.room or "",
                (r.gp_practice or "").strip() or NO_PRACTICE,
                row.medicine_id,
                f.medicine,
                line_dose_text(f),
                _when(f),
                f.status,
                row.needed,
                row.in_stock,
                row.quantity,
                row.packs,
                row.pack_size,
                row.note,
                row.not_required_reason,
                row.adjusted_reason,
            )
        )
    lines.sort(key=_order_key)
    return OrderView(
        order.cycle_start,
        tuple(lines),
        id=order.id,
        made_by=made_by.full_name if made_by else "",
        made_at=order.made_at,
        note=order.note,
    )


@dataclass(frozen=True)
class NextCycle:
    cycle_start: date
    ordered: bool  # an order is recorded for it
    reminder: str | None  # "Order now: ..." / "The order is late: ..." / None


def next_cycle(session: Session, now: datetime) -> NextCycle:
    """The home's next cycle (after today, the home's day), whether its order is recorded,
    and the reminder to make it."""
    home = get_home(session)
    today = now.astimezone(home.zone).date()
    start = next_cycle_start(home.cycle_start_date, today)
    ordered = (
        session.scalar(
            select(func.count(MedicineOrder.id)).where(MedicineOrder.cycle_start == start)
        )
        or 0
    ) > 0
    return NextCycle(start, ordered, ordering_window(start, today, ordered=ordered))
