"""What happened to every dose in a period, for many residents at once: the facts reports are
built from. Classified exactly as the round and the MAR classify them (emar.domain.line_doses)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from emar.domain.doses import DoseState, EntryFacts, LineFacts, ResidentFacts, effective_entries
from emar.domain.line_doses import line_doses
from emar.domain.mar_entries import current_entry, dose_chains
from emar.domain.wording import dose_text
from emar.services.home import HomeSettings
from emar.services.round.facts import line_dose_text, load_entries, load_lines, load_residents

BATCH = 50  # residents per round trip; also how often progress is reported
Progress = Callable[[int, int], None]  # done, total


class Cancelled(Exception):
    """The person asked to stop a long report."""


@dataclass(frozen=True)
class DoseOutcome:
    resident_id: int
    resident: str
    room: str
    line: LineFacts
    dose: str  # "1 tablet", "5-10 ml"
    scheduled_at: datetime | None  # None: a PRN dose
    state: DoseState
    entry: EntryFacts | None  # what the MAR says now (corrections applied)
    late_minutes: int  # given after the window closed, by this much
    chain: tuple[EntryFacts, ...]  # every entry for this dose, oldest first (corrections visible)

    @property
    def staff_id(self) -> int | None:
        return self.entry.staff_id if self.entry else None

    @property
    def amount(self) -> str:
        """What was given ("2 tablets"), once it was; else what is prescribed ("1-2 tablets").
        A report never prints a range for a dose that was given."""
        e = self.entry
        if e is not None and e.is_given and e.dose_given is not None:
            return dose_text(e.dose_given, e.dose_given, self.line.dose_unit)
        return self.dose


@dataclass(frozen=True)
class PeriodFacts:
    residents: list[ResidentFacts]
    lines: dict[int, LineFacts]
    outcomes: list[DoseOutcome]
    entries: list[EntryFacts]  # every entry in the period, corrections included


def period_facts(
    session: Session,
    home: HomeSettings,
    start: datetime,
    end: datetime,
    now: datetime,
    *,
    unit_id: int | None = None,
    resident_ids: Sequence[int] | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> PeriodFacts:
    """Every scheduled dose due in [start, end) and every PRN entry in it, classified at `now`."""
    residents = load_residents(session, unit_id=unit_id, resident_ids=resident_ids)
    residents.sort(key=lambda r: (r.room, r.name))
    outcomes: list[DoseOutcome] = []
    all_lines: dict[int, LineFacts] = {}
    all_entries: list[EntryFacts] = []
    for first in range(0, len(residents), BATCH):
        if cancelled is not None and cancelled():
            raise Cancelled
        batch = residents[first : first + BATCH]
        ids = [r.id for r in batch]
        lines = load_lines(session, ids, now, since=start)
        entries = load_entries(session, ids, start, end)
        all_entries.extend(entries)
        by_resident: dict[int, list[LineFacts]] = defaultdict(list)
        for line in lines:
            by_resident[line.resident_id].append(line)
            all_lines[line.id] = line
        for resident in batch:
            mine = {ln.id for ln in by_resident[resident.id]}
            outcomes.extend(
                resident_outcomes(
                    home,
                    resident,
                    by_resident[resident.id],
                    [e for e in entries if e.chart_line_id in mine],
                    start,
                    end,
                    now,
                )
            )
        if progress is not None:
            progress(min(first + BATCH, len(residents)), len(residents))
    return PeriodFacts(residents, all_lines, outcomes, all_entries)


def resident_outcomes(
    home: HomeSettings,
    resident: ResidentFacts,
    lines: list[LineFacts],
    entries: list[EntryFacts],
    start: datetime,
    end: datetime,
    now: datetime,
) -> list[DoseOutcome]:
    zone, windows = home.zone, home.windows
    chains = dose_chains(entries)
    current = {key: e for key, chain in chains.items() if (e := current_entry(chain)) is not None}
    out: list[DoseOutcome] = []
    for line in sorted(lines, key=lambda ln: (ln.medicine, ln.id)):
        dose = line_dose_text(line)
        if line.is_prn:
            for e in effective_entries([e for e in entries if e.chart_line_id == line.id]):
                state = DoseState.GIVEN if e.is_given else DoseState.NOT_GIVEN
                out.append(
                    DoseOutcome(
                        resident.id,
                        resident.name,
                        resident.room,
                        line,
                        dose,
                        None,
                        state,
                        e,
                        0,
                        (e,),
                    )
                )
            continue
        for d in line_doses(
            line, zone, windows, start, end, now, current, resident.away_at, chains
        ):
            out.append(
                DoseOutcome(
                    resident.id,
                    resident.name,
                    resident.room,
                    line,
                    dose,
                    d.scheduled_at,
                    d.state,
                    d.entry,
                    d.late_minutes,
                    d.chain,
                )
            )
    return out
