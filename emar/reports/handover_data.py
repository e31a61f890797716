"""The shift handover's content: what each resident's doses came to in the shift, what is
still to do, PRN doses and their outcomes, controlled drugs, overrides, corrections, and what
the next shift must know (time-critical doses soon, stock running out)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from emar.domain.clock_text import clock
from emar.domain.doses import DoseState
from emar.domain.schedule import line_instants
from emar.reports.data import Scope, code_labels, entry_extras, in_scope, scope_facts, unit_name
from emar.services.home import HomeSettings, get_home
from emar.services.round.alerts import stock_running_out
from emar.services.round.dose_outcomes import Progress

NEXT_SHIFT = timedelta(hours=4)  # time-critical doses the next shift must give early on


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
    facts = scope_facts(session, home, scope, min(now, scope.end), progress, cancelled)
    extras = entry_extras(session, [o.entry.id for o in facts.outcomes if o.entry is not None])
    codes = code_labels(session)
    people = {r.id: ResidentHandover(r.id, r.name, r.room) for r in facts.residents}
    counts: Counter[str] = Counter()
    by_code: Counter[str] = Counter()

    def t(moment: datetime) -> str:
        return clock(moment, zone, scope.start)

    for o in facts.outcomes:
        if not in_scope(o, scope):
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
        unit_name(session, scope.unit_id),
        scope.start,
        scope.end,
        [(label, counts[label]) for label in order],
        [(c, codes.get(c, ""), n) for c, n in sorted(by_code.items())],
        sorted(people.values(), key=lambda p: (p.room, p.name)),
    )
