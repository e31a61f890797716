"""The content of the handover, audit and controlled-drug reports, as plain data (no PDF here).

Reports are read-only: one read session, figures from the same dose classification the round
uses, so a printed report never disagrees with the screen.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from emar.domain.clock_text import clock
from emar.domain.doses import DoseState
from emar.domain.schedule import line_instants
from emar.models import (
    Administration,
    Medicine,
    NotGivenCode,
    PrnOutcome,
    Resident,
    Staff,
    StockMovement,
)
from emar.services.charts.mar import MarChart, resident_mar
from emar.services.home import HomeSettings, get_home, list_units
from emar.services.residents.reading import ResidentSummary, list_residents, resident_photo
from emar.services.round.alerts import stock_running_out
from emar.services.round.dose_outcomes import (
    Cancelled,
    DoseOutcome,
    PeriodFacts,
    Progress,
    period_facts,
)

NEXT_SHIFT = timedelta(hours=4)  # time-critical doses the next shift must give early on
CHUNK = 900  # ids per IN (...) list


@dataclass(frozen=True)
class Scope:
    """What a report covers: [start, end), optionally one unit, resident, staff member, medicine."""

    start: datetime
    end: datetime
    unit_id: int | None = None
    resident_id: int | None = None
    staff_id: int | None = None
    medicine: str | None = None  # part of the medicine name, any case


@dataclass(frozen=True)
class EntryExtra:
    prn_reason: str | None
    correction_reason: str | None
    prn_effect: str | None


def _extras(session: Session, ids: Sequence[int]) -> dict[int, EntryExtra]:
    out: dict[int, EntryExtra] = {}
    effects: dict[int, str] = {}
    for i in range(0, len(ids), CHUNK):
        chunk = list(ids[i : i + CHUNK])
        for aid, effect in session.execute(
            select(PrnOutcome.administration_id, PrnOutcome.effect)
            .where(PrnOutcome.administration_id.in_(chunk))
            .order_by(PrnOutcome.id)
        ):
            effects[aid] = effect  # the latest outcome counts
        for aid, prn_reason, correction in session.execute(
            select(
                Administration.id, Administration.prn_reason, Administration.correction_reason
            ).where(Administration.id.in_(chunk))
        ):
            out[aid] = EntryExtra(prn_reason, correction, None)
    return {
        aid: EntryExtra(x.prn_reason, x.correction_reason, effects.get(aid))
        for aid, x in out.items()
    }


def _codes(session: Session) -> dict[str, str]:
    return dict(session.execute(select(NotGivenCode.code, NotGivenCode.label)).all())


def _matches(o: DoseOutcome, scope: Scope) -> bool:
    if scope.medicine and scope.medicine.lower() not in o.line.medicine.lower():
        return False
    return not (scope.staff_id is not None and o.staff_id != scope.staff_id)


def _facts(
    session: Session,
    home: HomeSettings,
    scope: Scope,
    at: datetime,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
) -> PeriodFacts:
    return period_facts(
        session,
        home,
        scope.start,
        scope.end,
        at,
        unit_id=scope.unit_id,
        resident_ids=[scope.resident_id] if scope.resident_id else None,
        progress=progress,
        cancelled=cancelled,
    )


def _unit_name(session: Session, unit_id: int | None) -> str:
    if unit_id is None:
        return "Whole home"
    return next((u.name for u in list_units(session) if u.id == unit_id), f"unit {unit_id}")


# --- handover ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandoverItem:
    kind: str  # "missed", "overdue", "not given", "late", "PRN", "override", "correction",
    # "controlled", "next shift", "stock", "away"
    when: str
    text: str


@dataclass
class ResidentHandover:
    resident_id: int
    name: str
    room: str
    given: int = 0
    due: int = 0
    items: list[HandoverItem] = field(default_factory=list)


@dataclass(frozen=True)
class HandoverData:
    home: HomeSettings
    unit: str
    start: datetime
    end: datetime
    summary: list[tuple[str, int]]
    not_given_by_code: list[tuple[str, str, int]]  # code, label, count
    residents: list[ResidentHandover]


def handover_data(
    session: Session,
    scope: Scope,
    now: datetime,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> HandoverData:
    home = get_home(session)
    zone = home.zone
    # what the shift left behind, as it ended
    facts = _facts(session, home, scope, min(now, scope.end), progress, cancelled)
    extras = _extras(session, [o.entry.id for o in facts.outcomes if o.entry is not None])
    codes = _codes(session)
    people = {r.id: ResidentHandover(r.id, r.name, r.room) for r in facts.residents}
    counts: Counter[str] = Counter()
    by_code: Counter[str] = Counter()

    def t(moment: datetime) -> str:
        return clock(moment, zone, scope.start)

    for o in facts.outcomes:
        if not _matches(o, scope):
            continue
        p = people[o.resident_id]
        e = o.entry
        what = f"{o.line.medicine} {o.amount}"
        if o.scheduled_at is None:  # PRN
            if e is None or not e.is_given:
                continue
            counts["PRN doses given"] += 1
            x = extras.get(e.id)
            why = f" for {x.prn_reason}" if x and x.prn_reason else ""
            effect = x.prn_effect if x else None
            tail = f"; outcome: {effect}" if effect else "; OUTCOME STILL TO RECORD"
            if not effect:
                counts["PRN outcomes still to record"] += 1
            p.items.append(
                HandoverItem(
                    "PRN", t(e.administered_at), f"{what} given{why} by {e.staff_name}{tail}"
                )
            )
        else:
            p.due += o.state not in (DoseState.AWAY, DoseState.UPCOMING, DoseState.DUE_SOON)
            when = t(o.scheduled_at)
            if o.state == DoseState.GIVEN and e is not None:
                counts["Doses given"] += 1
                p.given += 1
                if o.late_minutes:
                    counts["Given late"] += 1
                    p.items.append(
                        HandoverItem(
                            "late",
                            when,
                            f"{what} given {o.late_minutes} min late "
                            f"({t(e.administered_at)}) by {e.staff_name}",
                        )
                    )
            elif o.state == DoseState.NOT_GIVEN and e is not None:
                code = e.code or "?"
                by_code[code] += 1
                counts["Not given"] += 1
                note = f": {e.note}" if e.note else ""
                p.items.append(
                    HandoverItem(
                        "not given",
                        when,
                        f"{what} NOT GIVEN ({code} {codes.get(code, '')}){note} - {e.staff_name}",
                    )
                )
            elif o.state == DoseState.MISSED:
                counts["Missed"] += 1
                p.items.append(HandoverItem("missed", when, f"{what} MISSED: nothing recorded"))
            elif o.state in (DoseState.OVERDUE, DoseState.DUE):
                counts["Still to give or record"] += 1
                p.items.append(
                    HandoverItem("overdue", when, f"{what} not yet given or recorded: act now")
                )
            elif o.state == DoseState.AWAY:
                p.items.append(HandoverItem("away", when, f"{what}: resident away"))
            elif o.scheduled_at < scope.end:  # printed before the shift ends: still to come
                counts["Still due this shift"] += 1
                p.items.append(
                    HandoverItem("due", when, f"{what} due at {when}: still to give this shift")
                )
        if e is not None and e.is_given and o.line.controlled:
            counts["Controlled drug doses"] += 1
            p.items.append(
                HandoverItem(
                    "controlled",
                    t(e.administered_at),
                    f"{what} (controlled drug) witnessed by {e.witness_name or 'NO WITNESS'}",
                )
            )
        if e is not None and e.override_reason:
            counts["Overrides"] += 1
            p.items.append(
                HandoverItem(
                    "override", t(e.administered_at), f"{what}: OVERRIDE - {e.override_reason}"
                )
            )
        if len(o.chain) > 1 and e is not None:
            counts["Corrections"] += 1
            x = extras.get(e.id)
            reason = x.correction_reason if x and x.correction_reason else "no reason recorded"
            p.items.append(
                HandoverItem(
                    "correction",
                    t(e.recorded_at),
                    f"{what}: corrected by {e.staff_name} - {reason}",
                )
            )
    # what the next shift must know
    for line in facts.lines.values():
        if not line.time_critical or line.is_prn or line.resident_id not in people:
            continue
        for due in line_instants(line, zone, scope.end, scope.end + NEXT_SHIFT):
            people[line.resident_id].items.append(
                HandoverItem(
                    "next shift",
                    t(due),
                    f"{line.medicine} is TIME-CRITICAL: due {clock(due, zone)} next shift",
                )
            )
    for line, message in stock_running_out(session, list(facts.lines.values())):
        if line.resident_id in people:
            people[line.resident_id].items.append(HandoverItem("stock", "", message))
    order = ["Doses given", "Given late", "Not given", "Missed", "Still to give or record"]
    order += ["Still due this shift"]
    order += ["PRN doses given", "PRN outcomes still to record", "Controlled drug doses"]
    order += ["Overrides", "Corrections"]
    return HandoverData(
        home,
        _unit_name(session, scope.unit_id),
        scope.start,
        scope.end,
        [(label, counts[label]) for label in order],
        [(c, codes.get(c, ""), n) for c, n in sorted(by_code.items())],
        sorted(people.values(), key=lambda p: (p.room, p.name)),
    )


# --- audit ------------------------------------------------------------------------------------


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
    facts = _facts(session, home, scope, now, progress, cancelled)
    outcomes = [o for o in facts.outcomes if _matches(o, scope)]
    extras = _extras(session, [o.entry.id for o in outcomes if o.entry is not None])
    codes = _codes(session)
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
        _unit_name(session, scope.unit_id),
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


# --- controlled-drug register -----------------------------------------------------------------


@dataclass(frozen=True)
class CdEntry:
    at: datetime
    kind: str  # received / administered / returned / wasted / count ...
    quantity: Decimal  # signed
    balance: Decimal
    staff: str
    witness: str
    detail: str  # batch, reason


@dataclass(frozen=True)
class CdPage:
    resident: str
    room: str
    medicine: str
    opening: Decimal
    entries: list[CdEntry]

    @property
    def closing(self) -> Decimal:
        return self.entries[-1].balance if self.entries else self.opening


@dataclass(frozen=True)
class CdRegisterData:
    home: HomeSettings
    unit: str
    scope: Scope
    pages: list[CdPage]


def cd_register_data(session: Session, scope: Scope) -> CdRegisterData:
    """Every stock movement of a controlled drug, per resident and drug, with running balance."""
    home = get_home(session)
    witness = aliased(Staff)
    query = (
        select(
            StockMovement.resident_id,
            StockMovement.medicine_id,
            StockMovement.occurred_at,
            StockMovement.kind,
            StockMovement.quantity,
            StockMovement.batch,
            StockMovement.reason,
            Staff.full_name,
            witness.full_name,
            Resident.given_name,
            Resident.family_name,
            Resident.room,
            Medicine.name,
            Medicine.strength,
            Medicine.form,
        )
        .join(Medicine, StockMovement.medicine_id == Medicine.id)
        .join(Resident, StockMovement.resident_id == Resident.id)
        .join(Staff, StockMovement.staff_id == Staff.id)
        .outerjoin(witness, StockMovement.witness_id == witness.id)
        .where(Medicine.cd_schedule.is_not(None), StockMovement.occurred_at < scope.end)
        .order_by(StockMovement.occurred_at, StockMovement.id)
    )
    if scope.unit_id is not None:
        query = query.where(Resident.unit_id == scope.unit_id)
    if scope.resident_id is not None:
        query = query.where(StockMovement.resident_id == scope.resident_id)
    pages: dict[tuple[int, int], CdPage] = {}
    running: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for r in session.execute(query):
        key = (r[0], r[1])
        if scope.medicine and scope.medicine.lower() not in r[12].lower():
            continue
        running[key] += r[4]
        if r[2] < scope.start:
            continue
        if key not in pages:
            medicine = " ".join(x for x in (r[12], r[13], r[14]) if x)
            pages[key] = CdPage(f"{r[9]} {r[10]}", r[11], medicine, running[key] - r[4], [])
        detail = "; ".join(x for x in (f"batch {r[5]}" if r[5] else "", r[6] or "") if x)
        pages[key].entries.append(CdEntry(r[2], r[3], r[4], running[key], r[7], r[8] or "", detail))
    # drugs held but not moved in the period still get a page: the balance must be shown
    for key, balance in running.items():
        if key not in pages and balance:
            n = session.execute(
                select(
                    Resident.given_name,
                    Resident.family_name,
                    Resident.room,
                    Medicine.name,
                    Medicine.strength,
                    Medicine.form,
                )
                .where(Resident.id == key[0])
                .join(Medicine, Medicine.id == key[1])
            ).one()
            if scope.medicine and scope.medicine.lower() not in n[3].lower():
                continue
            medicine = " ".join(x for x in (n[3], n[4], n[5]) if x)
            pages[key] = CdPage(f"{n[0]} {n[1]}", n[2], medicine, balance, [])
    return CdRegisterData(
        home,
        _unit_name(session, scope.unit_id),
        scope,
        sorted(pages.values(), key=lambda p: (p.room, p.resident, p.medicine)),
    )


# --- MAR chart ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarSheet:
    resident: ResidentSummary
    photo: bytes | None
    chart: MarChart


@dataclass(frozen=True)
class MarData:
    home: HomeSettings
    sheets: list[MarSheet]
    codes: list[tuple[str, str]]
    blank: bool


def mar_data(
    session: Session,
    first_day: date,
    now: datetime,
    *,
    days: int = 28,
    unit_id: int | None = None,
    resident_id: int | None = None,
    blank: bool = False,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> MarData:
    """The 28-day chart for each resident, filled from the records (or blank, for downtime)."""
    home = get_home(session)
    residents = [
        r
        for r in list_residents(session, now, unit_id)
        if resident_id is None or r.id == resident_id
    ]
    sheets = []
    for n, r in enumerate(residents, start=1):
        if cancelled is not None and cancelled():
            raise Cancelled
        sheets.append(
            MarSheet(
                r, resident_photo(session, r.id), resident_mar(session, r.id, first_day, now, days)
            )
        )
        if progress is not None:
            progress(n, len(residents))
    codes = session.execute(
        select(NotGivenCode.code, NotGivenCode.label)
        .where(NotGivenCode.active)
        .order_by(NotGivenCode.sort_order)
    ).all()
    return MarData(home, sheets, [(c, label) for c, label in codes], blank)
