"""Load what the round engine reasons about, as plain facts, in a few set-based queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, aliased

from emar.domain.doses import EntryFacts, IngredientAmount, LineFacts, ResidentFacts
from emar.domain.line_periods import Event, active_periods, status_at
from emar.domain.medicines.allergies import AllergyFacts
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
        Resident.weight_kg,
    )
    if unit_id is not None:
        query = query.where(Resident.unit_id == unit_id, Resident.status == "resident")
    if resident_ids is not None:
        query = query.where(Resident.id.in_(resident_ids))
    if unit_id is None and resident_ids is None:
        query = query.where(Resident.status == "resident")
    rows = session.execute(query).all()
    ids = [r.id for r in rows]
    allergies = load_allergies(session, ids)
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
            tuple(allergies.get(r.id, ())),
            tuple(absences[r.id]),
            weight_kg=None if r.weight_kg is None else Decimal(str(r.weight_kg)),
        )
        for r in rows
    ]


def load_allergies(session: Session, resident_ids: Sequence[int]) -> dict[int, list[AllergyFacts]]:
    """Each resident's active allergies: the latest of each chain (a change or resolution is a
    new row superseding the old), status active. One coded to a dm+d product carries that
    product's ingredients."""
    replaced = select(Allergy.supersedes_id).where(Allergy.supersedes_id.is_not(None))
    rows = session.execute(
        select(
            Allergy.id,
            Allergy.resident_id,
            Allergy.substance,
            Allergy.code_kind,
            Allergy.code,
            Allergy.reaction,
            Allergy.severity,
        )
        .where(
            Allergy.resident_id.in_(resident_ids),
            Allergy.status == "active",
            Allergy.id.not_in(replaced),
        )
        .order_by(Allergy.id)
    ).all()
    products = {r.code for r in rows if r.code_kind == "dmd" and r.code}
    contents: dict[str, list[str]] = defaultdict(list)
    if products:
        for code, name in session.execute(
            select(Medicine.dmd_code, Ingredient.name)
            .join(MedicineIngredient, MedicineIngredient.medicine_id == Medicine.id)
            .join(Ingredient, MedicineIngredient.ingredient_id == Ingredient.id)
            .where(Medicine.dmd_code.in_(products))
        ):
            contents[str(code)].append(name)
    found: dict[int, list[AllergyFacts]] = defaultdict(list)
    for r in rows:
        found[r.resident_id].append(
            AllergyFacts(
                r.id,
                r.substance,
                r.code_kind,
                r.code,
                r.reaction,
                r.severity,
                tuple(contents.get(r.code or "", ())),
            )
        )
    return found


def medicine_ingredients(session: Session, medicine_ids: Iterable[int]) -> list[IngredientAmount]:
    """The ingredients of these products (a pack scanned that is on no chart line)."""
    return [
        IngredientAmount(row.id, row.name, row.allergen_group, row.amount, row.amount_unit)
        for row in session.execute(
            select(
                Ingredient.id,
                Ingredient.name,
                Ingredient.allergen_group,
                MedicineIngredient.amount,
                MedicineIngredient.amount_unit,
            )
            .join(Ingredient, MedicineIngredient.ingredient_id == Ingredient.id)
            .where(MedicineIngredient.medicine_id.in_(list(medicine_ids)))
        )
    ]


