"""A resident's MAR for a run of days: the paper chart's rows (chart line x time) and columns
(days), each cell what the record says: initials, a not-given code, late, missed or away."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from emar.domain.doses import DoseState, EntryFacts, Window, classify, next_opening
from emar.domain.doses import overdue_until as overdue_limit
from emar.domain.schedule import line_instants, local_instant
from emar.services.due import dose_entries, given_entries, window_minutes
from emar.services.home import get_home
from emar.services.round_data import line_dose_text, load_entries, load_lines, load_residents


@dataclass(frozen=True)
class MarCell:
    state: DoseState
    text: str  # what the paper box would hold: "AC", "R", "AC late", "—", "H"
    scheduled_at: datetime | None
    entries: tuple[EntryFacts, ...]  # the whole chain, oldest first (corrections visible)


@dataclass(frozen=True)
class MarRow:
    chart_line_id: int
    medicine: str
    dose: str
    route: str
    directions: str
    time_label: str  # "08:00", "every 72 h", "PRN"
    cells: tuple[MarCell | None, ...]  # one per day; None = nothing due that day
    status: str = "active"  # the line's status now: pending / suspended / stopped ... (printed)


@dataclass(frozen=True)
class MarChart:
    resident_id: int
    resident_name: str
    days: tuple[date, ...]
    rows: tuple[MarRow, ...]


def resident_mar(
    session: Session, resident_id: int, first_day: date, now: datetime, days: int = 28
) -> MarChart:
    home = get_home(session)
    zone = home.zone
    day_list = tuple(first_day + timedelta(days=i) for i in range(days))
    start = local_instant(first_day, time(0), zone)
    end = local_instant(first_day + timedelta(days=days), time(0), zone)
    (resident,) = load_residents(session, resident_ids=[resident_id])
    lines = load_lines(session, [resident_id], now, since=start)
    entries = load_entries(session, [resident_id], start, end)
    chains: dict[tuple[int, datetime], list[EntryFacts]] = defaultdict(list)
    for e in entries:
        if e.scheduled_at is not None:
            chains[(e.chart_line_id, e.scheduled_at)].append(e)
    current = dose_entries(entries)
    rows: list[MarRow] = []
    for line in sorted(lines, key=lambda ln: (ln.is_prn, ln.medicine, ln.id)):
        if line.is_prn:
            rows.append(_prn_row(line, entries, day_list, zone))
            continue
        minutes = window_minutes(home, line)
        instants = line_instants(line, zone, start, end + timedelta(days=1))
        by_slot: dict[str, dict[date, MarCell]] = defaultdict(dict)
        for i, scheduled in enumerate(instants):
            if scheduled >= end:
                break
            local = scheduled.astimezone(zone)
            window = Window.around(scheduled, minutes)
            entry = current.get((line.id, scheduled))
            missed_from = overdue_limit(window, scheduled, next_opening(instants, i, minutes))
            state = classify(window, missed_from, entry, resident.away_at(scheduled), now)
            label = (
                local.strftime("%H:%M")
                if line.timing.kind != "every_n_hours"
                else (f"every {line.timing.every_n_hours} h")
            )
            by_slot[label][local.date()] = MarCell(
                state,
                _cell_text(state, entry, window, resident.away_at(scheduled)),
                scheduled,
                tuple(sorted(chains.get((line.id, scheduled), []), key=lambda e: e.id)),
            )
        for label in sorted(by_slot):
            rows.append(
                MarRow(
                    line.id,
                    line.medicine,
                    line_dose_text(line),
                    line.route,
                    line.directions,
                    label,
                    tuple(by_slot[label].get(day) for day in day_list),
                    line.status,
                )
            )
    return MarChart(resident_id, resident.name, day_list, tuple(rows))


def _cell_text(state: DoseState, entry: EntryFacts | None, window: Window, away: str | None) -> str:
    if state == DoseState.GIVEN and entry is not None:
        late = " late" if window.minutes_late(entry.administered_at) else ""
        return entry.staff_initials + late
    if state == DoseState.NOT_GIVEN and entry is not None:
        return entry.code or "?"
    if state == DoseState.AWAY:
        return "H" if away == "hospital" else "L"
    if state == DoseState.MISSED:
        return "MISSED"
    if state == DoseState.OVERDUE:
        return "overdue"
    return ""


def _prn_row(line, entries: list[EntryFacts], day_list: tuple[date, ...], zone) -> MarRow:  # type: ignore[no-untyped-def]
    per_day: dict[date, list[EntryFacts]] = defaultdict(list)
    for e in given_entries([e for e in entries if e.chart_line_id == line.id]):
        per_day[e.administered_at.astimezone(zone).date()].append(e)
    cells = tuple(
        MarCell(
            DoseState.GIVEN,
            " ".join(
                f"{e.administered_at.astimezone(zone):%H:%M} {e.staff_initials}" for e in per_day[d]
            ),
            None,
            tuple(per_day[d]),
        )
        if per_day.get(d)
        else None
        for d in day_list
    )
    return MarRow(
        line.id,
        line.medicine,
        line_dose_text(line),
        line.route,
        line.prn_indication or "",
        "PRN",
        cells,
        line.status,
    )
