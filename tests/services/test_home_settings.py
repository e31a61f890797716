"""Home settings, not-given codes, units and rooms (issue 22), on both backends: each rule, its
edges, who may, and the audit trail's before and after. A refusal changes nothing."""

import json
import re
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from emar.errors import RoomOccupied, ValidationError
from emar.infra.db import open_database
from emar.models import AuditEvent, Resident
from emar.services import home, not_given_codes, rooms
from emar.services.permissions import NotPermitted
from emar.services.residents.admission import AdmissionForm, admit_resident, move_resident
from emar.services.round.recording import not_given_codes as round_codes
from tests.support.homes import Home


def last_event(db, action: str) -> dict:
    with db.read() as s:
        row = s.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc())
        ).first()
        assert row is not None, f"no {action} in the audit trail"
        detail = row.detail
        return json.loads(detail) if isinstance(detail, str) else detail


@pytest.fixture
def mark(home_db) -> int:
    return Home(home_db).staff["mark"]


def settings(db) -> home.HomeSettings:
    with db.read() as s:
        return home.get_home(s)


@pytest.mark.parametrize(
    ("minutes", "ok"), [(4, False), (5, False), (30, True), (240, True), (241, False)]
)
def test_the_dose_window_is_5_to_240_minutes_and_never_narrower_than_time_critical(
    home_db, mark, minutes, ok
):
    # the demo's time-critical window is 30: 5 is in range but narrower than it
    if ok:
        with home_db.write() as s:
            home.set_dose_window(s, mark, minutes)
        assert settings(home_db).dose_window_minutes == minutes
        assert last_event(home_db, "settings.changed") == {
            "dose_window_minutes": {"before": 60, "after": minutes}
        }
    else:
        with pytest.raises(ValidationError), home_db.write() as s:
            home.set_dose_window(s, mark, minutes)
        assert settings(home_db).dose_window_minutes == 60


def test_the_time_critical_window_is_5_to_120_and_not_wider_than_normal(home_db, mark):
    with home_db.write() as s:
        home.set_time_critical_window(s, mark, 5)
    with pytest.raises(ValidationError, match="5 to 120"), home_db.write() as s:
        home.set_time_critical_window(s, mark, 4)
    with pytest.raises(ValidationError, match="wider than"), home_db.write() as s:
        home.set_time_critical_window(s, mark, 61)
    with pytest.raises(ValidationError, match="5 to 120"), home_db.write() as s:
        home.set_dose_windows(s, mark, 240, 121)
    with home_db.write() as s:
        home.set_dose_windows(s, mark, 240, 120)  # both wider at once
    assert settings(home_db).windows.time_critical_minutes == 120
    assert settings(home_db).dose_window_minutes == 240


def test_idle_lock_time_zone_and_name(home_db, mark):
    for bad in (0, 61):
        with pytest.raises(ValidationError), home_db.write() as s:
            home.set_idle_lock(s, mark, bad)
    with pytest.raises(ValidationError, match="Unknown time zone"), home_db.write() as s:
        home.set_time_zone(s, mark, "Europe/Atlantis")
    with pytest.raises(ValidationError), home_db.write() as s:
        home.rename_home(s, mark, "   ")
    before = settings(home_db)
    with home_db.write() as s:
        home.set_idle_lock(s, mark, 60)
        home.set_time_zone(s, mark, "Europe/Dublin")
        home.rename_home(s, mark, "Willow House")
    after = settings(home_db)
    assert (after.idle_lock_minutes, after.time_zone, after.name) == (
        60,
        "Europe/Dublin",
        "Willow House",
    )
    assert last_event(home_db, "settings.changed") == {
        "name": {"before": before.name, "after": "Willow House"}
    }


@pytest.mark.parametrize("user", ["amy", "ben", "nina", "phil"])
def test_only_a_manager_or_administrator_changes_settings_codes_units_and_rooms(home_db, user):
    staff = Home(home_db).staff[user]
    for change in (
        lambda s: home.set_dose_window(s, staff, 90),
        lambda s: home.set_time_zone(s, staff, "Europe/Dublin"),
        lambda s: not_given_codes.add_code(s, staff, "Z", "Zzz", "other"),
        lambda s: not_given_codes.retire_code(s, staff, "N"),
        lambda s: home.retire_unit(s, staff, 1),
        lambda s: rooms.add_room(s, staff, 1, "Z1"),
    ):
        with pytest.raises(NotPermitted), home_db.write() as s:
            change(s)
    assert settings(home_db).dose_window_minutes == 60


