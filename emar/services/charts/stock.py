"""Stock per resident's chart line: booked in by scanning, used by administrations, counted,
carried forward at the start of a cycle, returned or disposed of with a reason.

All movements are append-only; the balance is their sum. A count that disagrees with the
balance is a discrepancy: it needs a reason and is recorded as an adjustment (and audited).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from emar.domain.disposal import Reason, read_reason, way_for
from emar.domain.gtin import to_gtin14
from emar.domain.line_periods import ENDED, STOPPED
from emar.domain.rights.medicine import expired
from emar.domain.text_rules import clean_text, required_text
from emar.errors import ValidationError
from emar.models import ChartLine, StockMovement
from emar.services.audit import record_event
from emar.services.charts.packs import medicines_for_gtin
from emar.services.charts.reading import resident_chart
from emar.services.home import get_home
from emar.services.permissions import Action, require
from emar.services.staff.signing import Signature

DISPOSAL_REASONS = tuple(r.value for r in Reason)  # the disposal register's reasons


@dataclass(frozen=True)
class StockRow:
    """One chart line's stock, as the stock list shows it."""

    chart_line_id: int
    medicine: str
    dose: str
    balance: Decimal


@dataclass(frozen=True)
class StockCount:
    balance: Decimal
    counted: Decimal
    difference: Decimal


def _line(session: Session, line_id: int) -> ChartLine:
    line = session.get(ChartLine, line_id)
    if line is None:
        raise ValidationError("No such chart line.")
    return line


def balance(session: Session, line_id: int) -> Decimal:
    total = session.scalar(
        select(func.sum(StockMovement.quantity)).where(StockMovement.chart_line_id == line_id)
    )
    return Decimal(total or 0)


def _move(
    session: Session,
    staff_id: int,
    line: ChartLine,
    kind: str,
    quantity: Decimal,
    at: datetime,
    **extra: object,
) -> None:
    session.add(
        StockMovement(
            resident_id=line.resident_id,
            medicine_id=line.medicine_id,
            chart_line_id=line.id,
            kind=kind,
            quantity=quantity,
            staff_id=staff_id,
            occurred_at=at,
            **extra,
        )
    )
    session.flush()
    record_event(
        session,
        f"stock.{kind}",
        staff_id=staff_id,
        entity="chart_line",
        entity_id=line.id,
        detail={
            "quantity": str(quantity),
            **{k: str(v) for k, v in extra.items() if v is not None},
        },
    )


def book_in(
    session: Session,
    staff_id: int,
    line_id: int,
    gtin: str,
    quantity: Decimal,
    at: datetime,
    *,
    batch: str | None = None,
    expiry: date | None = None,
) -> Decimal:
    """Received stock, scanned: the pack must be this line's medicine. Returns the balance."""
    require(session, staff_id, Action.MANAGE_STOCK)
    line = _line(session, line_id)
    code = to_gtin14(gtin)
    medicines = medicines_for_gtin(session, code)
    if not medicines:
        raise ValidationError(
            f"Barcode {code} is not in the catalogue: attach it to the product first."
        )
    if line.medicine_id not in medicines:
        raise ValidationError("This pack is a different medicine from the chart line.")
    if quantity <= 0:
        raise ValidationError("The quantity received must be more than zero.")
    if expiry is not None and expired(expiry, get_home(session).zone, at):
        raise ValidationError(f"This pack expired on {expiry:%d %b %Y}: do not book it in.")
    _move(session, staff_id, line, "received", quantity, at, gtin=code, batch=batch, expiry=expiry)
    return balance(session, line_id)


def count_stock(
    session: Session,
    staff_id: int,
    line_id: int,
    counted: Decimal,
    at: datetime,
    reason: str | None = None,
) -> StockCount:
    """A stock check; a difference from the balance needs a reason and is recorded."""
    reason = clean_text(reason, "Reason")
    require(session, staff_id, Action.MANAGE_STOCK)
    line = _line(session, line_id)
    if counted < 0:
        raise ValidationError("A count cannot be below zero.")
    current = balance(session, line_id)
    difference = counted - current
    if difference:
        if not (reason or "").strip():
            raise ValidationError(
                f"The count ({counted.normalize():f}) differs from the record "
                f"({current.normalize():f}): give the reason for the "
                "discrepancy."
            )
        _move(
            session,
            staff_id,
            line,
            "count_adjustment",
            difference,
            at,
            reason=reason.strip() if reason else None,
        )
    else:
        record_event(
            session,
            "stock.counted",
            staff_id=staff_id,
            entity="chart_line",
            entity_id=line.id,
            detail={"counted": str(counted)},
        )
    return StockCount(current, counted, difference)


def carry_forward(
    session: Session,
    staff_id: int,
    line_id: int,
    counted: Decimal,
    at: datetime,
    reason: str | None = None,
) -> StockCount:
    """At the start of a cycle: the count is checked against the record, then carried."""
    result = count_stock(session, staff_id, line_id, counted, at, reason)
    record_event(
        session,
        "stock.carried_forward",
        staff_id=staff_id,
        entity="chart_line",
        entity_id=line_id,
        detail={"counted": str(counted)},
    )
    return result


def remove_stock(
    session: Session,
    staff_id: int,
    line_id: int,
    quantity: Decimal,
    at: datetime,
    *,
    kind: str,
    reason: str,
    witness: Signature | None = None,
) -> Decimal:
    """Return to the pharmacy or dispose of ("wasted"), with a reason: the disposal register's
    rule (emar.domain.disposal) says which way each reason goes and when a witness signs, and
    `kind` must agree with it. Returns the balance."""
    from emar.services.charts.disposals import record_disposal  # it builds on this module

    require(session, staff_id, Action.MANAGE_STOCK)
    reason = required_text(reason, "Reason")
    if kind not in ("returned", "wasted"):
        raise ValidationError("Stock leaves as 'returned' or 'wasted'.")
    chosen = read_reason(reason)
    if chosen is None:
        raise ValidationError(f"Choose a reason: {', '.join(DISPOSAL_REASONS)}.")
    if way_for(chosen).kind != kind:
        raise ValidationError(f"Stock {chosen.value} is {way_for(chosen).value}.")
    line = _line(session, line_id)
    return record_disposal(session, staff_id, line, quantity, at, chosen, witness=witness).balance


def stock_rows(session: Session, resident_id: int, now: datetime) -> list[StockRow]:
    """The resident's chart lines with their running balances (lines added since the list was
    last shown included: it is read afresh each time), and the stopped or ended lines still
    holding stock, named so, for it to be returned or disposed of."""
    rows = []
    for v in resident_chart(session, resident_id, now, include_finished=True):
        held = balance(session, v.id)
        if v.status in (STOPPED, ENDED):
            if held == 0:
                continue
            rows.append(StockRow(v.id, f"{v.medicine} ({v.status}: return it)", v.dose, held))
        else:
            rows.append(StockRow(v.id, v.medicine, v.dose, held))
    return rows
