"""Facts for the pharmacist's signals: a small hand-written medicines reference, the context
at a fixed "now", lines with ingredients, and (for service tests) resident facts inserted
directly through the models."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from emar.domain.doses import IngredientAmount, LineFacts
from emar.domain.medicines.knowledge import Knowledge, RenalAdvice, RenalRule, Substance
from emar.domain.review.signals import Context, ReviewFacts
from emar.domain.review.thresholds import Thresholds
from emar.domain.schedule import Timing
from emar.models import MonitoringPlan, ResidentCondition, ResidentObservation, SignalThreshold
from tests.support.facts import LONDON, at, daily, line, resident
from tests.support.knowledge import substance

NOW = at(20, 12)  # Saturday 20 June 2026, 12:00 London

SUBSTANCES: list[Substance] = [
    substance("paracetamol", max_daily=Decimal(4000), max_unit="mg",
              max_daily_under_50kg=Decimal(3000)),
    substance("ibuprofen", "nsaids"),
    substance("naproxen", "nsaids"),
    substance("aspirin", "nsaids", "antiplatelets"),
    substance("warfarin", "anticoagulants", "vitamin-k-antagonists", acb=1,
              high_risk="anticoagulant"),
    substance("apixaban", "anticoagulants", high_risk="anticoagulant"),
    substance("lithium", high_risk="lithium"),
    substance("methotrexate", high_risk="methotrexate"),
    substance("diazepam", "benzodiazepines", acb=1, falls_risk=True, sedative=True),
    substance("zopiclone", "z-drugs", "hypnotics", falls_risk=True, sedative=True),
    substance("quetiapine", "antipsychotics", acb=3, falls_risk=True, sedative=True),
    substance("risperidone", "antipsychotics", acb=1, falls_risk=True, sedative=True),
    substance("amitriptyline", "tricyclics", acb=3, falls_risk=True, sedative=True),
    substance("oxybutynin", "antimuscarinics", acb=3),
    substance("furosemide", "diuretics", acb=1, falls_risk=True),
    substance("codeine", "opioids", acb=1, falls_risk=True, sedative=True),
    substance("omeprazole", "ppis"),
    substance("lansoprazole", "ppis"),
    substance("levodopa", "antiparkinson", falls_risk=True),
    substance("amlodipine", "calcium-channel-blockers"),
    substance("senna"),
] + [substance(f"plain{i}") for i in range(12)] + [
    substance("ramipril", "ace-inhibitors", "antihypertensives", falls_risk=True,
              source="BNF; falls: NICE falls (postural hypotension)"),
    substance("losartan", "arbs", "antihypertensives"),
    substance("bendroflumethiazide", "thiazides", "diuretics", falls_risk=True,
              source="BNF; falls: STOPPFall"),
    substance("temazepam", "benzodiazepines", falls_risk=True, sedative=True,
              source="BNF; falls: STOPPFall"),
    substance("metformin", "biguanides"),
    substance("nitrofurantoin", "antibacterials"),
    substance("gabapentin", "gabapentinoids", falls_risk=True),
]  # fmt: skip
RENAL = (
    RenalRule("metformin", Decimal(45), RenalAdvice.REVIEW_DOSE, "BNF metformin"),
    RenalRule("metformin", Decimal(30), RenalAdvice.AVOID, "BNF metformin"),
    RenalRule("nitrofurantoin", Decimal(45), RenalAdvice.AVOID, "BNF nitrofurantoin"),
)
REF = Knowledge("test", {s.key: s for s in SUBSTANCES}, {}, {}, RENAL)

_IDS = {s.key: n for n, s in enumerate(SUBSTANCES, 1)}


def mg(name: str, amount: float | int = 1) -> IngredientAmount:
    return IngredientAmount(_IDS[name], name, None, Decimal(str(amount)), "mg")


def med(name: str, amount: float | int = 1, **changes: Any) -> LineFacts:
    """A regular line of one substance (08:00 daily unless said), id by substance."""
    defaults: dict[str, Any] = {
        "id": _IDS[name],
        "medicine_id": _IDS[name],
        "medicine": f"{name.capitalize()} {amount} mg tablets",
        "ingredients": (mg(name, amount),),
    }
    return line(**{**defaults, **changes})


def prn(name: str, amount: float | int = 1, **changes: Any) -> LineFacts:
    defaults: dict[str, Any] = {
        "timing": Timing("prn"),
        "prn_indication": "pain",
        "prn_min_interval": timedelta(hours=4),
        "prn_max_24h": 4,
        "dose_max": Decimal(2),
    }
    return med(name, amount, **{**defaults, **changes})


def started(days_ago: float, **changes: Any) -> dict[str, Any]:
    """starts_at and active_periods for a line started `days_ago` before NOW."""
    start = NOW - timedelta(days=days_ago)
    return {"starts_at": start, "active_periods": ((start, None),), **changes}


def ctx(now: datetime = NOW, **thresholds: Any) -> Context:
    values = {k.replace("__", "."): Decimal(str(v)) for k, v in thresholds.items()}
    return Context(now, LONDON, REF, Thresholds.of(values))


def facts(*lines: LineFacts, **changes: Any) -> ReviewFacts:
    return ReviewFacts(resident=changes.pop("who", resident()), lines=tuple(lines), **changes)


__all__ = ["NOW", "at", "daily"]


# Rows for the service tests, straight through the models (their services are another job).


def add_condition(session: Any, resident_id: int, key: str, staff_id: int) -> int:
    row = ResidentCondition(resident_id=resident_id, condition=key, recorded_by_id=staff_id)
    session.add(row)
    session.flush()
    return row.id


def add_observation(
    session: Any,
    resident_id: int,
    kind: str,
    value: Decimal | None,
    observed_at: datetime,
    staff_id: int,
) -> int:
    row = ResidentObservation(
        resident_id=resident_id,
        kind=kind,
        value=value,
        observed_at=observed_at,
        recorded_by_id=staff_id,
    )
    session.add(row)
    session.flush()
    return row.id


def add_plan(session: Any, resident_id: int, kind: str, every_days: int, staff_id: int) -> int:
    row = MonitoringPlan(
        resident_id=resident_id, kind=kind, every_days=every_days, recorded_by_id=staff_id
    )
    session.add(row)
    session.flush()
    return row.id


def set_threshold(session: Any, key: str, value: Decimal, staff_id: int) -> None:
    session.merge(SignalThreshold(key=key, value=value, changed_by_id=staff_id))
    session.flush()