def test_codes_are_added_retired_and_restored_never_the_core_ones(home_db, mark):
    with home_db.write() as s:
        added = not_given_codes.add_code(
            s, mark, "C2", "Covid isolation", "clinical-decision", note_required=True
        )
    assert added.note_required and added.active and not added.used
    for code, reason in (("c!", "other"), ("ABCDE", "other"), ("A-1", "other"), ("Q", "bored")):
        with pytest.raises(ValidationError), home_db.write() as s:
            not_given_codes.add_code(s, mark, code, "Label", reason)
    with pytest.raises(ValidationError, match="already exists"), home_db.write() as s:
        not_given_codes.add_code(s, mark, "r", "Again", "other")  # upper-cased: R
    for core in ("R", "H", "L", "W", "NR", "P", "O"):
        with pytest.raises(ValidationError, match="cannot be retired"), home_db.write() as s:
            not_given_codes.retire_code(s, mark, core)
    with home_db.write() as s:
        not_given_codes.retire_code(s, mark, "C2")
        assert "C2" not in {c for c, *_ in round_codes(s)}  # the round no longer offers it
    assert last_event(home_db, "not_given_code.retired")["after"] == {"active": False}
    with home_db.write() as s:
        not_given_codes.restore_code(s, mark, "C2")
        codes = {c.code: c for c in not_given_codes.list_codes(s)}
        assert "C2" in {c for c, *_ in round_codes(s)}
    assert codes["C2"].active and codes["R"].core and not codes["N"].core


def test_a_code_the_mar_carries_is_listed_as_used(templates):
    database = open_database(templates.copy_url("history"))  # the demo's months of MAR
    try:
        with database.read() as s:
            codes = {c.code: c for c in not_given_codes.list_codes(s)}
    finally:
        database.dispose()
    assert codes["R"].used and not codes["D"].used


def _empty_unit(db, mark) -> int:
    with db.write() as s:
        return home.add_unit(s, mark, home.get_home(s).id, "Annexe").id


def test_units_rename_retire_and_restore(home_db, mark):
    with pytest.raises(ValidationError, match="cannot be retired"), home_db.write() as s:
        home.retire_unit(s, mark, 1)  # residents live there
    annexe = _empty_unit(home_db, mark)
    with home_db.write() as s:
        home.rename_unit(s, mark, annexe, "Garden wing")
        home.retire_unit(s, mark, annexe)
    assert last_event(home_db, "unit.renamed") == {"before": "Annexe", "after": "Garden wing"}
    with home_db.read() as s:
        assert annexe not in {u.id for u in home.list_units(s)}
        every = {u.id: u for u in home.list_units(s, include_retired=True)}
    assert not every[annexe].active and every[1].active
    form = AdmissionForm("Rose", "Tyler", date(1941, 3, 3), annexe, "G1", no_known_allergies=True)
    with pytest.raises(ValidationError, match="retired"), home_db.write() as s:
        admit_resident(s, mark, form)
    with home_db.write() as s:
        home.restore_unit(s, mark, annexe)
        admit_resident(s, mark, form)
    with home_db.read() as s:
        listed = next(u for u in rooms.units_and_rooms(s) if u.unit_id == annexe)
    assert [(r.name, r.residents) for r in listed.rooms] == [("G1", ("Rose Tyler",))]
    assert last_event(home_db, "room.added")["name"] == "G1"  # added by the admission


def test_rooms_retire_refused_while_lived_in_and_a_move_follows_the_rules(home_db, mark):
    with home_db.read() as s:
        resident = s.scalars(select(Resident).where(Resident.unit_id == 1)).first()
        rid, room = resident.id, resident.room
    with pytest.raises(ValidationError, match="lives there"), home_db.write() as s:
        rooms.retire_room(s, mark, 1, room)
    with home_db.write() as s:
        rooms.add_room(s, mark, 2, "Z9")
        rooms.retire_room(s, mark, 2, "Z9")
    with pytest.raises(ValidationError, match="retired"), home_db.write() as s:
        move_resident(s, mark, rid, 2, "Z9")
    with home_db.write() as s:
        rooms.restore_room(s, mark, 2, "Z9")
        move_resident(s, mark, rid, 2, "Z9")
        rooms.retire_room(s, mark, 1, room)  # empty now
    with home_db.read() as s:
        moved = s.get(Resident, rid)
        assert (moved.unit_id, moved.room) == (2, "Z9")
    assert last_event(home_db, "resident.updated") == {
        "before": {"unit_id": 1, "room": room},
        "after": {"unit_id": 2, "room": "Z9"},
    }
    refused = pytest.raises(NotPermitted, match=r"\(carer\) may not move residents\.")
    with refused, home_db.write() as s:
        move_resident(s, Home(home_db).staff["amy"], rid, 1, "A1")


def _two_residents(db) -> tuple[Resident, Resident]:
    with db.read() as s:
        first, second = s.scalars(
            select(Resident).where(Resident.status == "resident").order_by(Resident.id)
        ).all()[:2]
        s.expunge_all()
    return first, second


