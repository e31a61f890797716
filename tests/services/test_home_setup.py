"""First-run set-up (issue 22): the home, its units and rooms and first manager in one go, on
both backends; a failed set-up leaves nothing; two PCs at once make one home."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from emar.errors import ValidationError
from emar.models import AuditEvent, CareHome, Staff
from emar.services.audit.verify import verify_trail
from emar.services.home import get_home, has_home, list_units
from emar.services.home_setup import HomePlan, UnitPlan, set_up_home
from emar.services.rooms import list_rooms
from emar.services.staff.signing import sign_in

PLAN = HomePlan(
    name="Beech House",
    time_zone="Europe/Dublin",
    units=(UnitPlan("Ground floor", ("G01", "G02")), UnitPlan("First floor", ("F01",))),
    manager_username="Jo.Reid",
    manager_full_name="Jo Reid",
    manager_password="beech-house-manager-2026",
    manager_pin="2719",
)


def test_the_home_its_units_rooms_and_manager_are_made(db):
    with db.write() as s:
        home = set_up_home(s, PLAN)
    assert (home.name, home.time_zone, home.is_demo) == ("Beech House", "Europe/Dublin", False)
    with db.write() as s:
        units = {u.id: u.name for u in list_units(s)}
        rooms = {(units[r.unit_id], r.name) for r in list_rooms(s)}
        manager = sign_in(s, "jo.reid", "beech-house-manager-2026")
        events = [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert sorted(units.values()) == ["First floor", "Ground floor"]
    assert rooms == {("Ground floor", "G01"), ("Ground floor", "G02"), ("First floor", "F01")}
    assert manager is not None and (manager.full_name, manager.role) == ("Jo Reid", "manager")
    assert events[:2] == ["home.created", "staff.added"]
    assert events.count("unit.added") == 2 and events.count("room.added") == 3
    with db.read() as s:
        assert verify_trail(s).ok


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"units": ()}, "at least one unit"),
        ({"units": (UnitPlan("A"), UnitPlan(" a "))}, "named twice"),
        ({"manager_pin": ""}, "needs a PIN"),
        ({"manager_pin": "1234"}, "first a stranger would try"),
        ({"manager_password": "short"}, "at least"),
        ({"time_zone": "Mars/Olympus"}, "Unknown time zone"),
        ({"name": "  "}, "Home name"),
        ({"units": (UnitPlan("A", ("G01", "G01")),)}, "written twice"),
        ({"manager_username": "jo reid"}, "plain letters"),
    ],
)
def test_a_set_up_that_fails_leaves_the_database_empty(db, change, said):
    plan = HomePlan(**{**PLAN.__dict__, **change})
    with pytest.raises(ValidationError, match=said), db.write() as s:
        set_up_home(s, plan)
    with db.read() as s:
        assert not has_home(s)
        assert s.scalar(select(func.count()).select_from(Staff)) == 0
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_a_home_is_set_up_once(db):
    with db.write() as s:
        set_up_home(s, PLAN)
    with pytest.raises(ValidationError, match="already has a care home"), db.write() as s:
        set_up_home(s, PLAN)
    with db.read() as s:
        assert get_home(s).name == "Beech House"


def test_two_pcs_setting_up_at_once_make_one_home(db):
    """Each PC its own connection; both start together: one home, one manager, and the other
    PC told the home exists."""
    results: list[str] = []
    start = threading.Barrier(2)

    def pc(suffix: str) -> None:
        plan = HomePlan(**{**PLAN.__dict__, "manager_username": f"jo{suffix}"})
        start.wait()
        try:
            with db.write() as s:
                set_up_home(s, plan)
            results.append("made")
        except ValidationError as exc:
            results.append(str(exc))

    threads = [threading.Thread(target=pc, args=(n,)) for n in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results.count("made") == 1, results
    (other,) = (r for r in results if r != "made")
    assert "already has a care home" in other
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(CareHome)) == 1
        assert s.scalar(select(func.count()).select_from(Staff)) == 1
