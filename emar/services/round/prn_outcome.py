"""Record whether a PRN dose was effective: later than the dose, so a row of its own."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from emar.domain.codes import Outcome, PrnEffect
from emar.domain.text_rules import NOTE, clean_text
from emar.errors import ValidationError
from emar.models import Administration, PrnOutcome
from emar.services.audit import record_event
from emar.services.permissions import Action, require
from emar.services.round.mar_entry import Recorded


def record_prn_outcome(
    session: Session,
    *,
    administration_id: int,
    staff_id: int,
    effect: str,
    note: str | None,
    now: datetime,
) -> Recorded:
    staff = require(session, staff_id, Action.ADMINISTER)
    note = clean_text(note, "Note", limit=NOTE, lines=True)
    if effect not in tuple(PrnEffect):
        raise ValidationError(f"Outcome must be one of: {', '.join(PrnEffect)}.")
    entry = session.get(Administration, administration_id)
    if entry is None or entry.scheduled_at is not None or entry.outcome != Outcome.GIVEN:
        raise ValidationError("That entry is not a PRN dose that was given.")
    outcome = PrnOutcome(
        administration_id=entry.id, effect=effect, note=note, staff_id=staff.id, recorded_at=now
    )
    session.add(outcome)
    session.flush()
    record_event(
        session,
        "prn.outcome",
        staff_id=staff.id,
        entity="administration",
        entity_id=entry.id,
        detail={"effect": effect},
    )
    return Recorded(entry.id, f"PRN outcome recorded: {effect.replace('_', ' ')}.")
