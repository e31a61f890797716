"""The due list: for a unit or the whole home at a moment, each resident's doses and why."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from emar.domain.doses import DoseState, EntryFacts, LineFacts, ResidentFacts
from emar.domain.due_wording import dose_why, prn_available, prn_why
from emar.domain.homely_remedies import check_homely
from emar.domain.line_doses import line_doses
from emar.domain.line_periods import ACTIVE
from emar.domain.mar_entries import DoseKey, dose_entries, given_entries
from emar.domain.medicines.daily_maximum import (
    DailyExcess,
    checked_ingredients,
    daily_excesses,
    daily_next_allowed,
)
from emar.domain.prn import DAY, check_prn
from emar.domain.windows import OVERDUE_AT_MOST, Window
from emar.infra.medicine_reference import load_knowledge
from emar.services.charts.homely_remedies import protocol_facts
from emar.services.home import HomeSettings, get_home
from emar.services.round.facts import line_dose_text, load_entries, load_lines, load_residents

LOOKBACK = timedelta(hours=24)
LOOKAHEAD = timedelta(hours=4)


@dataclass(frozen=True, slots=True)
class DueDose:
    resident_id: int
    chart_line_id: int
    medicine: str
    dose: str
    route: str
    directions: str
    scheduled_at: datetime
    window: Window
    state: DoseState
    time_critical: bool
    controlled: bool
    entry: EntryFacts | None
    late_minutes: int  # for a given dose, minutes after the window closed
    missed_from: datetime
    away: str | None
    seen_at: datetime  # the "now" of the list
    zone: ZoneInfo = field(compare=False, repr=False)

    @property
    def why(self) -> str:
        """Why this state, in a carer's words (built on demand: most are never shown)."""
        return dose_why(
            self.state,
            self.scheduled_at,
            self.window,
            self.entry,
            self.away,
            self.seen_at,
            self.zone,
            self.missed_from,
        )


@dataclass(frozen=True)
class PrnStatus:
    resident_id: int
    chart_line_id: int
    medicine: str
    dose: str
    indication: str
    available: bool
    next_allowed_at: datetime | None
    doses_24h: int
    max_24h: int
    why: str
    controlled: bool


@dataclass(frozen=True)
class ResidentRound:
    resident_id: int
    name: str
    room: str
    away: str | None
    doses: tuple[DueDose, ...]
    prn: tuple[PrnStatus, ...]

    def count(self, state: DoseState) -> int:
        return sum(1 for d in self.doses if d.state == state)

    @property
    def time_critical_due(self) -> bool:
        return any(
            d.time_critical and d.state in (DoseState.DUE, DoseState.DUE_SOON, DoseState.OVERDUE)
            for d in self.doses
        )


def due_list(
    session: Session,
    now: datetime,
    *,
    unit_id: int | None = None,
    resident_ids: list[int] | None = None,
    lookback: timedelta = LOOKBACK,
    lookahead: timedelta = LOOKAHEAD,
) -> list[ResidentRound]:
    home = get_home(session)
    residents = load_residents(session, unit_id=unit_id, resident_ids=resident_ids)
    ids = [r.id for r in residents]
    since, until = now - lookback, now + lookahead
    lines = load_lines(session, ids, now, since=since - OVERDUE_AT_MOST)  # still overdue
    entries = load_entries(session, ids, min(since, now - DAY), until)
    refusals = {}  # a homely remedy the protocol does not allow now: why
    for line in lines:
        facts = protocol_facts(session, line.id, line.resident_id, now) if line.is_prn else None
        refusal = facts and check_homely(*facts, now, now.astimezone(home.zone).date())
        if refusal:
            refusals[line.id] = refusal.message
    return build_rounds(home, residents, lines, entries, now, since, until, refusals)