def load_lines(
    session: Session, resident_ids: Sequence[int], at: datetime, *, since: datetime | None = None
) -> list[LineFacts]:
    """Chart lines of these residents that could have doses at or after `since`."""
    c = ChartLine
    query = (
        select(
            c.id,
            c.resident_id,
            c.medicine_id,
            c.dose_min,
            c.dose_max,
            c.dose_unit,
            c.route,
            c.directions,
            c.timing,
            c.times_of_day,
            c.weekdays,
            c.every_n_days,
            c.every_n_hours,
            c.starts_at,
            c.ends_at,
            c.prn_indication,
            c.prn_min_interval_minutes,
            c.prn_max_doses_24h,
            Medicine.name,
            Medicine.strength,
            Medicine.form,
            Medicine.time_critical,
            Medicine.cd_schedule,
            Medicine.high_risk,
            c.medicine_text,
        )
        .join(Medicine, c.medicine_id == Medicine.id)
        .where(c.resident_id.in_(resident_ids))
    )
    if since is not None:
        query = query.where(or_(c.ends_at.is_(None), c.ends_at > since))
    rows = session.execute(query).all()
    line_ids = [r[0] for r in rows]
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
    medicine_ids = {r[2] for r in rows}
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
    for (
        line_id,
        resident_id,
        medicine_id,
        dose_min,
        dose_max,
        dose_unit,
        route,
        directions,
        timing,
        times_of_day,
        weekdays,
        every_n_days,
        every_n_hours,
        starts_at,
        ends_at,
        prn_indication,
        prn_minutes,
        prn_max,
        med_name,
        strength,
        form,
        time_critical,
        cd_schedule,
        high_risk,
        medicine_text,
    ) in rows:  # unpacked: named access on 2,000 rows costs more than the query
        line_events = events[line_id]
        periods = active_periods(starts_at, ends_at, line_events)
        if since is not None and periods and all(e is not None and e <= since for _, e in periods):
            continue
        state, reason = status_at(starts_at, ends_at, line_events, at)
        facts.append(
            LineFacts(
                line_id,
                resident_id,
                medicine_id,
                medicine_text or " ".join(p for p in (med_name, strength, form) if p),
                dose_min,
                dose_max,
                dose_unit,
                route,
                directions or "",
                _timing(timing, times_of_day, weekdays, every_n_days, every_n_hours),
                starts_at,
                ends_at,
                state,
                reason,
                periods,
                time_critical,
                cd_schedule is not None,
                high_risk,
                prn_indication,
                timedelta(minutes=prn_minutes) if prn_minutes else None,
                prn_max,
                tuple(ingredients[medicine_id]),
                cd_schedule=cd_schedule,
            )
        )
    return facts


_ENTRY_COLUMNS = (
    Administration.id,
    Administration.chart_line_id,
    Administration.scheduled_at,
    Administration.outcome,
    Administration.not_given_code,
    Administration.dose_given,
    Administration.administered_at,
    Administration.recorded_at,
    Administration.staff_id,
    Administration.supersedes_id,
    Administration.override_reason,
    Administration.site,
    Administration.note,
)


@lru_cache(maxsize=4096)
def _timing(
    kind: str,
    times: str | None,
    weekdays: str | None,
    every_n_days: int | None,
    every_n_hours: int | None,
) -> Timing:
    return Timing(kind, parse_times(times), parse_weekdays(weekdays), every_n_days, every_n_hours)


def _entry_query() -> Select[*tuple[Any, ...]]:
    """MAR entries as plain columns with who recorded and witnessed them (not ORM objects:
    speed)."""
    witness = aliased(Staff)
    return (
        select(
            *_ENTRY_COLUMNS, Staff.full_name, Staff.initials, witness.full_name, NotGivenCode.label
        )
        .join(ChartLine, Administration.chart_line_id == ChartLine.id)
        .join(Staff, Administration.staff_id == Staff.id)
        .outerjoin(witness, Administration.witness_id == witness.id)
        .outerjoin(NotGivenCode, Administration.not_given_code == NotGivenCode.code)
    )


def _entry_facts(rows: Iterable[Any]) -> list[EntryFacts]:
    return [
        EntryFacts(
            id=r[0],
            chart_line_id=r[1],
            scheduled_at=r[2],
            outcome=r[3],
            code=r[4],
            code_label=r[16],
            dose_given=r[5],
            administered_at=r[6],
            recorded_at=r[7],
            staff_id=r[8],
            staff_name=r[13],
            staff_initials=r[14],
            witness_name=r[15],
            supersedes_id=r[9],
            override_reason=r[10],
            site=r[11],
            note=r[12],
        )
        for r in rows
    ]


def load_entries(
    session: Session, resident_ids: Sequence[int], since: datetime, until: datetime
) -> list[EntryFacts]:
    """MAR entries for doses scheduled in [since, until), and PRN entries given in it (two
    queries, so each range uses its own index)."""
    base = _entry_query().where(ChartLine.resident_id.in_(resident_ids))
    scheduled = base.where(
        Administration.scheduled_at >= since, Administration.scheduled_at < until
    )
    prn = base.where(
        Administration.scheduled_at.is_(None),
        Administration.administered_at >= since,
        Administration.administered_at < until,
    )
    rows = [*session.execute(scheduled).all(), *session.execute(prn).all()]
    rows.sort(key=lambda r: r[0])
    return _entry_facts(rows)


def load_dose_chain(session: Session, line_id: int, scheduled_at: datetime) -> list[EntryFacts]:
    """Every entry of one scheduled dose (the first record and its corrections), in order."""
    query = _entry_query().where(
        Administration.chart_line_id == line_id, Administration.scheduled_at == scheduled_at
    )
    return _entry_facts(session.execute(query.order_by(Administration.id)).all())


def line_dose_text(line: LineFacts) -> str:
    return dose_text(line.dose_min, line.dose_max, line.dose_unit)