def test_a_move_into_someone_elses_room_is_refused_unless_shared(home_db, mark):
    mover, other = _two_residents(home_db)
    with pytest.raises(RoomOccupied) as refused, home_db.write() as s:
        move_resident(s, mark, mover.id, other.unit_id, other.room)
    assert (
        refused.value.question == f"{other.room} is {other.full_name}'s room: are they sharing it?"
    )
    with home_db.read() as s:
        assert s.get(Resident, mover.id).room == mover.room  # nothing changed
    with home_db.write() as s:
        move_resident(s, mark, mover.id, other.unit_id, other.room, share=True)
    with home_db.read() as s:
        assert s.get(Resident, mover.id).room == other.room
    with home_db.write() as s:  # moving within one's own (now shared) room asks nothing
        move_resident(s, mark, mover.id, other.unit_id, other.room.lower())


def test_admission_into_a_lived_in_room_is_refused_unless_shared(home_db, mark):
    _mover, other = _two_residents(home_db)
    form = AdmissionForm(
        "Rose", "Tyler", date(1941, 3, 3), other.unit_id, other.room, no_known_allergies=True
    )
    with pytest.raises(RoomOccupied, match="already lives in"), home_db.write() as s:
        admit_resident(s, mark, form)
    with home_db.write() as s:
        rid = admit_resident(s, mark, form, share=True)
    with home_db.read() as s:
        assert s.get(Resident, rid).room == other.room


def test_room_and_unit_names_match_whatever_the_case(home_db, mark):
    with home_db.read() as s:
        unit = home.list_units(s)[0]
    with pytest.raises(ValidationError, match="already a unit"), home_db.write() as s:
        home.add_unit(s, mark, home.get_home(s).id, f"  {unit.name.upper()} ")
    annexe = _empty_unit(home_db, mark)
    with home_db.write() as s:
        home.retire_unit(s, mark, annexe)
    with pytest.raises(ValidationError, match="retired: restore it"), home_db.write() as s:
        home.add_unit(s, mark, home.get_home(s).id, "annexe")
    with pytest.raises(ValidationError, match="already a unit"), home_db.write() as s:
        home.rename_unit(s, mark, unit.id, "ANNEXE")
    with home_db.write() as s:
        home.restore_unit(s, mark, annexe)
        home.rename_unit(s, mark, annexe, "ANNEXE")  # its own name, another case: allowed
        rooms.add_room(s, mark, annexe, "G01")
        rooms.add_room(s, mark, annexe, "G02")
    with pytest.raises(ValidationError, match="already a room 'G01'"), home_db.write() as s:
        rooms.add_room(s, mark, annexe, "g01")
    mover, _ = _two_residents(home_db)
    with home_db.write() as s:
        assert move_resident(s, mark, mover.id, annexe, " g01 ") == "G01"
    with home_db.read() as s:
        assert s.get(Resident, mover.id).room == "G01"
    with home_db.write() as s:
        rooms.retire_room(s, mark, annexe, "g02")
    retired = pytest.raises(ValidationError, match="Room G02 in ANNEXE is retired")
    with retired, home_db.write() as s:
        move_resident(s, mark, mover.id, annexe, "g02")
    form = AdmissionForm("Rose", "Tyler", date(1941, 3, 3), annexe, "g02", no_known_allergies=True)
    with pytest.raises(ValidationError, match="retired"), home_db.write() as s:
        admit_resident(s, mark, form)
    with home_db.write() as s:  # admission may add a room not listed yet, in the case typed
        rid = admit_resident(s, mark, replace(form, room="g03"))
    with home_db.read() as s:
        assert s.get(Resident, rid).room == "g03"


def test_a_move_names_a_listed_room_never_makes_one(home_db, mark):
    mover, _ = _two_residents(home_db)
    with home_db.read() as s:
        unit = home.list_units(s)[0]
        before = len(rooms.list_rooms(s, include_retired=True))
    expected = f"No room G99 in {unit.name}: add it first in Home settings > Units and rooms."
    with pytest.raises(ValidationError, match=re.escape(expected)), home_db.write() as s:
        move_resident(s, mark, mover.id, unit.id, "G99")
    with home_db.read() as s:
        assert len(rooms.list_rooms(s, include_retired=True)) == before


def test_rooms_are_added_as_at_set_up_all_or_none(home_db, mark):
    annexe = _empty_unit(home_db, mark)
    with home_db.write() as s:
        added = rooms.add_rooms(s, mark, annexe, "A2-A4, A7")
    assert [r.name for r in added] == ["A2", "A3", "A4", "A7"]
    with pytest.raises(ValidationError, match="already a room 'A4'"), home_db.write() as s:
        rooms.add_rooms(s, mark, annexe, "A5, a4, A6")
    with home_db.read() as s:
        names = [r.name for r in rooms.list_rooms(s) if r.unit_id == annexe]
    assert names == ["A2", "A3", "A4", "A7"]  # A5 was not kept
    with pytest.raises(ValidationError, match="backwards"), home_db.write() as s:
        rooms.add_rooms(s, mark, annexe, "A9-A8")
