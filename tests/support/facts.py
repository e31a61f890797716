"""Plain domain facts for the pure rule tests: a chart line, a MAR entry, a resident, with
defaults a test overrides by name."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from emar.domain.doses import EntryFacts, IngredientAmount, LineFacts, ResidentFacts
from emar.domain.schedule import Timing

LONDON = ZoneInfo("Europe/London")
LINE_START = datetime(2026, 1, 1, tzinfo=UTC)


def at(day: int, hh: int, mm: int = 0, month: int = 6) -> datetime:
    """A London clock time in 2026 (June unless said)."""
    return datetime(2026, month, day, hh, mm, tzinfo=LONDON)


def daily(*clock: str) -> Timing:
    return Timing("times_of_day", times=tuple(time.fromisoformat(c) for c in clock))


PARACETAMOL = IngredientAmount(1, "paracetamol", None, Decimal(500), "mg")
AMOXICILLIN = IngredientAmount(2, "amoxicillin", "penicillins", Decimal(500), "mg")


def line(**changes: Any) -> LineFacts:
    base = LineFacts(
        id=1,
        resident_id=1,
        medicine_id=1,
        medicine="Amlodipine 5 mg tablet",
        dose_min=Decimal(1),
        dose_max=Decimal(1),
        dose_unit="tablet",
        route="oral",
        directions="",
        timing=daily("08:00"),
        starts_at=LINE_START,
        ends_at=None,
        status="active",
        status_reason=None,
        active_periods=((LINE_START, None),),
        time_critical=False,
        controlled=False,
        high_risk=False,
        prn_indication=None,
        prn_min_interval=None,
        prn_max_24h=None,
        ingredients=(),
    )
    return replace(base, **changes)


def prn_line(**changes: Any) -> LineFacts:
    defaults: dict[str, Any] = {
        "id": 2,
        "medicine": "Paracetamol 500 mg tablet",
        "dose_min": Decimal(1),
        "dose_max": Decimal(2),
        "timing": Timing("prn"),
        "active_periods": ((LINE_START, None),),
        "prn_indication": "pain",
        "prn_min_interval": timedelta(hours=4),
        "prn_max_24h": 4,
        "ingredients": (PARACETAMOL,),
    }
    return line(**{**defaults, **changes})


def entry(**changes: Any) -> EntryFacts:
    base = EntryFacts(
        id=1,
        chart_line_id=1,
        scheduled_at=None,
        outcome="given",
        code=None,
        code_label=None,
        dose_given=Decimal(1),
        administered_at=at(10, 8),
        recorded_at=at(10, 8),
        staff_id=7,
        staff_name="Amy Carter",
        staff_initials="AC",
        witness_name=None,
        supersedes_id=None,
        override_reason=None,
        site=None,
        note=None,
    )
    return replace(base, **changes)


def not_given(code: str, **changes: Any) -> EntryFacts:
    return entry(outcome="not_given", code=code, dose_given=None, **changes)


def resident(**changes: Any) -> ResidentFacts:
    base = ResidentFacts(
        id=1,
        name="Mary Jones",
        room="1",
        unit_id=1,
        status="resident",
        allergies=(),
        absences=(),
    )
    return replace(base, **changes)
