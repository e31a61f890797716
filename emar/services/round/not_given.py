"""Record a dose not given: a code always, a note when the code needs one; and the codes
offered. One write transaction each (see round.recording)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.domain.codes import DROPPED, Outcome
from emar.domain.text_rules import NOTE, clean_text
from emar.domain.verdict import CheckCode
from emar.errors import ValidationError
from emar.models import Administration, NotGivenCode
from emar.services.audit import record_event
from emar.services.audit.digests import row_digest
from emar.services.charts.disposals import dispose_dose
from emar.services.permissions import Action, require
from emar.services.round.facts import load_lines
from emar.services.round.mar_entry import (
    Blocked,
    Recorded,
    insert_entry,
    late_reason,
    lock_resident,
    voided_entry,
)
from emar.services.round.verification import Intent, verify
from emar.services.staff.signing import Signature


def record_not_given(
    session: Session,
    *,
    resident_id: int,
    chart_line_id: int,
    staff_id: int,
    code: str,
    now: datetime,
    scheduled_at: datetime | None = None,
    note: str | None = None,
    late_entry_reason: str | None = None,
    witness: Signature | None = None,
) -> Recorded:
    """A dose not given: a code always, a note when the code needs one. For a PRN line this is
    "offered, not needed" and has no scheduled time. A missed dose filled in afterwards is a
    late entry: it needs the reason it is recorded late.

    Code D (dropped, damaged or destroyed) records the dose's disposal from the line's stock in
    the same transaction: the dose (its lower bound, for a range), or what stock there is if
    less, or nothing when no stock is recorded for the line. A controlled drug's destruction
    needs `witness`, as giving it would."""
    staff = require(session, staff_id, Action.ADMINISTER)
    note = clean_text(note, "Note", limit=NOTE, lines=True)
    late_entry_reason = clean_text(late_entry_reason, "Why it is recorded late")
    code_row = active_code(session, code)
    if code_row.note_required and not (note or "").strip():
        raise ValidationError(f"Code {code} ({code_row.label}) needs a note.")
    lines = {ln.id: ln for ln in load_lines(session, [resident_id], now)}
    line = lines.get(chart_line_id)
    if line is None:
        raise ValidationError("That medicine is not on this resident's chart.")
    lock_resident(session, resident_id)
    if not line.is_prn:
        if scheduled_at is None:
            raise ValidationError("Say which dose was not given.")
        intent = Intent(
            resident_id,
            staff_id,
            now,
            chart_line_id=chart_line_id,
            scheduled_at=scheduled_at,
            dose=line.dose_min,
        )
        verdict = verify(session, intent, now)
        stops = [
            c
            for c in verdict.blocks
            if c.code in (CheckCode.ALREADY, CheckCode.NO_DOSE_DUE, CheckCode.WRONG_RESIDENT)
        ]
        if stops:
            raise Blocked(verdict)
        late = late_reason(verdict, late_entry_reason)
    else:
        late = None
    supersedes = voided_entry(session, line.id, scheduled_at)
    entry = insert_entry(
        session,
        Administration(
            chart_line_id=line.id,
            scheduled_at=None if line.is_prn else scheduled_at,
            outcome=Outcome.NOT_GIVEN,
            not_given_code=code,
            administered_at=now,
            recorded_at=now,
            staff_id=staff.id,
            note=note,
            supersedes_id=supersedes,
            correction_reason="Recorded after an entry made in error" if supersedes else None,
            late_entry_reason=late,
        ),
    )
    record_event(
        session,
        "administration.not_given",
        staff_id=staff.id,
        entity="administration",
        entity_id=entry.id,
        detail={"chart_line_id": line.id, "code": code, "digest": row_digest(entry)},
    )
    said = f"Recorded: {line.medicine} not given ({code} {code_row.label})."
    if code == DROPPED:
        gone = dispose_dose(session, staff.id, line.id, line.dose_min, now, entry.id, witness)
        if gone is None:
            said += " No stock is recorded for it, so no disposal was recorded."
        elif gone.quantity < line.dose_min:
            said += f" Only {gone.quantity.normalize():f} was in stock: that is recorded destroyed."
        else:
            said += f" {gone.quantity.normalize():f} recorded destroyed."
    return Recorded(entry.id, said)


def not_given_codes(session: Session) -> list[tuple[str, str, bool]]:
    """The codes offered when a dose is not given: (code, label, note required)."""
    rows = session.execute(
        select(NotGivenCode.code, NotGivenCode.label, NotGivenCode.note_required)
        .where(NotGivenCode.active)
        .order_by(NotGivenCode.sort_order)
    ).all()
    return [(code, label, bool(note)) for code, label, note in rows]


def active_code(session: Session, code: str) -> NotGivenCode:
    """The home's not-given code `code`, if it is in use; else ValidationError."""
    code_row = session.get(NotGivenCode, code)
    if code_row is None or not code_row.active:
        raise ValidationError(f"{code!r} is not a not-given code.")
    return code_row
