"""The due list: for a unit or the whole home at a moment, each resident's doses and why."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from emar.domain.clock_text import clock, minutes_text
from emar.domain.doses import (
    DoseState,
    EntryFacts,
    LineFacts,
    Window,
    classify,
    effective_entries,
    next_opening,
    overdue_until,
)
from emar.domain.line_periods import ACTIVE
from emar.domain.prn import DAY, PrnLimitCheck, check_prn
from emar.domain.schedule import line_instants
from emar.models.administration import ENTERED_IN_ERROR
from emar.services.home import HomeSettings, get_home
from emar.services.round.facts import (
    ResidentFacts,
    line_dose_text,
    load_entries,
    load_lines,
    load_residents,
)

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
        return _why(
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


def window_minutes(home: HomeSettings, line: LineFacts) -> int:
    return home.time_critical_window_minutes if line.time_critical else home.dose_window_minutes


def dose_entries(entries: list[EntryFacts]) -> dict[tuple[int, datetime], EntryFacts]:
    """What the MAR says for each scheduled dose; a voided ("entered in error") dose is open."""
    chains: dict[tuple[int, datetime], list[EntryFacts]] = defaultdict(list)
    for e in entries:
        if e.scheduled_at is not None:
            chains[(e.chart_line_id, e.scheduled_at)].append(e)
    result = {}
    for key, chain in chains.items():
        current = effective_entries(chain)
        if current and current[-1].code != ENTERED_IN_ERROR:
            result[key] = current[-1]
    return result


def given_entries(entries: list[EntryFacts]) -> list[EntryFacts]:
    """Effective "given" entries (corrections applied), for PRN limits."""
    return [e for e in effective_entries(entries) if e.is_given]


def _why(
    state: DoseState,
    scheduled: datetime,
    window: Window,
    entry: EntryFacts | None,
    away: str | None,
    now: datetime,
    zone: ZoneInfo,
    missed_from: datetime,
) -> str:
    at = clock(scheduled, zone, now)
    span = f"{clock(window.opens, zone)}-{clock(window.closes, zone)}"
    if state == DoseState.GIVEN and entry is not None:
        late = window.minutes_late(entry.administered_at)
        early = window.minutes_early(entry.administered_at)
        given = f"Given {clock(entry.administered_at, zone, now)} by {entry.staff_name}"
        if late:
            return f"{given}: LATE, {minutes_text(timedelta(minutes=late))} after the window"
        if early:
            return f"{given}: EARLY, {minutes_text(timedelta(minutes=early))} before the window"
        return given
    if state == DoseState.NOT_GIVEN and entry is not None:
        return (
            f"Not given: {entry.code} {entry.code_label or ''} "
            f"({entry.staff_name}, {clock(entry.administered_at, zone, now)})"
        ).replace("  ", " ")
    if state == DoseState.AWAY:
        code = "H" if away == "hospital" else "L"
        return f"{code}: resident in {away} at {at}"
    if state == DoseState.UPCOMING:
        return f"Due at {at} (window {span})"
    if state == DoseState.DUE_SOON:
        return f"Due at {at}: window opens in {minutes_text(window.opens - now)}"
    if state == DoseState.DUE:
        return f"Due now: {at} (window {span}, closes in {minutes_text(window.closes - now)})"
    if state == DoseState.OVERDUE:
        return (
            f"OVERDUE: due {at}, window closed {minutes_text(now - window.closes)} ago. "
            f"Give late or record why not, before {clock(missed_from, zone, now)}"
        )
    return f"MISSED: due {at}, nothing recorded"


def _prn_why(line: LineFacts, check: PrnLimitCheck, zone: ZoneInfo, now: datetime) -> str:
    counted = f"{check.doses_24h} of {line.prn_max_24h} in 24 h"
    if check.allowed:
        if check.last_given is None:
            return f"Available: none given in 24 h ({counted})"
        last = check.last_given
        return (
            f"Available: last {check.last_medicine} {clock(last.administered_at, zone, now)} "
            f"by {last.staff_name} ({counted})"
        )
    assert check.next_allowed_at is not None
    return f"Not yet: next allowed {clock(check.next_allowed_at, zone, now)} ({counted})"


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
    lines = load_lines(session, ids, now, since=since - timedelta(hours=12))
    entries = load_entries(session, ids, min(since, now - DAY), until)
    return build_rounds(home, residents, lines, entries, now, since, until)


def build_rounds(
    home: HomeSettings,
    residents: list[ResidentFacts],
    lines: list[LineFacts],
    entries: list[EntryFacts],
    now: datetime,
    since: datetime,
    until: datetime,
) -> list[ResidentRound]:
    zone = home.zone
    by_resident: dict[int, list[LineFacts]] = defaultdict(list)
    for line in lines:
        by_resident[line.resident_id].append(line)
    recorded = dose_entries(entries)
    given_by_resident: dict[int, list[EntryFacts]] = defaultdict(list)
    line_owner = {line.id: line.resident_id for line in lines}
    for e in given_entries(entries):
        if e.chart_line_id in line_owner:
            given_by_resident[line_owner[e.chart_line_id]].append(e)

    rounds = []
    for resident in residents:
        doses: list[DueDose] = []
        prn: list[PrnStatus] = []
        resident_lines = by_resident[resident.id]
        for line in resident_lines:
            if line.is_prn:
                if line.status == ACTIVE:
                    prn.append(
                        _prn_status(
                            line,
                            resident_lines,
                            given_by_resident[resident.id],
                            now,
                            zone,
                            resident.away_at(now),
                        )
                    )
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
    recorded: dict[tuple[int, datetime], EntryFacts],
    now: datetime,
    since: datetime,
    until: datetime,
) -> list[DueDose]:
    zone = home.zone
    minutes = window_minutes(home, line)
    # expand a day past `until` so the last dose knows when the next one opens
    instants = line_instants(line, zone, since - timedelta(hours=12), until + DAY)
    out = []
    for i, scheduled in enumerate(instants):
        if not since <= scheduled < until:
            continue
        window = Window.around(scheduled, minutes)
        missed_from = overdue_until(window, scheduled, next_opening(instants, i, minutes))
        entry = recorded.get((line.id, scheduled))
        away = resident.away_at(scheduled)
        state = classify(window, missed_from, entry, away, now)
        late = window.minutes_late(entry.administered_at) if entry and entry.is_given else 0
        out.append(
            DueDose(
                resident_id=resident.id,
                chart_line_id=line.id,
                medicine=line.medicine,
                dose=line_dose_text(line),
                route=line.route,
                directions=line.directions,
                scheduled_at=scheduled,
                window=window,
                state=state,
                time_critical=line.time_critical,
                controlled=line.controlled,
                entry=entry,
                late_minutes=late,
                missed_from=missed_from,
                away=away,
                seen_at=now,
                zone=zone,
            )
        )
    return out


def _prn_status(
    line: LineFacts,
    resident_lines: list[LineFacts],
    given: list[EntryFacts],
    now: datetime,
    zone: ZoneInfo,
    away: str | None = None,
) -> PrnStatus:
    check = check_prn(line, resident_lines, given, now, line.dose_min)
    why = _prn_why(line, check, zone, now)
    if away:  # nothing is "available" to someone who is not here
        why = f"Not here: resident in {away}"
    return PrnStatus(
        resident_id=line.resident_id,
        chart_line_id=line.id,
        medicine=line.medicine,
        dose=line_dose_text(line),
        indication=line.prn_indication or "",
        available=check.allowed and not away,
        next_allowed_at=check.next_allowed_at,
        doses_24h=check.doses_24h,
        max_24h=line.prn_max_24h or 0,
        why=why,
        controlled=line.controlled,
    )
