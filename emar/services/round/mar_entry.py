"""Writing one MAR entry, for every kind of record: the resident's lock, the insert that
reports a lost race by name, a voided dose's supersession, a late entry's reason; and what
recording answers (recorded, blocked, already recorded).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from emar.domain.clock_text import clock
from emar.domain.codes import Outcome
from emar.domain.mar_entries import voiding_entry
from emar.domain.verdict import CheckCode, Verdict
from emar.errors import EmarError, ValidationError
from emar.models import Administration, Resident, Staff
from emar.services.home import get_home
from emar.services.round.facts import load_dose_chain


class Blocked(EmarError):
    """The verdict stops this administration; nothing was recorded."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(verdict.headline)
        self.verdict = verdict


class AlreadyRecorded(EmarError):
    """Another entry for this dose got there first (another PC, or a double tap)."""


@dataclass(frozen=True)
class Recorded:
    administration_id: int
    message: str
    verdict: Verdict | None = None


def late_reason(verdict: Verdict, reason: str | None) -> str | None:
    """A late entry's reason (required), or None for an entry made on time. A missed dose
    recorded as not given is filled in late too (the verdict's MISSED stop says so)."""
    if not (verdict.has(CheckCode.LATE_ENTRY) or verdict.has(CheckCode.MISSED)):
        return None
    if not (reason or "").strip():
        raise ValidationError("This is a late entry: say why it is recorded late.")
    return (reason or "").strip()


def lock_resident(session: Session, resident_id: int) -> None:
    """Serialise recordings for one resident (PRN limits span lines). SQLite's write transaction
    is already exclusive; PostgreSQL takes the resident's row lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Resident.id).where(Resident.id == resident_id).with_for_update())


def insert_entry(session: Session, entry: Administration) -> Administration:
    """Insert under a savepoint so a lost race can still be reported by name."""
    try:
        with session.begin_nested():
            session.add(entry)
            session.flush()
    except IntegrityError:
        raise AlreadyRecorded(_who_recorded(session, entry)) from None
    return entry


def _who_recorded(session: Session, entry: Administration) -> str:
    row = session.execute(
        select(
            Administration.outcome,
            Administration.not_given_code,
            Staff.full_name,
            Administration.administered_at,
        )
        .join(Staff, Administration.staff_id == Staff.id)
        .where(
            Administration.chart_line_id == entry.chart_line_id,
            Administration.scheduled_at == entry.scheduled_at,
            Administration.supersedes_id.is_(None),
        )
    ).first()
    if row is None:
        return "This dose was recorded at the same moment elsewhere; refresh and check."
    zone = get_home(session).zone
    what = (
        "given" if row.outcome == Outcome.GIVEN else f"recorded as not given ({row.not_given_code})"
    )
    return f"Already {what} by {row.full_name} at {clock(row.administered_at, zone)}."


def voided_entry(session: Session, line_id: int, scheduled: datetime | None) -> int | None:
    """If this dose's current entry was voided ("entered in error"), the entry a new one
    supersedes."""
    if scheduled is None:
        return None
    voiding = voiding_entry(load_dose_chain(session, line_id, scheduled))
    return voiding.id if voiding is not None else None
