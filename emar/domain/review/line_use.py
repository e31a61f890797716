"""How each chart line was actually taken, day by day, for the pharmacist's review (issue 17,
part 3): the strips of the review screen over the last 28 and 90 days.

A regular line's doses are classified by the round's one rule (`line_doses`): given on time,
given late (after its window), refused, withheld, not given for another reason, not required,
the resident away, recorded on paper, or due and nothing recorded (missed). A PRN line counts
the doses given each day. Days are the home's local days, today the last.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from emar.domain.codes import IN_HOSPITAL, ON_LEAVE, REFUSED
from emar.domain.doses import DoseState, EntryFacts, LineFacts, ResidentFacts, effective_entries
from emar.domain.line_doses import line_doses
from emar.domain.line_periods import ACTIVE
from emar.domain.mar_entries import dose_entries
from emar.domain.medicines.knowledge import Knowledge
from emar.domain.review.signals.base import substances
from emar.domain.windows import DoseWindows

WITHHELD = "W"
NOT_REQUIRED = "NR"
PAPER = "P"
LONG, SHORT = 90, 28  # the two strips, in days

# What a scheduled dose (or a PRN entry) counts as, in the strip's order of concern.
OUTCOMES = (
    "refused",
    "withheld",
    "not_given",  # any other not-given code (asleep, nausea, unavailable...)
    "missed",  # due, and nothing recorded
    "late",
    "given",
    "not_required",
    "away",  # in hospital or on leave
    "paper",  # recorded on paper during downtime
)


@dataclass(frozen=True, slots=True)
class DayUse:
    """One local day of one line: how many doses came to each outcome, and PRN doses given."""

    day: date
    given: int = 0
    late: int = 0
    refused: int = 0
    withheld: int = 0
    not_given: int = 0
    missed: int = 0
    not_required: int = 0
    away: int = 0
    paper: int = 0
    prn: int = 0

    def count(self, outcome: str) -> int:
        return int(getattr(self, outcome))

    @property
    def doses(self) -> int:
        """Scheduled doses with an outcome (PRN doses apart)."""
        return sum(self.count(o) for o in OUTCOMES)

    def words(self) -> str:
        """ "Mon 15 Jun: 2 given, 1 refused", for a tooltip."""
        said = [f"{self.count(o)} {o.replace('_', ' ')}" for o in OUTCOMES if self.count(o)]
        if self.prn:
            said.append(f"{self.prn} PRN dose{'s' if self.prn != 1 else ''} given")
        return f"{self.day:%a %d %b}: " + (", ".join(said) or "nothing recorded")


@dataclass(frozen=True, slots=True)
class UseTotals:
    given: int = 0
    late: int = 0
    refused: int = 0
    withheld: int = 0
    not_given: int = 0
    missed: int = 0
    not_required: int = 0
    away: int = 0
    paper: int = 0
    prn: int = 0
    prn_days: int = 0  # days with a PRN dose given

    @classmethod
    def of(cls, days: Iterable[DayUse]) -> UseTotals:
        sums: Counter[str] = Counter()
        prn_days = 0
        for d in days:
            for f in fields(DayUse):
                if f.name != "day":
                    sums[f.name] += getattr(d, f.name)
            prn_days += d.prn > 0
        return cls(**sums, prn_days=prn_days)


@dataclass(frozen=True)
class LineUse:
    line_id: int
    is_prn: bool
    days: tuple[DayUse, ...]  # oldest first; the last is today

    def last(self, n: int) -> tuple[DayUse, ...]:
        return self.days[-n:]

    def totals(self, n: int) -> UseTotals:
        return UseTotals.of(self.last(n))


def local_days(now: datetime, zone: ZoneInfo, n: int) -> list[date]:
    today = now.astimezone(zone).date()
    return [today - timedelta(days=i) for i in range(n - 1, -1, -1)]


def _outcome(entry: EntryFacts | None, state: DoseState, late_minutes: int) -> str | None:
    if entry is None:
        if state == DoseState.AWAY:
            return "away"
        return "missed" if state == DoseState.MISSED else None  # still open: not counted
    if entry.is_given:
        return "late" if late_minutes > 0 else "given"
    return {
        REFUSED: "refused",
        WITHHELD: "withheld",
        NOT_REQUIRED: "not_required",
        IN_HOSPITAL: "away",
        ON_LEAVE: "away",
        PAPER: "paper",
    }.get(entry.code or "", "not_given")


def line_use(
    line: LineFacts,
    entries: Sequence[EntryFacts],
    resident: ResidentFacts,
    now: datetime,
    zone: ZoneInfo,
    windows: DoseWindows,
    days: int = LONG,
) -> LineUse:
    """One line's last `days` local days. `entries` are the resident's (or the line's) MAR
    entries covering the period; corrections apply (what the MAR says now)."""
    dates = local_days(now, zone, days)
    start = datetime.combine(dates[0], time(0), zone)
    counts: dict[date, Counter[str]] = {d: Counter() for d in dates}

    def add(at: datetime, outcome: str) -> None:
        day = at.astimezone(zone).date()
        if day in counts:
            counts[day][outcome] += 1

    mine = [e for e in entries if e.chart_line_id == line.id]
    if line.is_prn:
        for e in effective_entries(mine):
            if e.scheduled_at is not None:
                continue
            if e.is_given:
                add(e.administered_at, "prn")
            else:
                outcome = _outcome(e, DoseState.NOT_GIVEN, 0)
                if outcome is not None:
                    add(e.administered_at, outcome)
    else:
        recorded = dose_entries(mine)
        for d in line_doses(line, zone, windows, start, now, now, recorded, resident.away_at):
            outcome = _outcome(d.entry, d.state, d.late_minutes)
            if outcome is not None:
                add(d.scheduled_at, outcome)
    return LineUse(line.id, line.is_prn, tuple(DayUse(d, **counts[d]) for d in dates))


def chart_use(
    lines: Sequence[LineFacts],
    entries: Sequence[EntryFacts],
    resident: ResidentFacts,
    now: datetime,
    zone: ZoneInfo,
    windows: DoseWindows,
    days: int = LONG,
) -> dict[int, LineUse]:
    by_line: dict[int, list[EntryFacts]] = {line.id: [] for line in lines}
    for e in entries:
        if e.chart_line_id in by_line:
            by_line[e.chart_line_id].append(e)
    return {
        line.id: line_use(line, by_line[line.id], resident, now, zone, windows, days)
        for line in lines
    }


def regular_medicines(lines: Iterable[LineFacts]) -> int:
    """Distinct medicines on the active regular lines (as the polypharmacy signal counts)."""
    return len({line.medicine_id for line in lines if line.status == ACTIVE and not line.is_prn})


def acb_scores(lines: Iterable[LineFacts], knowledge: Knowledge) -> Mapping[str, int]:
    """Each substance with an anticholinergic score on the active lines (once each), by name."""
    found: dict[str, int] = {}
    for line in lines:
        if line.status != ACTIVE:
            continue
        for s in substances(line, knowledge):
            if s.acb > 0:
                found[s.name] = s.acb
    return dict(sorted(found.items()))
