"""What a signal is, the facts the signals read, and the small helpers they share.

Each rule is a pure function `(facts: ReviewFacts, ctx: Context) -> list[Signal]` over one
resident's plain facts; the service loads the facts for the whole home in a few set-based
queries (emar/services/review/signals.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from emar.domain.doses import EntryFacts, LineFacts, ResidentFacts
from emar.domain.line_periods import ACTIVE
from emar.domain.mar_entries import dose_entries
from emar.domain.medicines.knowledge import Knowledge, Substance
from emar.domain.review.thresholds import Thresholds
from emar.domain.windows import DoseWindows

DAY = timedelta(days=1)


class Severity(StrEnum):
    INFO = "info"
    ATTENTION = "attention"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        return {"info": 0, "attention": 1, "urgent": 2}[self.value]


# What a signal rests on: ("administration", id), ("observation", id), ("condition", id),
# ("plan", id) or ("chart_line", id).
Evidence = tuple[str, int]


@dataclass(frozen=True, slots=True)
class Signal:
    kind: str
    resident_id: int
    chart_line_ids: tuple[int, ...]
    severity: Severity
    title: str  # short, for a list
    detail: str  # in words a carer and a pharmacist both read
    evidence: tuple[Evidence, ...]
    source: str


@dataclass(frozen=True, slots=True)
class Observation:
    id: int
    kind: str  # weight, egfr, inr, lithium, methotrexate_bloods, fall
    value: Decimal | None
    observed_at: datetime


@dataclass(frozen=True, slots=True)
class Plan:
    id: int
    kind: str  # the observation kind that satisfies it
    every_days: int
    chart_line_id: int | None = None


@dataclass(frozen=True, slots=True)
class LineExtra:
    """What a signal needs of a chart line beyond the round's LineFacts."""

    form: str = ""  # the medicine's form: "tablet", "oral solution"...
    review_date: date | None = None
    changed_at: datetime | None = None  # its start or its latest status change
    stock: Decimal = Decimal(0)


@dataclass(frozen=True)
class ReviewFacts:
    """One resident's facts as the signals read them. `entries` cover the look-back the
    service loaded (at least 28 days); `last_prn_given` is each PRN line's last dose ever."""

    resident: ResidentFacts
    lines: tuple[LineFacts, ...]
    entries: tuple[EntryFacts, ...] = ()
    extras: Mapping[int, LineExtra] = field(default_factory=dict)
    conditions: Mapping[str, int] = field(default_factory=dict)  # key -> condition row id
    observations: tuple[Observation, ...] = ()
    plans: tuple[Plan, ...] = ()
    last_prn_given: Mapping[int, datetime] = field(default_factory=dict)
    covert_review_date: date | None = None

    def line_extra(self, line_id: int) -> LineExtra:
        return self.extras.get(line_id, LineExtra())

    def latest(self, kind: str) -> Observation | None:
        found = [o for o in self.observations if o.kind == kind]
        return max(found, key=lambda o: (o.observed_at, o.id)) if found else None


@dataclass(frozen=True)
class Context:
    now: datetime
    zone: ZoneInfo
    knowledge: Knowledge
    thresholds: Thresholds = field(default_factory=Thresholds.of)
    windows: DoseWindows = field(default_factory=DoseWindows)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()

    def day(self, at: datetime) -> date:
        return at.astimezone(self.zone).date()

    def days_ago(self, key: str) -> datetime:
        return self.now - timedelta(days=self.thresholds.int(key))


def active(lines: Iterable[LineFacts]) -> list[LineFacts]:
    return [line for line in lines if line.status == ACTIVE]


def regular(lines: Iterable[LineFacts]) -> list[LineFacts]:
    return [line for line in lines if not line.is_prn]


def substances(line: LineFacts, knowledge: Knowledge) -> list[Substance]:
    """The reference facts of the line's ingredients (by the medicine's name if it has none)."""
    names = [i.name for i in line.ingredients] or [line.medicine.split(" ")[0]]
    found = [knowledge.substance(n) for n in names]
    return list({s.key: s for s in found if s is not None}.values())


def has_class(line: LineFacts, knowledge: Knowledge, *keys: str) -> bool:
    return any(s.classes & set(keys) for s in substances(line, knowledge))


def since_start(line: LineFacts) -> datetime:
    """When the line first became active (its start, if it never has)."""
    return line.active_periods[0][0] if line.active_periods else line.starts_at


def doses_per_day(line: LineFacts) -> Decimal:
    t = line.timing
    if t.kind == "every_n_hours" and t.every_n_hours:
        return Decimal(24) / Decimal(t.every_n_hours)
    count = Decimal(len(t.times) or 1)
    if t.kind == "every_n_days" and t.every_n_days:
        return count / Decimal(t.every_n_days)
    return count  # times of day; on the weekdays it is given


_TO_MG = {"mg": Decimal(1), "g": Decimal(1000), "microgram": Decimal("0.001")}


def daily_mg(line: LineFacts, substance: str, knowledge: Knowledge) -> Decimal:
    """Milligrams a day of `substance` (a key) that a regular line schedules, at its top dose."""
    total = Decimal(0)
    for i in line.ingredients:
        facts = knowledge.substance(i.name)
        factor = _TO_MG.get(i.unit)
        if facts is not None and facts.key == substance and factor is not None:
            total += i.amount * factor * line.dose_max * doses_per_day(line)
    return total


def current_doses(entries: Iterable[EntryFacts], since: datetime) -> dict[int, list[EntryFacts]]:
    """What the MAR says now of each scheduled dose since `since`, by chart line."""
    out: dict[int, list[EntryFacts]] = {}
    for (line_id, scheduled), entry in dose_entries(entries).items():
        if scheduled >= since:
            out.setdefault(line_id, []).append(entry)
    return out


def ids(entries: Iterable[EntryFacts]) -> tuple[Evidence, ...]:
    return tuple(("administration", e.id) for e in sorted(entries, key=lambda e: e.id))


def names(lines: Iterable[LineFacts]) -> str:
    return ", ".join(sorted({line.medicine for line in lines}))


def plural(n: int | Decimal, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
