"""Load what the round engine reasons about, as plain facts, in a few set-based queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

from emar.domain.doses import EntryFacts, IngredientAmount, LineFacts
from emar.domain.line_periods import Event, active_periods, status_at
from emar.domain.schedule import Timing, parse_times, parse_weekdays
from emar.domain.wording import dose_text
from emar.models import (
    Absence,
    Administration,
    Allergy,
    ChartLine,
    ChartLineEvent,
    Ingredient,
    Medicine,
    MedicineIngredient,
    NotGivenCode,
    Resident,
    Staff,
)


@dataclass(frozen=True)
class ResidentFacts:
    id: int
    name: str
    room: str
    unit_id: int
    status: str
    allergies: tuple[str, ...]
    absences: tuple[tuple[str, datetime, datetime | None], ...]

    def away_at(self, at: datetime) -> str | None:
        for kind, start, end in self.absences:
            if start <= at and (end is None or at < end):
                return kind
        return None


def load_residents(
    session: Session, *, unit_id: int | None = None, resident_ids: Sequence[int] | None = None
) -> list[ResidentFacts]:
    query = select(
        Resident.id,
        Resident.given_name,
        Resident.family_name,
        Resident.room,
        Resident.unit_id,
        Resident.status,
    )
    if unit_id is not None:
        query = query.where(Resident.unit_id == unit_id, Resident.status == "resident")
    if resident_ids is not None:
        query = query.where(Resident.id.in_(resident_ids))
    if unit_id is None and resident_ids is None:
        query = query.where(Resident.status == "resident")
    rows = session.execute(query).all()
    ids = [r.id for r in rows]
    allergies: dict[int, list[str]] = defaultdict(list)
    for rid, substance in session.execute(
        select(Allergy.resident_id, Allergy.substance).where(Allergy.resident_id.in_(ids))
    ):
        allergies[rid].append(substance)
    absences: dict[int, list[tuple[str, datetime, datetime | None]]] = defaultdict(list)
    for rid, kind, start, end in session.execute(
        select(Absence.resident_id, Absence.kind, Absence.started_at, Absence.ended_at).where(
            Absence.resident_id.in_(ids)
        )
    ):
        absences[rid].append((kind, start, end))
    return [
        ResidentFacts(
            r.id,
            f"{r.given_name} {r.family_name}",
            r.room,
            r.unit_id,
            r.status,
            tuple(allergies[r.id]),
            tuple(absences[r.id]),
        )
        for r in rows
    ]


def load_lines(
    session: Session, resident_ids: Sequence[int], at: datetime, *, since: datetime | None = None
) -> list[LineFacts]:
    """Chart lines of these residents that could have doses at or after `since`."""
    query = (
        select(ChartLine, Medicine)
        .join(Medicine, ChartLine.medicine_id == Medicine.id)
        .where(ChartLine.resident_id.in_(resident_ids))
    )
    if since is not None:
        query = query.where(or_(ChartLine.ends_at.is_(None), ChartLine.ends_at > since))
    pairs = session.execute(query).all()
    line_ids = [line.id for line, _ in pairs]
    events: dict[int, list[Event]] = defaultdict(list)
    for e in session.execute(
        select(
            ChartLineEvent.chart_line_id,
            ChartLineEvent.id,
            ChartLineEvent.kind,
            ChartLineEvent.effective_at,
            ChartLineEvent.reason,
        ).where(ChartLineEvent.chart_line_id.in_(line_ids))
    ):
        events[e.chart_line_id].append(Event(e.id, e.kind, e.effective_at, e.reason))
    ingredients: dict[int, list[IngredientAmount]] = defaultdict(list)
    medicine_ids = {med.id for _, med in pairs}
    for row in session.execute(
        select(
            MedicineIngredient.medicine_id,
            Ingredient.id,
            Ingredient.name,
            Ingredient.allergen_group,
            MedicineIngredient.amount,
            MedicineIngredient.amount_unit,
        )
        .join(Ingredient, MedicineIngredient.ingredient_id == Ingredient.id)
        .where(MedicineIngredient.medicine_id.in_(medicine_ids))
    ):
        ingredients[row.medicine_id].append(
            IngredientAmount(row.id, row.name, row.allergen_group, row.amount, row.amount_unit)
        )
    facts = []
    for line, med in pairs:
        line_events = events[line.id]
        periods = active_periods(line.starts_at, line.ends_at, line_events)
        if (
            since is not None
            and periods
            and all(end is not None and end <= since for _, end in periods)
        ):
            continue
        state, reason = status_at(line.starts_at, line.ends_at, line_events, at)
        facts.append(
            LineFacts(
                id=line.id,
                resident_id=line.resident_id,
                medicine_id=med.id,
                medicine=med.display_name,
                dose_min=line.dose_min,
                dose_max=line.dose_max,
                dose_unit=line.dose_unit,
                route=line.route,
                directions=line.directions or "",
                timing=Timing(
                    line.timing,
                    parse_times(line.times_of_day),
                    parse_weekdays(line.weekdays),
                    line.every_n_days,
                    line.every_n_hours,
                ),
                starts_at=line.starts_at,
                ends_at=line.ends_at,
                status=state,
                status_reason=reason,
                active_periods=periods,
                time_critical=med.time_critical,
                controlled=med.cd_schedule is not None,
                high_risk=med.high_risk,
                prn_indication=line.prn_indication,
                prn_min_interval=(
                    timedelta(minutes=line.prn_min_interval_minutes)
                    if line.prn_min_interval_minutes
                    else None
                ),
                prn_max_24h=line.prn_max_doses_24h,
                ingredients=tuple(ingredients[med.id]),
            )
        )
    return facts


def load_entries(
    session: Session, resident_ids: Sequence[int], since: datetime, until: datetime
) -> list[EntryFacts]:
    """MAR entries for doses scheduled in [since, until), and PRN entries given in it."""
    witness = aliased(Staff)
    query = (
        select(
            Administration,
            Staff.full_name,
            Staff.initials,
            witness.full_name.label("witness_name"),
            NotGivenCode.label,
        )
        .join(ChartLine, Administration.chart_line_id == ChartLine.id)
        .join(Staff, Administration.staff_id == Staff.id)
        .outerjoin(witness, Administration.witness_id == witness.id)
        .outerjoin(NotGivenCode, Administration.not_given_code == NotGivenCode.code)
        .where(ChartLine.resident_id.in_(resident_ids))
        .where(
            or_(
                and_(Administration.scheduled_at >= since, Administration.scheduled_at < until),
                and_(
                    Administration.scheduled_at.is_(None),
                    Administration.administered_at >= since,
                    Administration.administered_at < until,
                ),
            )
        )
        .order_by(Administration.id)
    )
    return [
        entry_facts(a, name, initials, wname, label)
        for a, name, initials, wname, label in session.execute(query).all()
    ]


def entry_facts(
    a: Administration, name: str, initials: str, witness_name: str | None, label: str | None
) -> EntryFacts:
    return EntryFacts(
        id=a.id,
        chart_line_id=a.chart_line_id,
        scheduled_at=a.scheduled_at,
        outcome=a.outcome,
        code=a.not_given_code,
        code_label=label,
        dose_given=a.dose_given,
        administered_at=a.administered_at,
        recorded_at=a.recorded_at,
        staff_id=a.staff_id,
        staff_name=name,
        staff_initials=initials,
        witness_name=witness_name,
        supersedes_id=a.supersedes_id,
        override_reason=a.override_reason,
        site=a.site,
        note=a.note,
    )


def line_dose_text(line: LineFacts) -> str:
    return dose_text(line.dose_min, line.dose_max, line.dose_unit)
