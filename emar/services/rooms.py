"""The home's rooms, in its units: the list offered at admission and when a resident moves.
Retired, never deleted (a resident's record keeps the room's name as written)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.domain.room_names import expand_rooms, name_key
from emar.domain.text_rules import required_text
from emar.errors import RoomOccupied, ValidationError
from emar.models import Resident, Room, Unit
from emar.services.audit import record_event
from emar.services.permissions import Action, require, require_unless_setting_up


@dataclass(frozen=True)
class RoomView:
    id: int
    unit_id: int
    name: str
    active: bool = True
    residents: tuple[str, ...] = ()  # who lives in it now
    numbered: tuple[str, ...] = ()  # the same, with their number: "Mary Jones (resident 3)"


@dataclass(frozen=True)
class UnitRooms:
    unit_id: int
    unit: str
    active: bool
    rooms: tuple[RoomView, ...]
    residents: tuple[str, ...]  # everyone living in the unit now, with their room


def add_room(session: Session, staff_id: int | None, unit_id: int, name: str) -> RoomView:
    """A new room in a unit (while the home is being set up, before anyone signs in)."""
    require_unless_setting_up(session, staff_id, Action.MANAGE_SETTINGS)
    name = required_text(name, "Room", limit=20)
    if session.get(Unit, unit_id) is None:
        raise ValidationError("No such unit.")
    same = _find_room(session, unit_id, name)
    if same is not None:
        raise ValidationError(f"There is already a room {same.name!r} in this unit.")
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


def add_rooms(session: Session, staff_id: int | None, unit_id: int, text: str) -> list[RoomView]:
    """Rooms written as at set-up ("A2-A5, A7"), all or none: one already listed refuses all."""
    names = expand_rooms(text)
    if not names:
        raise ValidationError("Name the room(s) to add, e.g. 'G01' or 'G01-G12, G14'.")
    return [add_room(session, staff_id, unit_id, name) for name in names]


def list_rooms(session: Session, *, include_retired: bool = False) -> list[RoomView]:
    query = select(Room).order_by(Room.unit_id, Room.name)
    if not include_retired:
        query = query.where(Room.active)
    return [RoomView(r.id, r.unit_id, r.name, r.active) for r in session.scalars(query)]


def units_and_rooms(session: Session) -> list[UnitRooms]:
    """Every unit (retired too) with all its rooms and who lives in each; a resident's room
    missing from the list (typed before rooms were listed) is shown as well."""
    living: dict[tuple[int, str], list[str]] = {}
    numbered: dict[tuple[int, str], list[str]] = {}
    for r in session.scalars(
        select(Resident).where(Resident.status == "resident").order_by(Resident.family_name)
    ):
        living.setdefault((r.unit_id, r.room), []).append(r.full_name)
        numbered.setdefault((r.unit_id, r.room), []).append(f"{r.full_name} (resident {r.id})")
    rooms: dict[int, list[Room]] = {}
    for room in session.scalars(select(Room).order_by(Room.name)):
        rooms.setdefault(room.unit_id, []).append(room)
    result = []
    for unit in session.scalars(select(Unit).order_by(Unit.name)):
        listed = rooms.get(unit.id, [])
        views = [
            RoomView(
                r.id,
                unit.id,
                r.name,
                r.active,
                tuple(living.get((unit.id, r.name), ())),
                tuple(numbered.get((unit.id, r.name), ())),
            )
            for r in listed
        ]
        names = {r.name for r in listed}
        views += [
            RoomView(0, unit.id, room, True, tuple(people), tuple(numbered[(unit_id, room)]))
            for (unit_id, room), people in sorted(living.items())
            if unit_id == unit.id and room not in names
        ]
        people = tuple(
            f"{name} ({room})"
            for (unit_id, room), names_ in sorted(living.items())
            if unit_id == unit.id
            for name in names_
        )
        result.append(UnitRooms(unit.id, unit.name, unit.active, tuple(views), people))
    return result


def _find_room(session: Session, unit_id: int, name: str) -> Room | None:
    """The unit's room of that name, whatever its case or spacing."""
    key = name_key(name)
    rooms = session.scalars(select(Room).where(Room.unit_id == unit_id).order_by(Room.id))
    return next((r for r in rooms if name_key(r.name) == key), None)


def _room(session: Session, unit_id: int, name: str) -> Room:
    room = _find_room(session, unit_id, name)
    if room is None:
        raise ValidationError(f"No room {name!r} in this unit.")
    return room


