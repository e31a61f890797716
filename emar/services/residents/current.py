"""The one rule for changing a resident's records: they must live here (a resident who has
left is kept, read-only)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from emar.errors import ValidationError
from emar.models import Resident


def current_resident(session: Session, resident_id: int) -> Resident:
    """The resident, if their records may still change; else a plain refusal."""
    resident = session.get(Resident, resident_id)
    if resident is None:
        raise ValidationError("No such resident.")
    if resident.status != "resident":
        raise ValidationError(
            f"{resident.full_name} is {resident.status}: the record is read-only."
        )
    return resident
