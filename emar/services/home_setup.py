"""A new home set up in one go on first run (issue 22): the home, its time zone, units and
rooms, and its first manager. One transaction: a set-up that fails leaves the database empty,
ready to try again; two PCs setting up the same empty database at once make one home (the
second is told the home exists)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from emar.domain.room_names import expand_rooms
from emar.domain.text_rules import required_text
from emar.errors import ValidationError
from emar.models import Role
from emar.services.home import HomeSettings, add_unit, create_home, get_home, has_home
from emar.services.rooms import add_room
from emar.services.staff.accounts import add_staff

_SETUP_LOCK_KEY = 0x454D4152_5345  # "EMAR SE": held to the commit on PostgreSQL


@dataclass(frozen=True)
class UnitPlan:
    name: str
    rooms: tuple[str, ...] = ()


@dataclass(frozen=True)
class HomePlan:
    """What the set-up screen (or a test) collected; checked again here."""

    name: str
    time_zone: str
    units: tuple[UnitPlan, ...]
    manager_username: str
    manager_full_name: str
    manager_password: str
    manager_pin: str


def set_up_home(session: Session, plan: HomePlan) -> HomeSettings:
    """Create the home with its units, rooms and first manager; refused once a home exists."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SETUP_LOCK_KEY})
    if has_home(session):
        raise ValidationError(
            "This database already has a care home (perhaps set up from another PC just now): "
            "sign in instead."
        )
    if not plan.units:
        raise ValidationError("Name at least one unit (a floor or wing).")
    names = [" ".join(u.name.split()).casefold() for u in plan.units]
    for unit, key in zip(plan.units, names, strict=True):
        if names.count(key) > 1:
            raise ValidationError(f"Unit {unit.name!r} is named twice.")
    if not plan.manager_pin:
        raise ValidationError("The manager needs a PIN: it signs for checks and overrides.")
    home = create_home(session, required_text(plan.name, "Home name", limit=200),
                       time_zone=plan.time_zone)  # fmt: skip
    manager = add_staff(
        session,
        username=plan.manager_username,
        full_name=plan.manager_full_name,
        role=Role.MANAGER.value,
        password=plan.manager_password,
        pin=plan.manager_pin,
    )
    for unit in plan.units:
        made = add_unit(session, manager.id, home.id, unit.name)
        for room in expand_rooms(", ".join(unit.rooms)):
            add_room(session, manager.id, made.id, room)
    return get_home(session)
