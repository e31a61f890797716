"""The disposal register (issue 18, part 3): every disposal with its quantity, reason, the way
it went (destroyed in the home or returned to the pharmacy), who, the witness, and the returns
batch it went back in.

A disposal is a stock movement ("wasted" or "returned", append-only). A returns batch puts each
returned movement still waiting into one batch by an INSERT (UNIQUE per movement): the batch is
the returns list the pharmacy signs. A not-given dose coded D records its disposal here, in the
not-given entry's transaction (`dispose_dose`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from emar.domain.disposal import (
    Reason,
    Way,
    quantity_refused,
    read_reason,
    reason_refused,
    way_for,
    witness_needed,
)
from emar.domain.text_rules import clean_text
from emar.domain.wording import format_amount
from emar.errors import ValidationError
from emar.models import (
    ChartLine,
    Medicine,
    Resident,
    ReturnBatch,
    ReturnBatchItem,
    Staff,
    StockMovement,
)
from emar.services.audit import record_event
from emar.services.charts.reading import line_status
from emar.services.charts.stock import balance
from emar.services.home import get_home
from emar.services.permissions import Action, require
from emar.services.staff.signing import Signature, countersign

DISPOSAL_KINDS = ("wasted", "returned")
NOTHING_PENDING = "Nothing is waiting to go back to the pharmacy: no returns list was made."
WITNESS_NEEDED = "Controlled drug: a witness must sign with their PIN for its disposal."
SAME_PERSON = "The witness must be a different member of staff."


@dataclass(frozen=True)
class DisposalQuestion:
    """What the stock-out dialog needs to know about a chart line before asking."""

    chart_line_id: int
    medicine: str
    balance: Decimal
    cd_schedule: int | None
    witness_needed: bool
    unit: str = ""  # the dose unit the balance counts


@dataclass(frozen=True)
class Disposed:
    movement_id: int
    reason: Reason
    way: Way
    quantity: Decimal
    balance: Decimal
    witness: str | None

    @property
    def message(self) -> str:
        by = f", witnessed by {self.witness}" if self.witness else ""
        return (
            f"{format_amount(self.quantity)} {self.way.value} ({self.reason.value}){by}: "
            f"{format_amount(self.balance)} left."
        )


@dataclass(frozen=True)
class DisposalRow:
    """One line of the disposal register."""

    movement_id: int
    when: datetime
    resident: str
    room: str
    medicine: str
    strength: str
    quantity: Decimal  # positive: what left
    reason: str  # as recorded, old wordings read as today's
    way: str
    who: str
    witness: str
    batch_id: int | None  # the returns batch, for a return that has gone back
    pack_batch: str | None  # the manufacturer's batch, when known
    expiry: date | None
    unit: str = ""  # the dose unit the quantity counts (tablet, ml, puff...)


@dataclass(frozen=True)
class ReturnList:
    """A returns batch as printed for the pharmacy to sign."""

    id: int
    made_at: datetime
    made_by: str
    pharmacy: str
    note: str | None
    digest: str
    items: tuple[DisposalRow, ...]


def _line(session: Session, line_id: int) -> ChartLine:
    line = session.get(ChartLine, line_id)
    if line is None:
        raise ValidationError("No such chart line.")
    return line


def disposal_question(session: Session, line_id: int) -> DisposalQuestion:
    line = _line(session, line_id)
    medicine = session.get(Medicine, line.medicine_id)
    assert medicine is not None
    policy = get_home(session).witness_policy
    return DisposalQuestion(
        line.id,
        line.medicine_text or medicine.display_name,
        balance(session, line.id),
        medicine.cd_schedule,
        witness_needed(medicine.cd_schedule, policy),
        line.dose_unit,
    )


def _pack(session: Session, line_id: int) -> tuple[str | None, date | None]:
    """The batch and expiry of the pack last booked in for the line, when the scan said."""
    row = session.execute(
        select(StockMovement.batch, StockMovement.expiry)
        .where(
            StockMovement.chart_line_id == line_id,
            StockMovement.kind == "received",
            (StockMovement.batch.is_not(None)) | (StockMovement.expiry.is_not(None)),
        )
        .order_by(StockMovement.occurred_at.desc(), StockMovement.id.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else (None, None)


def dispose(
    session: Session,
    staff_id: int,
    line_id: int,
    quantity: Decimal,
    at: datetime,
    reason: str,
    *,
    witness: Signature | None = None,
) -> Disposed:
    """Stock out of the home (Manage > Stock): the reason says which way it goes; a controlled
    drug needs a witness as the round would for a dose. Quantity at most the balance."""
    require(session, staff_id, Action.MANAGE_STOCK)
    chosen = Reason(reason) if reason in set(Reason) else None
    if chosen is None:
        raise ValidationError(f"Choose a reason: {', '.join(r.value for r in Reason)}.")
    return record_disposal(
        session, staff_id, _line(session, line_id), quantity, at, chosen, witness=witness
    )


def record_disposal(
    session: Session,
    staff_id: int,
    line: ChartLine,
    quantity: Decimal,
    at: datetime,
    reason: Reason,
    *,
    witness: Signature | None = None,
    administration_id: int | None = None,
) -> Disposed:
    """The disposal itself, for a caller that has checked who may record it."""
    wrong = quantity_refused(quantity, line.dose_unit)
    if wrong is not None:
        raise ValidationError(wrong)
    if quantity > balance(session, line.id):
        raise ValidationError("That is more than the recorded stock: count it first.")
    refused = reason_refused(reason, line_status(line, at).state)
    if refused is not None:
        raise ValidationError(refused)
    medicine = session.get(Medicine, line.medicine_id)
    assert medicine is not None
    witness_staff = None
    if witness_needed(medicine.cd_schedule, get_home(session).witness_policy):
        if witness is None:
            raise ValidationError(WITNESS_NEEDED)
        witness_staff = countersign(
            session,
            witness,
            Action.WITNESS,
            "Witness",
            at,
            not_by=staff_id,
            same_person=SAME_PERSON,
        )
    way = way_for(reason)
    pack_batch, expiry = _pack(session, line.id)
    movement = StockMovement(
        resident_id=line.resident_id,
        medicine_id=line.medicine_id,
        chart_line_id=line.id,
        administration_id=administration_id,
        kind=way.kind,
        quantity=-quantity,
        reason=reason.value,
        staff_id=staff_id,
        witness_id=witness_staff.id if witness_staff else None,
        batch=pack_batch,
        expiry=expiry,
        occurred_at=at,
    )
    session.add(movement)
    session.flush()
    record_event(
        session,
        f"stock.{way.kind}",
        staff_id=staff_id,
        entity="chart_line",
        entity_id=line.id,
        detail={
            "movement_id": movement.id,
            "quantity": str(quantity),
            "reason": reason.value,
            "way": way.value,
            "witness_id": movement.witness_id,
            "administration_id": administration_id,
        },
    )
    return Disposed(
        movement.id,
        reason,
        way,
        quantity,
        balance(session, line.id),
        witness_staff.full_name if witness_staff else None,
    )


def dispose_dose(
    session: Session,
    staff_id: int,
    line_id: int,
    dose: Decimal,
    at: datetime,
    administration_id: int,
    witness: Signature | None,
) -> Disposed | None:
    """A dose coded D (dropped, damaged or destroyed), in the not-given entry's transaction:
    the dose's quantity destroyed from the line's stock. None when no stock is recorded for the
    line (nothing to take it from); when the balance is below the dose, what there is."""
    held = balance(session, line_id)
    if held <= 0:
        return None
    return record_disposal(
        session,
        staff_id,
        _line(session, line_id),
        min(dose, held),
        at,
        Reason.DROPPED,
        witness=witness,
        administration_id=administration_id,
    )


def _rows(session: Session, *where: object) -> list[DisposalRow]:
    witness = aliased(Staff)
    query = (
        select(
            StockMovement,
            Resident,
            Medicine,
            ChartLine.medicine_text,
            Staff.full_name,
            witness.full_name,
            ReturnBatchItem.return_batch_id,
        )
        .join(Resident, Resident.id == StockMovement.resident_id)
        .join(Medicine, Medicine.id == StockMovement.medicine_id)
        .outerjoin(ChartLine, ChartLine.id == StockMovement.chart_line_id)
        .join(Staff, Staff.id == StockMovement.staff_id)
        .outerjoin(witness, witness.id == StockMovement.witness_id)
        .outerjoin(ReturnBatchItem, ReturnBatchItem.stock_movement_id == StockMovement.id)
        .where(StockMovement.kind.in_(DISPOSAL_KINDS), *where)  # type: ignore[arg-type]
        .order_by(StockMovement.occurred_at, StockMovement.id)
    )
    out = []
    for m, resident, medicine, text, who, witnessed_by, batch_id in session.execute(query):
        reason = read_reason(m.reason)
        way = Way.DESTROYED if m.kind == "wasted" else Way.RETURNED
        out.append(
            DisposalRow(
                m.id,
                m.occurred_at,
                resident.full_name,
                resident.room,
                text or medicine.display_name,
                medicine.strength or "",
                -Decimal(m.quantity),
                reason.value if reason else (m.reason or ""),
                way.value,
                who,
                witnessed_by or "",
                batch_id,
                m.batch,
                m.expiry,
                medicine.dose_unit,
            )
        )
    return out


def disposal_register(
    session: Session, start: datetime, end: datetime, unit_id: int | None = None
) -> list[DisposalRow]:
    """Every disposal from `start` up to `end`, oldest first (one unit's residents, if given)."""
    where = [StockMovement.occurred_at >= start, StockMovement.occurred_at < end]
    if unit_id is not None:
        where.append(Resident.unit_id == unit_id)
    return _rows(session, *where)


def pending_returns(session: Session) -> list[DisposalRow]:
    """Returned stock not yet in a returns batch."""
    return _rows(session, StockMovement.kind == "returned", ReturnBatchItem.id.is_(None))


def _digest(rows: list[DisposalRow]) -> str:
    text = "\n".join(f"{r.movement_id}|{r.resident}|{r.medicine}|{r.quantity}" for r in rows)
    return hashlib.sha256(text.encode()).hexdigest()


def make_return_batch(
    session: Session,
    staff_id: int | None,
    now: datetime,
    pharmacy: str,
    *,
    made_by: str | None = None,
    note: str | None = None,
) -> ReturnList:
    """Everything waiting to go back, put in one new batch; ValidationError if nothing is.
    `staff_id` None is the command line, which says who in `made_by`."""
    note = clean_text(note, "Note")
    if staff_id is not None:
        made_by = require(session, staff_id, Action.MANAGE_STOCK).full_name
    if not made_by:
        raise ValidationError("Say who made the returns list.")
    pharmacy = (pharmacy or "").strip()  # empty: the printed list leaves it to write in
    rows = pending_returns(session)
    if not rows:
        raise ValidationError(NOTHING_PENDING)
    batch = ReturnBatch(
        made_at=now,
        made_by_id=staff_id,
        made_by=made_by,
        pharmacy=pharmacy,
        note=note,
        digest=_digest(rows),
    )
    session.add(batch)
    session.flush()
    session.add_all(
        ReturnBatchItem(return_batch_id=batch.id, stock_movement_id=r.movement_id) for r in rows
    )
    session.flush()
    record_event(
        session,
        "stock.return_batch",
        staff_id=staff_id,
        entity="return_batch",
        entity_id=batch.id,
        detail={"items": len(rows), "pharmacy": pharmacy, "digest": batch.digest},
    )
    return return_list(session, batch.id)


def return_list(session: Session, batch_id: int) -> ReturnList:
    """A returns batch with its items, as made (to print it again)."""
    batch = session.get(ReturnBatch, batch_id)
    if batch is None:
        raise ValidationError(f"There is no returns batch {batch_id}.")
    items = _rows(session, ReturnBatchItem.return_batch_id == batch_id)
    return ReturnList(
        batch.id,
        batch.made_at,
        batch.made_by,
        batch.pharmacy,
        batch.note,
        batch.digest,
        tuple(items),
    )
