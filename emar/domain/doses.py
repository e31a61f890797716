"""Plain facts about residents, chart lines and MAR entries, and how a scheduled dose is classified.

These are the inputs and outputs of the round engine's rules; they carry no database session.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from emar.domain.codes import Outcome
from emar.domain.medicines.allergies import AllergyFacts
from emar.domain.schedule import Timing
from emar.domain.windows import Window

Period = tuple[datetime, datetime | None]


@dataclass(frozen=True)
class ResidentFacts:
    id: int
    name: str
    room: str
    unit_id: int
    status: str
    allergies: tuple[AllergyFacts, ...]  # the active ones
    absences: tuple[tuple[str, datetime, datetime | None], ...]  # (hospital / leave, from, to)
    weight_kg: Decimal | None = None  # the last recorded weight (a lower maximum under 50 kg)

    def away_at(self, at: datetime) -> str | None:
        for kind, start, end in self.absences:
            if start <= at and (end is None or at < end):
                return kind
        return None


@dataclass(frozen=True, slots=True)
class IngredientAmount:
    ingredient_id: int
    name: str
    allergen_group: str | None
    amount: Decimal  # per dose unit
    unit: str


@dataclass(frozen=True, slots=True)
class LineFacts:
    id: int
    resident_id: int
    medicine_id: int
    medicine: str
    dose_min: Decimal
    dose_max: Decimal
    dose_unit: str
    route: str
    directions: str
    timing: Timing
    starts_at: datetime
    ends_at: datetime | None
    status: str  # pending / active / suspended / stopped / ended / not started, at "now"
    status_reason: str | None
    active_periods: tuple[Period, ...]
    time_critical: bool
    controlled: bool
    high_risk: bool
    prn_indication: str | None
    prn_min_interval: timedelta | None
    prn_max_24h: int | None
    ingredients: tuple[IngredientAmount, ...]
    cd_schedule: int | None = None  # 2-5; `controlled` says only whether it is one

    @property
    def is_prn(self) -> bool:
        return self.timing.kind == "prn"

    @property
    def ingredient_ids(self) -> frozenset[int]:
        return frozenset(i.ingredient_id for i in self.ingredients)


@dataclass(frozen=True, slots=True)
class EntryFacts:
    """One MAR entry as recorded (corrections are entries too)."""

    id: int
    chart_line_id: int
    scheduled_at: datetime | None
    outcome: str  # given / not_given
    code: str | None
    code_label: str | None
    dose_given: Decimal | None
    administered_at: datetime
    recorded_at: datetime
    staff_id: int
    staff_name: str
    staff_initials: str
    witness_name: str | None
    supersedes_id: int | None
    override_reason: str | None
    site: str | None
    note: str | None

    @property
    def is_given(self) -> bool:
        return self.outcome == Outcome.GIVEN


def effective_entries(entries: Iterable[EntryFacts]) -> list[EntryFacts]:
    """The entries no correction has superseded: what the MAR currently says."""
    items = list(entries)
    superseded = {e.supersedes_id for e in items if e.supersedes_id is not None}
    return [e for e in items if e.id not in superseded]


class DoseState(StrEnum):
    UPCOMING = "upcoming"
    DUE_SOON = "due soon"
    DUE = "due now"
    OVERDUE = "overdue"
    MISSED = "missed"
    GIVEN = "given"
    NOT_GIVEN = "not given"
    AWAY = "away"


SOON = timedelta(minutes=60)  # "due soon": the window opens within the hour


def classify(
    window: Window,
    missed_from: datetime,
    entry: EntryFacts | None,
    away: str | None,
    now: datetime,
) -> DoseState:
    if entry is not None:
        return DoseState.GIVEN if entry.is_given else DoseState.NOT_GIVEN
    if away is not None:
        return DoseState.AWAY
    if now < window.opens - SOON:
        return DoseState.UPCOMING
    if now < window.opens:
        return DoseState.DUE_SOON
    if now <= window.closes:
        return DoseState.DUE
    if now < missed_from:
        return DoseState.OVERDUE
    return DoseState.MISSED
