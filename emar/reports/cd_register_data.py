"""The controlled-drugs register's content: every stock movement of a controlled drug, per
resident and drug, with its running balance."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from emar.models import Medicine, Resident, Staff, StockMovement
from emar.reports.data import Scope, unit_name
from emar.services.home import HomeSettings, get_home


@dataclass(frozen=True)
class CdEntry:
    at: datetime
    kind: str  # received / administered / returned / wasted / count ...
    quantity: Decimal  # signed
    balance: Decimal
    staff: str
    witness: str
    detail: str  # batch, reason


@dataclass(frozen=True)
class CdPage:
    resident: str
    room: str
    medicine: str
    opening: Decimal
    entries: list[CdEntry]

    @property
    def closing(self) -> Decimal:
        return self.entries[-1].balance if self.entries else self.opening


@dataclass(frozen=True)
class CdRegisterData:
    home: HomeSettings
    unit: str
    scope: Scope
    pages: list[CdPage]


def cd_register_data(session: Session, scope: Scope) -> CdRegisterData:
    """Every stock movement of a controlled drug, per resident and drug, with running balance."""
    home = get_home(session)
    witness = aliased(Staff)
    query = (
        select(
            StockMovement.resident_id,
            StockMovement.medicine_id,
            StockMovement.occurred_at,
            StockMovement.kind,
            StockMovement.quantity,
            StockMovement.batch,
            StockMovement.reason,
            Staff.full_name,
            witness.full_name,
            Resident.given_name,
            Resident.family_name,
            Resident.room,
            Medicine.name,
            Medicine.strength,
            Medicine.form,
        )
        .join(Medicine, StockMovement.medicine_id == Medicine.id)
        .join(Resident, StockMovement.resident_id == Resident.id)
        .join(Staff, StockMovement.staff_id == Staff.id)
        .outerjoin(witness, StockMovement.witness_id == witness.id)
        .where(Medicine.cd_schedule.is_not(None), StockMovement.occurred_at < scope.end)
        .order_by(StockMovement.occurred_at, StockMovement.id)
    )
    if scope.unit_id is not None:
        query = query.where(Resident.unit_id == scope.unit_id)
    if scope.resident_id is not None:
        query = query.where(StockMovement.resident_id == scope.resident_id)
    pages: dict[tuple[int, int], CdPage] = {}
    running: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for r in session.execute(query):
        key = (r[0], r[1])
        if scope.medicine and scope.medicine.lower() not in r[12].lower():
            continue
        running[key] += r[4]
        if r[2] < scope.start:
            continue
        if key not in pages:
            medicine = " ".join(x for x in (r[12], r[13], r[14]) if x)
            pages[key] = CdPage(f"{r[9]} {r[10]}", r[11], medicine, running[key] - r[4], [])
        detail = "; ".join(x for x in (f"batch {r[5]}" if r[5] else "", r[6] or "") if x)
        pages[key].entries.append(CdEntry(r[2], r[3], r[4], running[key], r[7], r[8] or "", detail))
    # drugs held but not moved in the period still get a page: the balance must be shown
    for key, balance in running.items():
        if key not in pages and balance:
            n = session.execute(
                select(
                    Resident.given_name,
                    Resident.family_name,
                    Resident.room,
                    Medicine.name,
                    Medicine.strength,
                    Medicine.form,
                )
                .where(Resident.id == key[0])
                .join(Medicine, Medicine.id == key[1])
            ).one()
            if scope.medicine and scope.medicine.lower() not in n[3].lower():
                continue
            medicine = " ".join(x for x in (n[3], n[4], n[5]) if x)
            pages[key] = CdPage(f"{n[0]} {n[1]}", n[2], medicine, balance, [])
    return CdRegisterData(
        home,
        unit_name(session, scope.unit_id),
        scope,
        sorted(pages.values(), key=lambda p: (p.room, p.resident, p.medicine)),
    )
