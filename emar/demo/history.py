"""Generate realistic MAR history (for the demo home, the large-home generator and benchmarks).

Most doses are given on time, a few late, some refused or not given for other reasons, a few
missed; PRN lines are used now and then within their limits, most with an outcome recorded.
Rows are bulk-inserted; generated history has no audit events (it did not happen).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from emar.domain.codes import REFUSED, Outcome, PrnEffect
from emar.domain.doses import LineFacts
from emar.domain.medicines.daily_maximum import convert, maximum_for
from emar.domain.prn import DAY
from emar.domain.schedule import line_instants
from emar.domain.windows import window_minutes
from emar.infra.medicine_reference import load_knowledge
from emar.models import Administration, PrnOutcome, Staff, StockMovement
from emar.services.audit.bulk import high_water, record_bulk_since
from emar.services.home import get_home
from emar.services.round.facts import load_lines, load_residents

BATCH = 5000
# PRN outcomes recorded: mostly effective
EFFECTS = (
    PrnEffect.EFFECTIVE,
    PrnEffect.EFFECTIVE,
    PrnEffect.PARTLY_EFFECTIVE,
    PrnEffect.NOT_EFFECTIVE,
)


@dataclass(frozen=True)
class HistoryRates:
    missed: float = 0.01
    refused: float = 0.03
    other_not_given: float = 0.01
    late: float = 0.03
    prn_per_day: float = 0.4
    prn_outcome: float = 0.8


def generate_history(
    session: Session,
    *,
    start: datetime,
    end: datetime,
    seed: int = 1,
    rates: HistoryRates = HistoryRates(),
    resident_ids: list[int] | None = None,
    line_rates: Mapping[int, HistoryRates] | None = None,
    spare_stock: int = 28,
    top_up: bool = True,
) -> dict[str, int]:
    """`line_rates`: chart line id -> that line's own rates (a medicine often refused, a PRN
    never needed), else `rates`. Each line's stock is topped up at `start` so that what was
    given leaves `spare_stock` (no more is booked in than that needs: the line's stock held at
    `start` counts first, so a demo line holds what a real one would after its doses), and what
    was given is booked out at `end`. Without `top_up`, exactly what was given is booked in (a
    period before the stock on record: the balance is left as it was)."""
    rng = random.Random(seed)  # noqa: S311 - synthetic records, not security
    home = get_home(session)
    residents = load_residents(session, resident_ids=resident_ids)
    carers = list(
        session.scalars(
            select(Staff.id).where(Staff.role.in_(("carer", "senior_carer", "nurse")), Staff.active)
        )
    )
    lines = load_lines(session, [r.id for r in residents], end, since=start)
    away = {r.id: r for r in residents}
    entries: list[dict[str, Any]] = []
    prn_entries: list[dict[str, Any]] = []
    used: dict[int, Decimal] = defaultdict(Decimal)
    meta = {line.id: line for line in lines}
    for line in lines:
        own = (line_rates or {}).get(line.id, rates)
        if line.is_prn:
            cap = _prn_daily_cap(line, [ln for ln in lines if ln.resident_id == line.resident_id])
            prn_entries.extend(
                _prn_history(line, start, end, rng, carers, own, away[line.resident_id], cap)
            )
            continue
        minutes = window_minutes(home.windows, line)
        for scheduled in line_instants(line, home.zone, start, end):
            if away[line.resident_id].away_at(scheduled):
                continue
            entry = _scheduled_entry(line, scheduled, minutes, rng, carers, own)
            if entry is not None:
                entries.append(entry)
    marks = high_water(session, (Administration, PrnOutcome, StockMovement))
    for batch in _chunks(entries):
        session.execute(insert(Administration), batch)
    prn_ids: list[int] = []
    for batch in _chunks(prn_entries):
        prn_ids.extend(
            session.scalars(insert(Administration).returning(Administration.id), batch).all()
        )
    outcomes = [
        {
            "administration_id": aid,
            "effect": rng.choice(EFFECTS),
            "staff_id": e["staff_id"],
            "recorded_at": e["administered_at"] + timedelta(minutes=60),
        }
        for aid, e in zip(prn_ids, prn_entries, strict=True)
        if rng.random() < rates.prn_outcome
    ]
    for batch in _chunks(outcomes):
        session.execute(insert(PrnOutcome), batch)
    for e in entries + prn_entries:
        if e["outcome"] == Outcome.GIVEN:
            used[e["chart_line_id"]] += e["dose_given"]
    held = {
        line_id: total
        for line_id, total in session.execute(
            select(StockMovement.chart_line_id, func.sum(StockMovement.quantity))
            .where(StockMovement.chart_line_id.in_(list(used)), StockMovement.occurred_at <= start)
            .group_by(StockMovement.chart_line_id)
        )
    }
    stock = []
    for line_id, amount in used.items():
        line = meta[line_id]
        booked = amount + spare_stock - (Decimal(held.get(line_id) or 0) if top_up else 0)
        common = {
            "resident_id": line.resident_id,
            "medicine_id": line.medicine_id,
            "chart_line_id": line_id,
            "staff_id": carers[0],
        }
        if booked > 0:
            stock.append(
                {
                    **common,
                    "kind": "received",
                    "quantity": booked,
                    "occurred_at": start,
                    "reason": None,
                }
            )
        stock.append(
            {
                **common,
                "kind": "administered",
                "quantity": -amount,
                "occurred_at": end,
                "reason": "generated history (one line per period)",
            }
        )
    for batch in _chunks(stock):
        session.execute(insert(StockMovement), batch)
    record_bulk_since(session, "history.generated", marks)  # vouched for in the audit trail
    return {
        "scheduled_entries": len(entries),
        "prn_entries": len(prn_entries),
        "prn_outcomes": len(outcomes),
    }


def _chunks(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [rows[i : i + BATCH] for i in range(0, len(rows), BATCH)]


def _dose(line: LineFacts, rng: random.Random) -> Decimal:
    if line.dose_min == line.dose_max:
        return line.dose_min
    return rng.choice([line.dose_min, line.dose_max])


def _base(
    line: LineFacts, at: datetime, staff: int, rng: random.Random, carers: list[int]
) -> dict[str, Any]:
    witness = None
    if line.controlled:
        witness = rng.choice([c for c in carers if c != staff] or [None])
    return {
        "chart_line_id": line.id,
        "administered_at": at,
        "recorded_at": at,
        "staff_id": staff,
        "witness_id": witness,
        "not_given_code": None,
        "dose_given": None,
        "note": None,
        "prn_reason": None,
    }


def _scheduled_entry(
    line: LineFacts,
    scheduled: datetime,
    window: int,
    rng: random.Random,
    carers: list[int],
    rates: HistoryRates,
) -> dict[str, Any] | None:
    roll = rng.random()
    if roll < rates.missed:
        return None
    staff = rng.choice(carers)
    if roll < rates.missed + rates.refused + rates.other_not_given:
        at = scheduled + timedelta(minutes=rng.randint(0, 20))
        entry = _base(line, at, staff, rng, carers) | {
            "scheduled_at": scheduled,
            "outcome": Outcome.NOT_GIVEN,
            "witness_id": None,
        }
        if roll < rates.missed + rates.refused:
            entry["not_given_code"] = REFUSED
        else:
            entry["not_given_code"] = rng.choice(("S", "N", "W"))
            if entry["not_given_code"] == "W":
                entry["note"] = "Pulse below 50: withheld, GP informed"
        return entry
    if rng.random() < rates.late:
        at = scheduled + timedelta(minutes=window + rng.randint(5, 90))
    else:
        at = scheduled + timedelta(minutes=max(-window + 1, min(window - 1, int(rng.gauss(5, 12)))))
    return _base(line, at, staff, rng, carers) | {
        "scheduled_at": scheduled,
        "outcome": Outcome.GIVEN,
        "dose_given": _dose(line, rng),
    }


def _prn_daily_cap(line: LineFacts, resident_lines: list[LineFacts]) -> int | None:
    """PRN doses a day that fit under an ingredient's daily maximum beside the regular lines
    sharing it (Ernest's co-codamol beside regular paracetamol): the history stays within the
    rule the round enforces. None when no shared ingredient has a maximum."""
    knowledge = load_knowledge()
    cap: int | None = None
    for ing in line.ingredients:
        facts = knowledge.substance(ing.name)
        maximum = maximum_for(facts, ing.unit, None) if facts else None
        if maximum is None:
            continue
        regular = Decimal(0)
        for other in resident_lines:
            if other.is_prn:
                continue
            for shared in other.ingredients:
                if knowledge.substance(shared.name) == facts:
                    per_day = len(other.timing.times) or 1
                    regular += (
                        other.dose_max
                        * (convert(shared.amount, shared.unit, ing.unit) or 0)
                        * per_day
                    )
        room = int((maximum.amount - regular) // (line.dose_max * ing.amount))
        cap = max(0, room) if cap is None else min(cap, max(0, room))
    return cap


def _prn_history(
    line: LineFacts,
    start: datetime,
    end: datetime,
    rng: random.Random,
    carers: list[int],
    rates: HistoryRates,
    resident: Any,
    cap: int | None,
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    gap = line.prn_min_interval or timedelta(hours=4)
    last: datetime | None = None
    day = start.replace(hour=0, minute=0, second=0, microsecond=0)
    while day < end:
        n = sum(1 for _ in range(3) if rng.random() < rates.prn_per_day / 3)
        times = sorted(
            datetime.combine(
                day.date(), time(rng.randint(7, 21), rng.randint(0, 59)), tzinfo=day.tzinfo
            )
            for _ in range(n)
        )
        for at in times:
            if not start <= at < end or (last is not None and at - last < gap):
                continue
            if resident.away_at(at) or not any(
                a <= at and (b is None or at < b) for a, b in line.active_periods
            ):
                continue
            recent = [e for e in out if at - e["administered_at"] < DAY]
            if line.prn_max_24h is not None and len(recent) >= line.prn_max_24h:
                continue
            if cap is not None and len(recent) >= cap:
                continue
            staff = rng.choice(carers)
            out.append(
                _base(line, at, staff, rng, carers)
                | {
                    "scheduled_at": None,
                    "outcome": Outcome.GIVEN,
                    "dose_given": _dose(line, rng),
                    "prn_reason": line.prn_indication,
                }
            )
            last = at
        day += DAY
    return out
