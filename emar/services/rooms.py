"""The home's rooms, in its units: the list offered at admission and when a resident moves.
Retired, never deleted (a resident's record keeps the room's name as written)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.domain.text_rules import required_text
from emar.errors import ValidationError
from emar.models import Room, Unit
from emar.services.audit import record_event
from emar.services.permissions import Action, require_unless_setting_up


@dataclass(frozen=True)
class RoomView:
    id: int
    unit_id: int
    name: str
    active: bool = True


def add_room(session: Session, staff_id: int | None, unit_id: int, name: str) -> RoomView:
    """A new room in a unit (while the home is being set up, before anyone signs in)."""
    require_unless_setting_up(session, staff_id, Action.MANAGE_SETTINGS)
    name = required_text(name, "Room", limit=20)
    if session.get(Unit, unit_id) is None:
        raise ValidationError("No such unit.")
    if session.scalar(select(Room.id).where(Room.unit_id == unit_id, Room.name == name)):
        raise ValidationError(f"There is already a room {name!r} in this unit.")
    room = Room(unit_id=unit_id, name=name)
    session.add(room)
    session.flush()
    record_event(
        session,
        "room.added",
        staff_id=staff_id,
        entity="room",
        entity_id=room.id,
        detail={"unit_id": unit_id, "name": name},
    )
    return RoomView(room.id, unit_id, name)


def list_rooms(session: Session, *, include_retired: bool = False) -> list[RoomView]:
    query = select(Room).order_by(Room.unit_id, Room.name)
    if not include_retired:
        query = query.where(Room.active)
    return [RoomView(r.id, r.unit_id, r.name, r.active) for r in session.scalars(query)]
