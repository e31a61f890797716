"""The rooms of a unit as a manager writes them at set-up: "G01-G12, G14, Garden suite".

A range runs between two names with the same letters in front and numbers of the same width
("G01-G12", "101-120"); anything else is one room's name. Pure: the set-up screen checks as
the manager types, and the service again before it saves.
"""

from __future__ import annotations

import re

from emar.errors import ValidationError

ROOM_NAME_LIMIT = 20
MAX_ROOMS = 500  # in one unit: a typo such as "G1-G1000" is stopped, not made
_RANGE = re.compile(r"^(?P<prefix>[^\d\s-]*)(?P<first>\d+)\s*-\s*(?P=prefix)(?P<last>\d+)$")


def name_key(name: str | None) -> str:
    """How a room's or unit's name is matched: case and spacing do not make another one
    ("g01" is G01, "ground  floor" is Ground floor)."""
    return " ".join((name or "").split()).casefold()


def expand_rooms(text: str) -> list[str]:
    """The rooms written in `text`, in order; ValidationError naming what is wrong."""
    rooms: list[str] = []
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        if not part:
            continue
        found = _RANGE.match(part)
        if found is None:
            rooms.append(part)
        else:
            first, last = found["first"], found["last"]
            if len(first) != len(last) and first.startswith("0"):
                raise ValidationError(
                    f"Rooms {part!r}: write both ends with the same number of digits."
                )
            if int(last) < int(first):
                raise ValidationError(f"Rooms {part!r}: the range runs backwards.")
            if int(last) - int(first) >= MAX_ROOMS:
                raise ValidationError(f"Rooms {part!r}: more than {MAX_ROOMS} rooms.")
            width = len(first)
            rooms.extend(
                f"{found['prefix']}{n:0{width}d}" for n in range(int(first), int(last) + 1)
            )
    for room in rooms:
        if len(room) > ROOM_NAME_LIMIT:
            raise ValidationError(f"Room {room!r} is longer than {ROOM_NAME_LIMIT} characters.")
    seen: set[str] = set()
    for room in rooms:
        key = name_key(room)
        if key in seen:
            raise ValidationError(f"Room {room!r} is written twice.")
        seen.add(key)
    if len(rooms) > MAX_ROOMS:
        raise ValidationError(f"More than {MAX_ROOMS} rooms in one unit.")
    return rooms


def parse_units(text: str) -> list[tuple[str, list[str]]]:
    """One unit per line, its rooms after a colon: "Rose Unit: G01-G12". At least one unit;
    each named once."""
    units: list[tuple[str, list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, _, rooms = line.partition(":")
        name = " ".join(name.split())
        if not name:
            raise ValidationError(f"Line {number}: the unit's name comes before the colon.")
        try:
            units.append((name, expand_rooms(rooms)))
        except ValidationError as exc:
            raise ValidationError(f"{name}: {exc}") from None
    if not units:
        raise ValidationError("Name at least one unit (a floor or wing), e.g. 'Ground floor'.")
    names = [name_key(n) for n, _ in units]
    for name, _ in units:
        if names.count(name_key(name)) > 1:
            raise ValidationError(f"Unit {name!r} is named twice.")
    return units
