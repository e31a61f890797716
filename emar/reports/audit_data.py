"""The administration audit's content: rates of doses given on time, late, not given and
missed, per day and per code; overrides and corrections with their reasons; PRN use against its
limits; figures per member of staff; and every entry, for the listing and the CSV."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from emar.domain.doses import DoseState
from emar.reports.data import Scope, code_labels, entry_extras, in_scope, scope_facts, unit_name
from emar.services.home import HomeSettings, get_home
from emar.services.round.dose_outcomes import Progress


@dataclass(frozen=True)
class AuditRow:
    """One MAR entry (or one missed dose) in the detailed listing and the CSV."""

    resident: str
    room: str
    medicine: str
    dose: str
    scheduled: datetime | None
    recorded: datetime | None  # administered / recorded at
    outcome: str  # "given", "given late", "not given", "missed", "PRN given", ...
    code: str
    staff: str
    witness: str
    late_minutes: int
    override: str
    correction: str
    note: str
    entry_id: int | None


@dataclass(frozen=True)
class StaffFigures:
    name: str
    given: int
    late: int
    not_given: int
    prn: int
    overrides: int
    corrections: int


@dataclass(frozen=True)
class PrnUse:
    resident: str
    medicine: str
    given: int
    max_24h: int | None
    busiest_day: int
    days_at_limit: int


@dataclass(frozen=True)
class AuditData:
    home: HomeSettings
    unit: str
    scope: Scope
    scheduled: int
    on_time: int
    late: int
    not_given: int
    missed: int
    per_day: list[tuple[date, int, int, int, int]]  # day, on time, late, not given, missed
    not_given_by_code: list[tuple[str, str, int]]
    exceptions: list[AuditRow]  # overrides and corrections, with reasons
    prn: list[PrnUse]
    staff: list[StaffFigures]
    rows: list[AuditRow]

    def rate(self, n: int) -> str:
        return f"{100 * n / self.scheduled:.1f}%" if self.scheduled else "-"


def audit_data(
    session: Session,
    scope: Scope,
    now: datetime,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> AuditData:
    home = get_home(session)
    zone = home.zone
    facts = scope_facts(session, home, scope, now, progress, cancelled)
    outcomes = [o for o in facts.outcomes if in_scope(o, scope)]
    extras = entry_extras(session, [o.entry.id for o in outcomes if o.entry is not None])
    codes = code_labels(session)
    days: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    by_code: Counter[str] = Counter()
    staff: dict[str, Counter[str]] = defaultdict(Counter)
    rows: list[AuditRow] = []
    exceptions: list[AuditRow] = []
    prn_days: dict[tuple[str, int], Counter[date]] = defaultdict(Counter)
    prn_lines = {}
    scheduled = on_time = late = not_given = missed = 0
    for o in outcomes:
        e = o.entry
        x = extras.get(e.id) if e else None
        if o.scheduled_at is None:
            if e is None or not e.is_given:
                continue
            outcome = "PRN given"
            day = e.administered_at.astimezone(zone).date()
            prn_days[(o.resident, o.line.id)][day] += 1
            prn_lines[(o.resident, o.line.id)] = o.line
            staff[e.staff_name]["prn"] += 1
        else:
            day = o.scheduled_at.astimezone(zone).date()
            if o.state == DoseState.GIVEN:
                scheduled += 1
                if o.late_minutes:
                    late += 1
                    days[day][1] += 1
                    outcome = "given late"
                    staff[o.entry.staff_name if o.entry else "?"]["late"] += 1
                else:
                    on_time += 1
                    days[day][0] += 1
                    outcome = "given"
                staff[o.entry.staff_name if o.entry else "?"]["given"] += 1
            elif o.state == DoseState.NOT_GIVEN:
                scheduled += 1
                not_given += 1
                days[day][2] += 1
                by_code[e.code or "?" if e else "?"] += 1
                outcome = "not given"
                staff[e.staff_name if e else "?"]["not_given"] += 1
            elif o.state == DoseState.MISSED:
                scheduled += 1
                missed += 1
                days[day][3] += 1
                outcome = "missed"
            else:
                continue  # away, or not yet due: not a rate's business
        row = AuditRow(
            o.resident,
            o.room,
            o.line.medicine,
            o.amount,
            o.scheduled_at,
            e.administered_at if e else None,
            outcome,
            (e.code or "") if e else "",
            e.staff_name if e else "",
            (e.witness_name or "") if e else "",
            o.late_minutes,
            (e.override_reason or "") if e else "",
            (x.correction_reason or "") if x and len(o.chain) > 1 else "",
            (e.note or "") if e else "",
            e.id if e else None,
        )
        rows.append(row)
        if row.override or row.correction:
            exceptions.append(row)
            if e is not None and row.override:
                staff[e.staff_name]["overrides"] += 1
            if e is not None and row.correction:
                staff[e.staff_name]["corrections"] += 1
    prn = [
        PrnUse(
            resident,
            line.medicine,
            sum(prn_days[(resident, line_id)].values()),
            line.prn_max_24h,
            max(prn_days[(resident, line_id)].values()),
            sum(
                1
                for n in prn_days[(resident, line_id)].values()
                if line.prn_max_24h and n >= line.prn_max_24h
            ),
        )
        for (resident, line_id), line in sorted(prn_lines.items(), key=lambda kv: kv[0])
    ]
    return AuditData(
        home,
        unit_name(session, scope.unit_id),
        scope,
        scheduled,
        on_time,
        late,
        not_given,
        missed,
        [(d, *days[d]) for d in sorted(days)],  # type: ignore[misc]
        [(c, codes.get(c, ""), n) for c, n in sorted(by_code.items())],
        exceptions,
        prn,
        [
            StaffFigures(
                name,
                c["given"],
                c["late"],
                c["not_given"],
                c["prn"],
                c["overrides"],
                c["corrections"],
            )
            for name, c in sorted(staff.items())
        ],
        sorted(rows, key=lambda r: (r.scheduled or r.recorded or scope.start, r.room)),
    )