def _occupants(
    session: Session, unit_id: int, room: str, *, besides: int | None = None
) -> list[str]:
    """Who lives in the room now (its name matched whatever the case), but `besides`."""
    key = name_key(room)
    return [
        r.full_name
        for r in session.scalars(
            select(Resident)
            .where(Resident.unit_id == unit_id, Resident.status == "resident")
            .order_by(Resident.family_name)
        )
        if name_key(r.room) == key and r.id != besides
    ]


def _room_event(session: Session, staff_id: int, what: str, room: Room, before: object) -> None:
    after = room.name if what == "room.renamed" else room.active
    record_event(
        session,
        what,
        staff_id=staff_id,
        entity="room",
        entity_id=room.id,
        detail={"unit_id": room.unit_id, "before": before, "after": after},
    )


def rename_room(session: Session, staff_id: int, unit_id: int, old: str, new: str) -> RoomView:
    """A new name for a room; residents living in it follow (their record's room changes)."""
    require(session, staff_id, Action.MANAGE_SETTINGS)
    room = _room(session, unit_id, old)
    new = required_text(new, "Room", limit=20)
    same = _find_room(session, unit_id, new)
    if same is not None and same.id != room.id:
        raise ValidationError(f"There is already a room {same.name!r} in this unit.")
    before = room.name
    for resident in session.scalars(
        select(Resident).where(
            Resident.unit_id == unit_id, Resident.room == before, Resident.status == "resident"
        )
    ):
        resident.room = new
        record_event(
            session,
            "resident.updated",
            staff_id=staff_id,
            entity="resident",
            entity_id=resident.id,
            detail={"before": {"room": before}, "after": {"room": new}},
        )
    room.name = new
    session.flush()
    _room_event(session, staff_id, "room.renamed", room, before)
    return RoomView(room.id, unit_id, room.name, room.active)


def retire_room(session: Session, staff_id: int, unit_id: int, name: str) -> RoomView:
    """No longer offered; refused while a resident lives in it."""
    require(session, staff_id, Action.MANAGE_SETTINGS)
    room = _room(session, unit_id, name)
    if not room.active:
        raise ValidationError(f"Room {room.name} is already retired.")
    people = _occupants(session, unit_id, room.name)
    if people:
        raise ValidationError(
            f"Room {room.name} cannot be retired: {', '.join(people)} lives there. Move them first."
        )
    room.active = False
    _room_event(session, staff_id, "room.retired", room, True)
    return RoomView(room.id, unit_id, room.name, room.active)


def restore_room(session: Session, staff_id: int, unit_id: int, name: str) -> RoomView:
    require(session, staff_id, Action.MANAGE_SETTINGS)
    room = _room(session, unit_id, name)
    if room.active:
        raise ValidationError(f"Room {room.name} is not retired.")
    room.active = True
    _room_event(session, staff_id, "room.restored", room, False)
    return RoomView(room.id, unit_id, room.name, room.active)


def room_for_resident(
    session: Session,
    staff_id: int | None,
    unit_id: int,
    name: str,
    *,
    resident_id: int | None = None,
    share: bool = False,
    listed_only: bool = False,
) -> str:
    """The room's name as listed, where a resident is admitted or moved. The unit must be open
    and the room not retired (its name matched whatever the case); someone else living there
    refuses it unless `share`. A room not yet listed is refused when `listed_only` (a move: a
    typo must not make a room), else added to the unit's list (audited: typed at admission)."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise ValidationError("Unknown unit.")
    if not unit.active:
        raise ValidationError(f"{unit.name} is retired: no one is admitted or moved there.")
    name = " ".join(required_text(name, "Room", limit=20).split())
    room = _find_room(session, unit_id, name)
    if room is not None and not room.active:
        raise ValidationError(f"Room {room.name} in {unit.name} is retired.")
    if room is None and listed_only:
        raise ValidationError(
            f"No room {name} in {unit.name}: add it first in Home settings > Units and rooms."
        )
    if room is not None:
        name = room.name
    people = _occupants(session, unit_id, name, besides=resident_id)
    if people and not share:
        raise RoomOccupied(name, people)
    if room is None:
        room = Room(unit_id=unit_id, name=name)
        session.add(room)
        session.flush()
        record_event(
            session,
            "room.added",
            staff_id=staff_id,
            entity="room",
            entity_id=room.id,
            detail={"unit_id": unit_id, "name": name, "why": "a resident's room"},
        )
    return name
