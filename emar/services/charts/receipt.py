"""The receipt check (issue 18, part 2): what was booked in since a monthly order was recorded,
reconciled against it line by line (the rule is emar.domain.receipt), and the check signed by
the nurse, recorded as it stood (append-only) and read back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.domain.doses import DoseState
from emar.domain.line_periods import ENDED, STOPPED
from emar.domain.receipt import URGENT_HOURS, BookedIn, OrderedLine, Outcome, ReceiptItem
from emar.domain.receipt import reconcile as reconcile_items
from emar.domain.text_rules import clean_text
from emar.errors import ValidationError
from emar.models import (
    ChartLine,
    Medicine,
    MedicineIngredient,
    MedicineOrder,
    MedicineOrderLine,
    ReceiptCheck,
    ReceiptCheckLine,
    Resident,
    Staff,
    StockMovement,
)
from emar.services.audit import record_event
from emar.services.charts.packs import medicines_for_gtin
from emar.services.charts.reading import line_status
from emar.services.charts.stock import balance
from emar.services.permissions import Action, require
from emar.services.round.due import due_list

PENDING = (DoseState.UPCOMING, DoseState.DUE_SOON, DoseState.DUE, DoseState.OVERDUE)


@dataclass(frozen=True)
class ReceiptLine:
    """One item of the check, named for the nurse."""

    chart_line_id: int
    resident: str
    room: str
    medicine: str  # the chart line's
    outcome: str  # emar.domain.receipt.Outcome
    ordered: Decimal
    received: Decimal
    urgent: bool
    note: str
    pack_medicine: str | None = None  # a wrong pack's product
    stopped: bool = False  # the line was stopped or ended since the order: return, not give
    unit: str = ""  # the dose unit ordered and received count


@dataclass(frozen=True)
class Receipt:
    order_id: int
    cycle_start: date
    ordered_at: datetime
    lines: tuple[ReceiptLine, ...]  # urgent first, then by resident and medicine

    @property
    def urgent(self) -> list[ReceiptLine]:
        return [x for x in self.lines if x.urgent]


@dataclass(frozen=True)
class ReceiptCheckView(Receipt):
    id: int = 0
    checked_by: str = ""
    checked_at: datetime | None = None
    note: str | None = None


def _order(session: Session, order_id: int) -> MedicineOrder:
    order = session.get(MedicineOrder, order_id)
    if order is None:
        raise ValidationError(f"No order {order_id}.")
    return order


def _booked(session: Session, since: datetime, until: datetime) -> list[BookedIn]:
    """Stock received for a chart line since the order, each with the medicine of the pack
    scanned: its barcode's product (the line's own when the barcode is one of its packs)."""
    rows = session.execute(
        select(
            StockMovement.chart_line_id,
            ChartLine.medicine_id,
            StockMovement.medicine_id,
            StockMovement.gtin,
            StockMovement.quantity,
        )
        .join(ChartLine, ChartLine.id == StockMovement.chart_line_id)
        .where(
            StockMovement.kind == "received",
            StockMovement.occurred_at >= since,
            StockMovement.occurred_at <= until,
        )
        .order_by(StockMovement.id)
    ).all()
    products: dict[str, dict[int, str]] = {}
    booked = []
    for line_id, line_medicine, medicine_id, gtin, quantity in rows:
        if line_id is None:  # never: joined to its chart line
            continue
        pack = medicine_id
        if gtin:
            if gtin not in products:
                products[gtin] = medicines_for_gtin(session, gtin)
            found = products[gtin]
            pack = line_medicine if line_medicine in found else next(iter(found), medicine_id)
        booked.append(BookedIn(line_id, line_medicine, pack, quantity))
    return booked


def _substances(session: Session, medicine_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    found: dict[int, set[int]] = {}
    for medicine_id, ingredient_id in session.execute(
        select(MedicineIngredient.medicine_id, MedicineIngredient.ingredient_id).where(
            MedicineIngredient.medicine_id.in_(list(set(medicine_ids)))
        )
    ):
        found.setdefault(medicine_id, set()).add(ingredient_id)
    return {k: frozenset(v) for k, v in found.items()}


def _next_due(session: Session, resident_ids: list[int], now: datetime) -> dict[int, datetime]:
    """Each regular line's next dose not yet recorded, as the due list sees it."""
    due: dict[int, datetime] = {}
    rounds = due_list(
        session, now, resident_ids=resident_ids, lookahead=timedelta(hours=URGENT_HOURS)
    )
    for r in rounds:
        for d in r.doses:
            if d.state in PENDING and d.chart_line_id not in due:
                due[d.chart_line_id] = d.scheduled_at  # doses come in time order
    return due