def build_rounds(
    home: HomeSettings,
    residents: list[ResidentFacts],
    lines: list[LineFacts],
    entries: list[EntryFacts],
    now: datetime,
    since: datetime,
    until: datetime,
    refusals: dict[int, str] | None = None,
) -> list[ResidentRound]:
    """`refusals`: homely remedy lines their protocol does not allow now, with why (shown as
    not available, as the scan would stop them)."""
    zone = home.zone
    by_resident: dict[int, list[LineFacts]] = defaultdict(list)
    for line in lines:
        by_resident[line.resident_id].append(line)
    recorded = dose_entries(entries)
    given_by_resident: dict[int, list[EntryFacts]] = defaultdict(list)
    entries_by_resident: dict[int, list[EntryFacts]] = defaultdict(list)
    line_owner = {line.id: line.resident_id for line in lines}
    for e in entries:
        if e.chart_line_id in line_owner:
            entries_by_resident[line_owner[e.chart_line_id]].append(e)
    for e in given_entries(entries):
        if e.chart_line_id in line_owner:
            given_by_resident[line_owner[e.chart_line_id]].append(e)
    knowledge = load_knowledge()

    rounds = []
    for resident in residents:
        doses: list[DueDose] = []
        prn: list[PrnStatus] = []
        resident_lines = by_resident[resident.id]
        for line in resident_lines:
            if line.is_prn:
                if line.status == ACTIVE:
                    daily = daily_excesses(
                        line,
                        resident_lines,
                        entries_by_resident[resident.id],
                        now,
                        None,
                        line.dose_min,
                        knowledge,
                        resident.weight_kg,
                        zone,
                        timedelta(minutes=home.windows.minutes),
                    )
                    status = _prn_status(
                        line,
                        resident_lines,
                        given_by_resident[resident.id],
                        now,
                        zone,
                        resident.away_at(now),
                        daily,
                        checked_ingredients(line, knowledge),
                    )
                    why = (refusals or {}).get(line.id)
                    if why and not resident.away_at(now):
                        status = replace(status, available=False, why=why)
                    prn.append(status)
                continue
            doses.extend(_line_doses(home, line, resident, recorded, now, since, until))
        doses.sort(key=lambda d: (d.scheduled_at, d.medicine))
        rounds.append(
            ResidentRound(
                resident.id,
                resident.name,
                resident.room,
                resident.away_at(now),
                tuple(doses),
                tuple(sorted(prn, key=lambda p: p.medicine)),
            )
        )
    return rounds


def _line_doses(
    home: HomeSettings,
    line: LineFacts,
    resident: ResidentFacts,
    recorded: dict[DoseKey, EntryFacts],
    now: datetime,
    since: datetime,
    until: datetime,
) -> list[DueDose]:
    zone = home.zone
    dose = line_dose_text(line)
    return [
        DueDose(
            resident_id=resident.id,
            chart_line_id=line.id,
            medicine=line.medicine,
            dose=dose,
            route=line.route,
            directions=line.directions,
            scheduled_at=d.scheduled_at,
            window=d.window,
            state=d.state,
            time_critical=line.time_critical,
            controlled=line.controlled,
            entry=d.entry,
            late_minutes=d.late_minutes,
            missed_from=d.missed_from,
            away=d.away,
            seen_at=now,
            zone=zone,
        )
        for d in line_doses(line, zone, home.windows, since, until, now, recorded, resident.away_at)
    ]


def _prn_status(
    line: LineFacts,
    resident_lines: list[LineFacts],
    given: list[EntryFacts],
    now: datetime,
    zone: ZoneInfo,
    away: str | None = None,
    daily: Sequence[DailyExcess] = (),
    checked: frozenset[int] = frozenset(),
) -> PrnStatus:
    """A PRN line's state on the round: its own limits and, like the verdict, the daily
    maximum of its ingredients across every line (so "available" never promises a dose the
    scan would stop)."""
    check = check_prn(line, resident_lines, given, now, line.dose_min, checked)
    return PrnStatus(
        resident_id=line.resident_id,
        chart_line_id=line.id,
        medicine=line.medicine,
        dose=line_dose_text(line),
        indication=line.prn_indication or "",
        available=prn_available(check, away) and not daily,
        next_allowed_at=daily_next_allowed(check.next_allowed_at, daily),
        doses_24h=check.doses_24h,
        max_24h=line.prn_max_24h or 0,
        why=prn_why(line, check, zone, now, away, daily),
        controlled=line.controlled,
    )
