"""`emar home`, `emar unit`, `emar room` and `emar resident move`: the home's settings, its
not-given codes, signal thresholds, units and rooms. Whoever changes something signs with their
password (--by); the same services and rules as the Home settings window."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

from emar.cli.common import open_current, read_secret, signed_by_password
from emar.domain.home_rules import FHIR_REASONS
from emar.domain.review.thresholds import DEFAULTS, plain
from emar.domain.room_names import parse_units
from emar.domain.schedule import DEFAULT_ZONE
from emar.errors import ValidationError
from emar.infra.db import Database, Session
from emar.services import home as home_service
from emar.services import not_given_codes, rooms
from emar.services.home_setup import HomePlan, UnitPlan, set_up_home
from emar.services.residents.admission import move_resident
from emar.services.residents.current import current_resident
from emar.services.residents.health import set_signal_threshold, signal_thresholds


def _number(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValidationError(f"{value!r} is not a whole number.") from None


def _yes_no(value: str) -> bool:
    answer = value.strip().lower()
    if answer in ("yes", "on", "true", "1"):
        return True
    if answer in ("no", "off", "false", "0"):
        return False
    raise ValidationError(f"Say yes or no, not {value!r}.")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{value!r} is not a date (YYYY-MM-DD).") from None


# setting -> how the value is read and stored (the service checks the rule)
SETTINGS: dict[str, Any] = {
    "name": lambda s, by, v: home_service.rename_home(s, by, v),
    "time-zone": lambda s, by, v: home_service.set_time_zone(s, by, v),
    "dose-window": lambda s, by, v: home_service.set_dose_window(s, by, _number(v)),
    "time-critical-window": lambda s, by, v: home_service.set_time_critical_window(
        s, by, _number(v)
    ),
    "idle-lock": lambda s, by, v: home_service.set_idle_lock(s, by, _number(v)),
    "cycle-start": lambda s, by, v: home_service.set_cycle_start(s, by, _date(v)),
    "backup-retention": lambda s, by, v: home_service.set_backup_retention(s, by, _number(v)),
    "witness-cd-4": lambda s, by, v: home_service.set_cd_witness(s, by, 4, _yes_no(v)),
    "witness-cd-5": lambda s, by, v: home_service.set_cd_witness(s, by, 5, _yes_no(v)),
}


def cmd_home_setup(args: argparse.Namespace) -> int:
    """The first run's set-up, as the window's wizard does it (one transaction)."""
    units = tuple(
        UnitPlan(name, tuple(rooms_of)) for name, rooms_of in parse_units("\n".join(args.unit))
    )
    password = read_secret("The manager's password: ", confirm=True)
    pin = read_secret("The manager's PIN (4-8 digits): ", confirm=True)
    plan = HomePlan(args.name, args.zone, units, args.manager, args.manager_name, password, pin)
    db = open_current(args)
    with db.write() as session:
        made = set_up_home(session, plan)
    rooms_made = sum(len(u.rooms) for u in units)
    print(
        f"{made.name} is set up ({made.time_zone}): {len(units)} unit(s), {rooms_made} room(s); "
        f"sign in as {args.manager.strip().lower()} to add staff, residents and charts."
    )
    return 0


def _by(p: argparse.ArgumentParser, who: str = "MANAGER") -> None:
    p.add_argument("--by", required=True, metavar=who, help="who signs (their password is asked)")


def _json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON for scripts")


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    _register_home(sub, common)
    _register_units(sub, common)


def _register_home(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    home = sub.add_parser("home", parents=[common], help="the home's settings and codes")
    h = home.add_subparsers(dest="home_command", required=True, metavar="ACTION")
    p = h.add_parser(
        "setup",
        parents=[common],
        help="set up a new home on an empty database: its units and rooms and first manager "
        "(the manager's password, then PIN, from a prompt or stdin lines)",
    )
    p.add_argument("name", help="the home's name")
    p.add_argument("--zone", default=DEFAULT_ZONE, help=f"time zone (default {DEFAULT_ZONE})")
    p.add_argument(
        "--unit",
        action="append",
        required=True,
        metavar="'UNIT: ROOMS'",
        help="a unit and its rooms, e.g. 'Ground floor: G01-G20' (repeat for each unit)",
    )
    p.add_argument("--manager", required=True, metavar="USERNAME", help="the first manager")
    p.add_argument("--manager-name", required=True, metavar="NAME", help="their full name")
    p.set_defaults(func=cmd_home_setup)
    p = h.add_parser("show", parents=[common], help="the home's settings")
    _json(p)
    p.set_defaults(func=cmd_home_show)
    p = h.add_parser("set", parents=[common], help="change one setting")
    p.add_argument("setting", choices=sorted(SETTINGS))
    p.add_argument("value")
    _by(p)
    p.set_defaults(func=cmd_home_set)
    p = h.add_parser("codes", parents=[common], help="the not-given codes")
    _json(p)
    p.set_defaults(func=cmd_home_codes)
    p = h.add_parser("code-add", parents=[common], help="add a not-given code")
    p.add_argument("code", help="1-4 upper-case letters or digits")
    p.add_argument("label")
    p.add_argument("--reason", required=True, choices=FHIR_REASONS, help="FHIR statusReason")
    p.add_argument("--note-required", action="store_true")
    _by(p)
    p.set_defaults(func=cmd_code_add)
    for name, what in (("code-retire", "retire"), ("code-restore", "restore")):
        p = h.add_parser(name, parents=[common], help=f"{what} a not-given code")
        p.add_argument("code")
        _by(p)
        p.set_defaults(func=cmd_code_change, retire=what == "retire")
    p = h.add_parser("thresholds", parents=[common], help="the signals' thresholds")
    _json(p)
    p.set_defaults(func=cmd_thresholds)
    p = h.add_parser("threshold", parents=[common], help="set one signal threshold")
    p.add_argument("key", choices=sorted(DEFAULTS))
    p.add_argument("value")
    _by(p, "MANAGER_OR_PHARMACIST")
    p.set_defaults(func=cmd_threshold)


def _register_units(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    unit = sub.add_parser("unit", parents=[common], help="the home's units")
    u = unit.add_subparsers(dest="unit_command", required=True, metavar="ACTION")
    p = u.add_parser("list", parents=[common], help="units, their rooms and who lives there")
    _json(p)
    p.set_defaults(func=cmd_unit_list)
    p = u.add_parser("add", parents=[common], help="add a unit")
    p.add_argument("name")
    _by(p)
    p.set_defaults(func=cmd_unit_add)
    p = u.add_parser("rename", parents=[common], help="rename a unit")
    p.add_argument("old")
    p.add_argument("new")
    _by(p)
    p.set_defaults(func=cmd_unit_rename)
    for name in ("retire", "restore"):
        p = u.add_parser(name, parents=[common], help=f"{name} a unit")
        p.add_argument("name")
        _by(p)
        p.set_defaults(func=cmd_unit_change, retire=name == "retire")
    room = sub.add_parser("room", parents=[common], help="the rooms of a unit")
    r = room.add_subparsers(dest="room_command", required=True, metavar="ACTION")
    for name in ("add", "retire", "restore"):
        p = r.add_parser(name, parents=[common], help=f"{name} a room")
        p.add_argument("unit")
        if name == "add":
            p.add_argument("room", help="a room, or several as at set-up: 'A2-A5, A7'")
        else:
            p.add_argument("room")
        _by(p)
        p.set_defaults(func=cmd_room, action=name)
    resident = sub.add_parser("resident", parents=[common], help="residents")
    rs = resident.add_subparsers(dest="resident_command", required=True, metavar="ACTION")
    p = rs.add_parser("move", parents=[common], help="move a resident to another unit or room")
    p.add_argument("id", type=int, help="the resident's id")
    p.add_argument("--unit", required=True)
    p.add_argument("--room", required=True, help="a room listed in the unit")
    p.add_argument(
        "--share", action="store_true", help="someone else lives in the room: it is shared"
    )
    _by(p, "NURSE_OR_MANAGER")
    p.set_defaults(func=cmd_resident_move)


def _write(args: argparse.Namespace, work: Any) -> Any:
    db: Database = open_current(args)
    by = signed_by_password(db, args.by)
    with db.write() as session:
        return work(session, by)


def _read(args: argparse.Namespace, work: Any) -> Any:
    db: Database = open_current(args)
    with db.read() as session:
        return work(session)


def _print_json(value: object) -> None:
    print(json.dumps(value, indent=2, default=str))


def _shown(value: object) -> str:
    """A value as a person reads it: "not set", "yes"/"no", 2.5 not 2.50, 10 not 10.00."""
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return plain(value)
    return str(value)


def cmd_home_show(args: argparse.Namespace) -> int:
    settings = _read(args, home_service.get_home)
    shown = asdict(settings)
    if args.json:
        _print_json(shown)
    else:
        for key, value in shown.items():
            print(f"{key.replace('_', ' ')}: {_shown(value)}")
    return 0


def cmd_home_set(args: argparse.Namespace) -> int:
    _write(args, lambda s, by: SETTINGS[args.setting](s, by, args.value))
    print(f"The home's {args.setting} is now {args.value}.")
    if args.setting == "time-zone":
        print("Dose times, days and reports now follow this zone.")
    return 0


def cmd_home_codes(args: argparse.Namespace) -> int:
    codes = _read(args, not_given_codes.list_codes)
    if args.json:
        _print_json([asdict(c) for c in codes])
    else:
        for c in codes:
            flags = [w for w, on in (("retired", not c.active), ("note", c.note_required),
                                     ("used", c.used), ("core", c.core)) if on]  # fmt: skip
            print(f"{c.code:<4} {c.label} [{c.fhir_reason}] {' '.join(flags)}".rstrip())
    return 0


def cmd_code_add(args: argparse.Namespace) -> int:
    code = _write(
        args,
        lambda s, by: not_given_codes.add_code(
            s, by, args.code, args.label, args.reason, note_required=args.note_required
        ),
    )
    print(f"Added not-given code {code.code}: {code.label}.")
    return 0


def cmd_code_change(args: argparse.Namespace) -> int:
    change = not_given_codes.retire_code if args.retire else not_given_codes.restore_code
    code = _write(args, lambda s, by: change(s, by, args.code))
    print(f"Code {code.code} is {'retired' if args.retire else 'offered again'}.")
    return 0


def _thresholds(session: Session) -> list[dict[str, object]]:
    own = signal_thresholds(session)
    return [
        {
            "key": t.key,
            "meaning": t.meaning,
            "unit": t.unit,
            "default": t.default,
            "home": own.get(t.key),
            "source": t.source,
        }
        for t in DEFAULTS.values()
    ]


def cmd_thresholds(args: argparse.Namespace) -> int:
    rows = _read(args, _thresholds)
    if args.json:
        _print_json(rows)
    else:
        for t in rows:
            own = t["home"]
            value = _shown(own) if own is not None else f"{_shown(t['default'])} (default)"
            print(f"{t['key']}: {value} {t['unit']} — {t['meaning']}")
    return 0


def cmd_threshold(args: argparse.Namespace) -> int:
    _write(args, lambda s, by: set_signal_threshold(s, by, args.key, args.value))
    print(f"Threshold {args.key} is now {args.value}.")
    return 0


def cmd_unit_list(args: argparse.Namespace) -> int:
    units = _read(args, rooms.units_and_rooms)
    if args.json:
        _print_json([asdict(u) for u in units])
        return 0
    for u in units:
        print(f"{u.unit}{' (retired)' if not u.active else ''}")
        for r in u.rooms:
            who = f": {', '.join(r.numbered)}" if r.numbered else ""
            print(f"  room {r.name}{' (retired)' if not r.active else ''}{who}")
    return 0


def cmd_unit_add(args: argparse.Namespace) -> int:
    unit = _write(
        args,
        lambda s, by: home_service.add_unit(s, by, home_service.get_home(s).id, args.name),
    )
    print(f"Added unit {unit.name}.")
    return 0


def cmd_unit_rename(args: argparse.Namespace) -> int:
    def work(s: Session, by: int) -> home_service.UnitView:
        return home_service.rename_unit(s, by, home_service.unit_by_name(s, args.old).id, args.new)

    unit = _write(args, work)
    print(f"Unit {args.old} is now called {unit.name}.")
    return 0


def cmd_unit_change(args: argparse.Namespace) -> int:
    change = home_service.retire_unit if args.retire else home_service.restore_unit
    unit = _write(args, lambda s, by: change(s, by, home_service.unit_by_name(s, args.name).id))
    print(f"Unit {unit.name} is {'retired' if args.retire else 'open again'}.")
    return 0


def cmd_room(args: argparse.Namespace) -> int:
    if args.action == "add":
        added = _write(
            args,
            lambda s, by: rooms.add_rooms(
                s, by, home_service.unit_by_name(s, args.unit).id, args.room
            ),
        )
        names = ", ".join(r.name for r in added)
        print(f"Added {len(added)} room(s) to {args.unit}: {names}.")
        return 0
    change = {"retire": rooms.retire_room, "restore": rooms.restore_room}
    room = _write(
        args,
        lambda s, by: change[args.action](
            s, by, home_service.unit_by_name(s, args.unit).id, args.room
        ),
    )
    done = {"retire": "retired", "restore": "offered again"}[args.action]
    print(f"Room {room.name} in {args.unit}: {done}.")
    return 0


def cmd_resident_move(args: argparse.Namespace) -> int:
    def work(s: Session, by: int) -> str:
        unit = home_service.unit_by_name(s, args.unit)
        room = move_resident(s, by, args.id, unit.id, args.room, share=args.share)
        return f"{current_resident(s, args.id).full_name} moved to {unit.name}, room {room}."

    print(_write(args, work))
    return 0