def _named(session: Session, items: list[ReceiptItem]) -> list[ReceiptLine]:
    line_ids = {i.chart_line_id for i in items}
    lines = {
        row.id: row
        for row in session.execute(
            select(
                ChartLine.id,
                ChartLine.medicine_id,
                ChartLine.dose_unit,
                Resident.given_name,
                Resident.family_name,
                Resident.room,
            )
            .join(Resident, Resident.id == ChartLine.resident_id)
            .where(ChartLine.id.in_(line_ids))
        )
    }
    medicine_ids = {row.medicine_id for row in lines.values()}
    medicine_ids |= {i.pack_medicine_id for i in items if i.pack_medicine_id is not None}
    names = {
        m.id: m.display_name
        for m in session.scalars(select(Medicine).where(Medicine.id.in_(medicine_ids)))
    }
    named = []
    for i in items:
        row = lines[i.chart_line_id]
        named.append(
            ReceiptLine(
                i.chart_line_id,
                f"{row.given_name} {row.family_name}",
                row.room or "",
                names[row.medicine_id],
                str(i.outcome),
                i.ordered,
                i.received,
                i.urgent,
                i.note,
                names[i.pack_medicine_id] if i.pack_medicine_id is not None else None,
                i.stopped,
                row.dose_unit,
            )
        )
    # urgent first, then what needs chasing or checking, then what came in full
    named.sort(
        key=lambda x: (
            not x.urgent,
            x.outcome == Outcome.RECEIVED and not x.stopped,
            x.room,
            x.resident,
            x.medicine.lower(),
        )
    )
    return named


def reconcile(session: Session, staff_id: int, order_id: int, now: datetime) -> Receipt:
    """What arrived for the order: every stock movement booked in since it was recorded."""
    require(session, staff_id, Action.MANAGE_STOCK)
    order = _order(session, order_id)
    rows = session.execute(
        select(
            MedicineOrderLine.chart_line_id,
            MedicineOrderLine.medicine_id,
            MedicineOrderLine.quantity,
            MedicineOrderLine.resident_id,
            MedicineOrderLine.packs,
            MedicineOrderLine.pack_size,
        ).where(MedicineOrderLine.order_id == order_id)
    ).all()
    ordered = [OrderedLine(r[0], r[1], r[2], Decimal(r[4] * r[5]) if r[5] else None) for r in rows]
    booked = _booked(session, order.made_at, now)
    residents = {r[3] for r in rows} | set(
        session.scalars(
            select(ChartLine.resident_id).where(ChartLine.id.in_({b.chart_line_id for b in booked}))
        )
    )
    substances = _substances(
        session,
        [o.medicine_id for o in ordered] + [b.pack_medicine_id for b in booked],
    )
    next_due = _next_due(session, sorted(residents), now)
    in_hand = {o.chart_line_id: balance(session, o.chart_line_id) for o in ordered}
    doses = {
        line_id: dose
        for line_id, dose in session.execute(
            select(ChartLine.id, ChartLine.dose_max).where(
                ChartLine.id.in_([o.chart_line_id for o in ordered])
            )
        )
    }
    lines = session.scalars(
        select(ChartLine).where(ChartLine.id.in_([o.chart_line_id for o in ordered]))
    ).all()
    stopped = {line.id for line in lines if line_status(line, now).state in (STOPPED, ENDED)}
    items = reconcile_items(
        ordered,
        booked,
        next_due,
        now,
        substances,
        in_hand=in_hand,
        next_dose=doses,
        stopped=stopped,
    )
    return Receipt(order.id, order.cycle_start, order.made_at, tuple(_named(session, items)))


def sign_receipt_check(
    session: Session, staff_id: int, order_id: int, now: datetime, note: str | None = None
) -> int:
    """Record the check of the order as it stands now, signed by `staff_id`; returns its id."""
    receipt = reconcile(session, staff_id, order_id, now)
    check = ReceiptCheck(
        order_id=order_id, checked_by_id=staff_id, checked_at=now, note=clean_text(note, "Note")
    )
    session.add(check)
    session.flush()
    for x in receipt.lines:
        session.add(
            ReceiptCheckLine(
                receipt_check_id=check.id,
                chart_line_id=x.chart_line_id,
                ordered=x.ordered,
                received=x.received,
                outcome=x.outcome,
                urgent=x.urgent,
                note=x.note if x.pack_medicine is None else f"{x.pack_medicine}: {x.note}",
            )
        )
    session.flush()
    counts: dict[str, int] = {}
    for x in receipt.lines:
        counts[x.outcome] = counts.get(x.outcome, 0) + 1
    record_event(
        session,
        "receipt.checked",
        staff_id=staff_id,
        entity="receipt_check",
        entity_id=check.id,
        detail={"order_id": order_id, "outcomes": counts, "urgent": len(receipt.urgent)},
    )
    return check.id


def receipt_checks(session: Session, staff_id: int, order_id: int) -> list[ReceiptCheckView]:
    """The checks signed for an order, newest first, each item as it was recorded."""
    require(session, staff_id, Action.MANAGE_STOCK)
    order = _order(session, order_id)
    views = []
    for check, checked_by in session.execute(
        select(ReceiptCheck, Staff.full_name)
        .join(Staff, Staff.id == ReceiptCheck.checked_by_id)
        .where(ReceiptCheck.order_id == order_id)
        .order_by(ReceiptCheck.checked_at.desc(), ReceiptCheck.id.desc())
    ):
        rows = session.scalars(
            select(ReceiptCheckLine)
            .where(ReceiptCheckLine.receipt_check_id == check.id)
            .order_by(ReceiptCheckLine.id)
        ).all()
        named = _named(
            session,
            [
                ReceiptItem(
                    r.chart_line_id, Outcome(r.outcome), r.ordered, r.received, r.urgent, r.note
                )
                for r in rows
            ],
        )
        views.append(
            ReceiptCheckView(
                order.id,
                order.cycle_start,
                order.made_at,
                tuple(named),
                id=check.id,
                checked_by=checked_by,
                checked_at=check.checked_at,
                note=check.note,
            )
        )
    return views
