"""`emar home`, `emar unit`, `emar room` and `emar resident move` through the real CLI entry:
a manager signs with their password; a refusal is one line on stderr and changes nothing."""

import io
import json
import sys

from sqlalchemy import select

from emar.cli import main
from emar.models import Resident
from emar.services import home, not_given_codes, rooms

MARK = "mark-demo-2026\n"


def run(capsys, monkeypatch, *args, stdin: str = ""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_home_show_and_set(demo_db, capsys, monkeypatch):
    url = demo_db.url.render_as_string(hide_password=False)
    code, out, _ = run(capsys, monkeypatch, "home", "show", "--json", "--db", url)
    assert code == 0 and json.loads(out)["dose_window_minutes"] == 60
    for setting, value in (
        ("dose-window", "90"),
        ("time-critical-window", "20"),
        ("idle-lock", "7"),
        ("witness-cd-4", "yes"),
        ("name", "Willow House"),
        ("time-zone", "Europe/Dublin"),
    ):
        code, out, err = run(
            capsys, monkeypatch, "home", "set", setting, value, "--by", "mark", "--db", url,
            stdin=MARK,
        )  # fmt: skip
        assert code == 0, err
    assert "follow this zone" in out
    code, _, err = run(
        capsys, monkeypatch, "home", "set", "dose-window", "241", "--by", "mark", "--db", url,
        stdin=MARK,
    )  # fmt: skip
    assert code == 1 and "5 to 240" in err
    code, _, err = run(
        capsys, monkeypatch, "home", "set", "idle-lock", "5", "--by", "amy", "--db", url,
        stdin="amy-demo-2026\n",
    )  # fmt: skip
    assert code == 1
    with demo_db.read() as s:
        settings = home.get_home(s)
    assert (settings.dose_window_minutes, settings.time_critical_window_minutes) == (90, 20)
    assert settings.idle_lock_minutes == 7 and settings.witness_cd_schedule_4
    assert (settings.time_zone, settings.name) == ("Europe/Dublin", "Willow House")


def test_codes_and_thresholds(demo_db, capsys, monkeypatch):
    url = demo_db.url.render_as_string(hide_password=False)
    code, _, err = run(
        capsys, monkeypatch, "home", "code-add", "C", "Covid isolation", "--reason",
        "clinical-decision", "--note-required", "--by", "mark", "--db", url, stdin=MARK,
    )  # fmt: skip
    assert code == 0, err
    code, _, err = run(
        capsys, monkeypatch, "home", "code-retire", "R", "--by", "mark", "--db", url, stdin=MARK
    )
    assert code == 1 and "cannot be retired" in err
    code, _, err = run(
        capsys, monkeypatch, "home", "code-retire", "C", "--by", "mark", "--db", url, stdin=MARK
    )
    assert code == 0, err
    code, out, _ = run(capsys, monkeypatch, "home", "codes", "--json", "--db", url)
    listed = {c["code"]: c for c in json.loads(out)}
    assert listed["C"]["note_required"] and not listed["C"]["active"]
    code, _, err = run(
        capsys, monkeypatch, "home", "threshold", "acb.total", "4", "--by", "mark", "--db", url,
        stdin=MARK,
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = run(capsys, monkeypatch, "home", "thresholds", "--json", "--db", url)
    acb = next(t for t in json.loads(out) if t["key"] == "acb.total")
    assert (acb["default"], acb["home"]) == ("3", "4.00")
    with demo_db.read() as s:
        assert not {c.code: c for c in not_given_codes.list_codes(s)}["C"].active


def test_units_rooms_and_moving_a_resident(demo_db, capsys, monkeypatch):
    url = demo_db.url.render_as_string(hide_password=False)

    def cli(*args, stdin=MARK):
        return run(capsys, monkeypatch, *args, "--db", url, stdin=stdin)

    assert cli("unit", "add", "Annexe", "--by", "mark")[0] == 0
    assert cli("unit", "rename", "Annexe", "Garden", "--by", "mark")[0] == 0
    assert cli("room", "add", "Garden", "G1", "--by", "mark")[0] == 0
    with demo_db.read() as s:
        rid = s.scalars(select(Resident.id).order_by(Resident.id)).first()
    code, _, err = cli(
        "resident", "move", str(rid), "--unit", "Garden", "--room", "G1", "--by", "nina",
        stdin="nina-demo-2026\n",
    )  # fmt: skip
    assert code == 0, err
    code, _, err = cli("unit", "retire", "Garden", "--by", "mark")
    assert code == 1 and "cannot be retired" in err
    code, _, err = cli("room", "retire", "Garden", "G1", "--by", "mark")
    assert code == 1 and "lives there" in err
    code, out, _ = cli("unit", "list", "--json")
    garden = next(u for u in json.loads(out) if u["unit"] == "Garden")
    assert len(garden["rooms"][0]["residents"]) == 1
    with demo_db.read() as s:
        resident = s.get(Resident, rid)
        assert resident.room == "G1"
        assert [r.name for r in rooms.list_rooms(s) if r.unit_id == resident.unit_id] == ["G1"]


def test_home_setup_on_an_empty_database_then_the_manager_signs_for_the_rest(
    db, capsys, monkeypatch
):
    """The first run from the CLI: the home, its units and rooms and first manager (password
    and PIN from stdin); then the manager adds a unit, signing with that password."""
    url = db.url.render_as_string(hide_password=False)
    secrets = "beech-house-manager-2026\n2719\n"
    code, out, err = run(
        capsys, monkeypatch, "home", "setup", "Beech House", "--zone", "Europe/London",
        "--unit", "Ground floor: G01-G03", "--unit", "First floor: F01",
        "--manager", "jo.reid", "--manager-name", "Jo Reid", "--db", url, stdin=secrets,
    )  # fmt: skip
    assert code == 0, err
    assert out.strip() == (
        "Beech House is set up (Europe/London): 2 unit(s), 4 room(s); sign in as jo.reid to "
        "add staff, residents and charts."
    )
    code, _, err = run(
        capsys, monkeypatch, "home", "setup", "Other", "--unit", "A", "--manager", "x",
        "--manager-name", "X", "--db", url, stdin=secrets,
    )  # fmt: skip
    assert code != 0 and "already has a care home" in err
    code, _, err = run(
        capsys, monkeypatch, "unit", "add", "Annexe", "--by", "jo.reid", "--db", url,
        stdin="beech-house-manager-2026\n",
    )  # fmt: skip
    assert code == 0, err
    with db.read() as s:
        assert {u.name for u in home.list_units(s)} == {"Ground floor", "First floor", "Annexe"}
        assert len(rooms.list_rooms(s)) == 4


def test_home_setup_with_rooms_written_wrong_changes_nothing(db, capsys, monkeypatch):
    url = db.url.render_as_string(hide_password=False)
    code, _, err = run(
        capsys, monkeypatch, "home", "setup", "Beech House", "--unit", "Ground: G03-G01",
        "--manager", "jo.reid", "--manager-name", "Jo Reid", "--db", url,
        stdin="beech-house-manager-2026\n2719\n",
    )  # fmt: skip
    assert code != 0 and "runs backwards" in err and err.count("\n") == 1
    with db.read() as s:
        assert not home.has_home(s)


def test_rooms_in_ranges_a_shared_room_and_what_is_printed(demo_db, capsys, monkeypatch):
    url = demo_db.url.render_as_string(hide_password=False)

    def cli(*args, stdin=MARK):
        return run(capsys, monkeypatch, *args, "--db", url, stdin=stdin)

    assert cli("unit", "add", "Annexe", "--by", "mark")[0] == 0
    code, _, err = cli("unit", "add", "annexe", "--by", "mark")
    assert code == 1 and "already a unit called 'Annexe'" in err
    code, out, err = cli("room", "add", "Annexe", "A2-A4, A7", "--by", "mark")
    assert code == 0 and "Added 4 room(s) to Annexe: A2, A3, A4, A7." in out, err
    with demo_db.read() as s:
        first, second = s.scalars(select(Resident).order_by(Resident.id)).all()[:2]
        first_id, second_id, name = first.id, second.id, first.full_name
    move = ("resident", "move", "--unit", "annexe", "--room", "a2", "--by", "mark")
    code, out, err = cli(*move[:2], str(first_id), *move[2:])
    assert code == 0 and out.strip() == f"{name} moved to Annexe, room A2.", err
    code, _, err = cli(*move[:2], str(second_id), *move[2:])
    assert code == 1 and f"{name} already lives in room A2" in err
    code, _, err = cli(*move[:2], str(second_id), *move[2:], "--share")
    assert code == 0, err
    code, _, err = cli("resident", "move", str(second_id), "--unit", "Annexe", "--room", "A9",
                       "--by", "mark")  # fmt: skip
    assert code == 1 and "No room A9 in Annexe: add it first" in err
    code, out, _ = cli("unit", "list")
    assert f"  room A2: {name} (resident {first_id})," in out
    code, out, _ = cli("home", "show")
    assert "witness cd schedule 4: no" in out and "is demo: yes" in out
    assert "None" not in out and "False" not in out and "True" not in out
    assert cli("home", "threshold", "acb.total", "4", "--by", "mark")[0] == 0
    code, out, _ = cli("home", "thresholds")
    assert "acb.total: 4 " in out and ".00" not in out
