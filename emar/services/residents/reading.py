"""Reading residents for lists and banners."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from emar.domain.nhs_number import format_nhs_number
from emar.models import Absence, Allergy, Resident, Unit


@dataclass(frozen=True)
class ResidentSummary:
    id: int
    name: str
    preferred_name: str | None
    room: str
    unit_id: int
    unit: str
    date_of_birth: date
    nhs_number: str
    allergies: tuple[str, ...]
    no_known_allergies: bool
    covert: bool
    covert_review_date: date | None
    medicine_preferences: str
    swallowing_needs: str
    absence: str | None  # "hospital" / "leave" while away
    weight_kg: Decimal | None = None

    @property
    def allergy_text(self) -> str:
        if self.allergies:
            return ", ".join(self.allergies)
        return "No known allergies" if self.no_known_allergies else "Allergies not recorded"


def _open_absence(absences: list[Absence], at: datetime) -> str | None:
    for a in absences:
        if a.started_at <= at and (a.ended_at is None or a.ended_at > at):
            return a.kind
    return None


def _summary(r: Resident, unit_name: str, at: datetime) -> ResidentSummary:
    return ResidentSummary(
        id=r.id,
        name=r.full_name,
        preferred_name=r.preferred_name,
        room=r.room,
        unit_id=r.unit_id,
        unit=unit_name,
        date_of_birth=r.date_of_birth,
        nhs_number=format_nhs_number(r.nhs_number) if r.nhs_number else "not recorded",
        allergies=tuple(
            f"{a.substance} ({a.reaction})" if a.reaction else a.substance
            for a in _active(r.allergies)
        ),
        no_known_allergies=r.no_known_allergies,
        covert=r.covert_authorised,
        covert_review_date=r.covert_review_date,
        medicine_preferences=r.medicine_preferences or "",
        swallowing_needs=r.swallowing_needs or "",
        absence=_open_absence(r.absences, at),
        weight_kg=r.weight_kg,
    )


def _active(allergies: list[Allergy]) -> list[Allergy]:
    """The newest row of each allergy's chain, if still active (a change, resolution or
    withdrawal is a new row superseding the old)."""
    replaced = {a.supersedes_id for a in allergies if a.supersedes_id is not None}
    return [a for a in allergies if a.status == "active" and a.id not in replaced]


def _room_key(room: str) -> tuple[int, str]:
    digits = "".join(ch for ch in room if ch in "0123456789")  # "Flat 2²" is room 2
    return (int(digits) if digits else 10**6, room)


def list_residents(
    session: Session, at: datetime, unit_id: int | None = None
) -> list[ResidentSummary]:
    """Current residents (not discharged/deceased), ordered by room as a round goes."""
    query = (
        select(Resident, Unit.name)
        .join(Unit, Resident.unit_id == Unit.id)
        .where(Resident.status == "resident")
        .options(selectinload(Resident.allergies), selectinload(Resident.absences))
    )
    if unit_id is not None:
        query = query.where(Resident.unit_id == unit_id)
    rows = session.execute(query).all()
    summaries = [_summary(r, unit_name, at) for r, unit_name in rows]
    return sorted(summaries, key=lambda s: (s.unit_id, _room_key(s.room)))


def resident_photo(session: Session, resident_id: int) -> bytes | None:
    return session.scalar(select(Resident.photo).where(Resident.id == resident_id))


def count_residents(session: Session) -> int:
    return session.scalar(select(func.count(Resident.id))) or 0
