"""A resident's MAR for a run of days: the paper chart's rows (chart line x time) and columns
(days), each cell what the record says: initials, a not-given code, late, missed or away."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from emar.domain.codes import away_code
from emar.domain.doses import DoseState, EntryFacts
from emar.domain.periods import MAR_DAYS
from emar.domain.schedule import local_instant
from emar.services.home import get_home
from emar.services.round.dose_outcomes import DoseOutcome, resident_outcomes
from emar.services.round.facts import line_dose_text, load_entries, load_lines, load_residents


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
    session: Session, resident_id: int, first_day: date, now: datetime, days: int = MAR_DAYS
) -> MarChart:
    home = get_home(session)
    zone = home.zone
    day_list = tuple(first_day + timedelta(days=i) for i in range(days))
    start = local_instant(first_day, time(0), zone)
    end = local_instant(first_day + timedelta(days=days), time(0), zone)
    (resident,) = load_residents(session, resident_ids=[resident_id])
    lines = load_lines(session, [resident_id], now, since=start)
    entries = load_entries(session, [resident_id], start, end)
    # classified once, as the round and the reports classify them (round.dose_outcomes)
    by_line: dict[int, list[DoseOutcome]] = defaultdict(list)
    for o in resident_outcomes(home, resident, lines, entries, start, end, now):
        by_line[o.line.id].append(o)
    rows: list[MarRow] = []
    for line in sorted(lines, key=lambda ln: (ln.is_prn, ln.medicine, ln.id)):
        if line.is_prn:
            given = [o.entry for o in by_line[line.id] if o.entry is not None and o.entry.is_given]
            rows.append(_prn_row(line, given, day_list, zone))
            continue
        by_slot: dict[str, dict[date, MarCell]] = defaultdict(dict)
        for o in by_line[line.id]:
            assert o.scheduled_at is not None  # a scheduled line's doses
            local = o.scheduled_at.astimezone(zone)
            label = (
                local.strftime("%H:%M")
                if line.timing.kind != "every_n_hours"
                else (f"every {line.timing.every_n_hours} h")
            )
            by_slot[label][local.date()] = MarCell(
                o.state,
                _cell_text(o, resident.away_at(o.scheduled_at)),
                o.scheduled_at,
                o.chain,
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


def _cell_text(o: DoseOutcome, away: str | None) -> str:
    entry, state = o.entry, o.state
    if state == DoseState.GIVEN and entry is not None:
        return entry.staff_initials + (" late" if o.late_minutes else "")
    if state == DoseState.NOT_GIVEN and entry is not None:
        return entry.code or "?"
    if state == DoseState.AWAY:
        return away_code(away)
    if state == DoseState.MISSED:
        return "MISSED"
    if state == DoseState.OVERDUE:
        return "overdue"
    return ""


def _prn_row(line, entries: list[EntryFacts], day_list: tuple[date, ...], zone) -> MarRow:  # type: ignore[no-untyped-def]
    per_day: dict[date, list[EntryFacts]] = defaultdict(list)
    for e in entries:  # this line's effective "given" entries
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
