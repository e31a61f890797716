"""What a report covers (`Scope`) and the reads every report's data shares.

Each report's content is gathered beside its drawing (handover_data.py beside handover.py, and
so on) as plain data, in one read session, from the same dose classification the round uses
(emar.services.round.dose_outcomes), so a printed report never disagrees with the screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.models import Administration, NotGivenCode, PrnOutcome
from emar.services.home import HomeSettings, list_units
from emar.services.round.dose_outcomes import DoseOutcome, PeriodFacts, Progress, period_facts

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


def entry_extras(session: Session, ids: Sequence[int]) -> dict[int, EntryExtra]:
    """The PRN reason, correction reason and latest PRN outcome of these entries."""
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


def code_labels(session: Session) -> dict[str, str]:
    """Every not-given code's label, retired ones too (old entries carry them)."""
    return dict(session.execute(select(NotGivenCode.code, NotGivenCode.label)).all())


def in_scope(o: DoseOutcome, scope: Scope) -> bool:
    """The scope's medicine and staff member filters (its period, unit and resident are
    applied when the facts are read)."""
    if scope.medicine and scope.medicine.lower() not in o.line.medicine.lower():
        return False
    return not (scope.staff_id is not None and o.staff_id != scope.staff_id)


def scope_facts(
    session: Session,
    home: HomeSettings,
    scope: Scope,
    at: datetime,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
) -> PeriodFacts:
    """Every dose in the scope's period, classified at `at`."""
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


def unit_name(session: Session, unit_id: int | None) -> str:
    if unit_id is None:
        return "Whole home"
    return next(
        (u.name for u in list_units(session, include_retired=True) if u.id == unit_id),
        f"unit {unit_id}",
    )


def days_text(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """ "01 Jun 2026 to 31 Jul 2026": a period ending at midnight ends with the day before it
    (the command line's --to includes its day)."""
    last = (end - timedelta(microseconds=1)).astimezone(zone)
    return f"{start.astimezone(zone):%d %b %Y} to {last:%d %b %Y}"
