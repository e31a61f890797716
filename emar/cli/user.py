"""`emar user`: staff accounts. A manager (or administrator) signs with their password for
adding, a role, disabling and enabling, a temporary password, a PIN, a badge and lifting a lock
(after the first account of a new home); anyone changes their own password. Secrets are read
from a prompt or stdin lines, never taken as arguments."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from emar.cli.common import open_current, read_secret, signed_by_password
from emar.devices.labels import label_sheet
from emar.errors import EmarError
from emar.infra.db import Database, Session
from emar.infra.private_files import open_new
from emar.models import Role
from emar.services.permissions import ROLE_LABELS, setting_up
from emar.services.staff import management
from emar.services.staff.accounts import add_staff, staff_id_by_username
from emar.services.staff.signing import SignInRefused, unlock


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    user = sub.add_parser("user", parents=[common], help="staff accounts")
    user_sub = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    p = user_sub.add_parser(
        "add",
        parents=[common],
        help="add a member of staff (secrets read from a prompt or stdin lines: the signing "
        "manager's password, then the new password, then the PIN)",
    )
    p.add_argument("name", help="username")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--full-name", required=True, help="the name shown on records")
    p.add_argument("--badge", help="staff badge code")
    p.add_argument(
        "--by",
        metavar="MANAGER",
        help="the manager or administrator adding them (their password is asked first); "
        "not needed for the first account of a new home",
    )
    p.set_defaults(func=cmd_user_add)
    p = user_sub.add_parser(
        "unlock",
        parents=[common],
        help="lift a sign-in and PIN lock (a manager signs with their password)",
    )
    p.add_argument("name", help="the locked person's username")
    p.add_argument("--by", required=True, metavar="MANAGER", help="the manager's username")
    p.set_defaults(func=cmd_user_unlock)
    p = user_sub.add_parser(
        "list", parents=[common], help="list staff (a manager signs with their password)"
    )
    p.add_argument("--by", required=True, metavar="MANAGER", help="the manager's username")
    p.add_argument("--json", action="store_true", help="as JSON")
    p.set_defaults(func=cmd_user_list)
    p = user_sub.add_parser("role", parents=[common], help="change a person's role")
    p.add_argument("name", help="username")
    p.add_argument("role", choices=[r.value for r in Role])
    p.add_argument("--by", required=True, metavar="MANAGER", help="the manager's username")
    p.set_defaults(func=cmd_user_role)
    for name, text in (("disable", "disable an account (never deleted)"), ("enable", "enable")):
        p = user_sub.add_parser(name, parents=[common], help=f"{text} an account")
        p.add_argument("name", help="username")
        p.add_argument("--by", required=True, metavar="MANAGER", help="the manager's username")
        p.set_defaults(func=cmd_user_active, active=name == "enable")
    p = user_sub.add_parser(
        "reset-password",
        parents=[common],
        help="give a temporary password, to be changed at the next sign-in (asked after the "
        "manager's password)",
    )
    p.add_argument("name", help="username")
    p.add_argument("--by", required=True, metavar="MANAGER", help="the manager's username")
    p.set_defaults(func=cmd_user_reset_password)
    p = user_sub.add_parser(
        "pin", parents=[common], help="set a person's PIN (asked; empty clears it)"
    )
    p.add_argument("name", help="username")
    p.add_argument("--by", required=True, metavar="MANAGER", help="the manager's username")
    p.set_defaults(func=cmd_user_pin)
    p = user_sub.add_parser("badge", parents=[common], help="set or clear a person's badge code")
    p.add_argument("name", help="username")
    p.add_argument("code", nargs="?", help="the badge code")
    p.add_argument("--clear", action="store_true", help="remove the badge code")
    p.add_argument("--by", required=True, metavar="MANAGER", help="the manager's username")
    p.set_defaults(func=cmd_user_badge)
    p = user_sub.add_parser(
        "password", parents=[common], help="change your own password (current, then new)"
    )
    p.add_argument("name", help="your username")
    p.set_defaults(func=cmd_user_password)
    p = user_sub.add_parser(
        "badge-label", parents=[common], help="print one person's badge label (PDF)"
    )
    p.add_argument("name", help="username")
    p.add_argument("--out", required=True, help="PDF file to write")
    p.add_argument("--by", required=True, metavar="MANAGER", help="the manager's username")
    p.set_defaults(func=cmd_user_badge_label)


def _signed_manager(db: Database, username: str | None) -> int | None:
    """The manager (or administrator) signing for a command, by their password; None while
    the home is being set up (no manager yet)."""
    with db.read() as session:
        if username is None:
            if setting_up(session):
                return None
            raise EmarError("Say who signs for this: --by MANAGER (a manager or administrator).")
    return signed_by_password(db, username)


def role_label(role: str) -> str:
    return ROLE_LABELS.get(Role(role), role) if role in set(Role) else role


def cmd_user_add(args: argparse.Namespace) -> int:
    db = open_current(args)
    by = _signed_manager(db, args.by)
    password = read_secret("Password: ", confirm=True)
    pin = read_secret("PIN (4-8 digits, empty for none): ", confirm=True) or None
    with db.write() as session:
        staff = add_staff(
            session,
            username=args.name,
            full_name=args.full_name,
            role=args.role,
            password=password,
            pin=pin,
            badge_code=args.badge,
            added_by_id=by,
            # a password typed by the manager is theirs to know: its owner chooses their own
            # at the first sign-in (the home's first account is its owner's own)
            must_change_password=by is not None,
        )
    then = "; they choose their own password at first sign-in" if by is not None else ""
    print(f"Added {staff.full_name} ({staff.username}) as {role_label(staff.role)}{then}.")
    return 0


def cmd_user_unlock(args: argparse.Namespace) -> int:
    """A manager lifts a lock: they sign with their own password (read like the others)."""
    db = open_current(args)
    manager = _signed_manager(db, args.by)
    with db.write() as session:
        unlock(session, manager or -1, args.name)
    print(f"{args.name} may sign in and sign with their PIN again.")
    return 0


def _person(session: Session, username: str) -> int:
    found = staff_id_by_username(session, username)
    if found is None:
        raise EmarError(f"There is no user called {username!r}.")
    return found


Change = Callable[[Session, int, int, str | None], management.StaffRecord]


def _manage(
    args: argparse.Namespace, change: Change, secret: Callable[[], str] | None = None
) -> management.StaffRecord:
    """The signing manager's change to the person `args.name` (with a secret read after the
    manager's password), in one write."""
    db = open_current(args)
    by = signed_by_password(db, args.by)
    value = secret() if secret else None
    with db.write() as session:
        return change(session, by, _person(session, args.name), value)


def cmd_user_list(args: argparse.Namespace) -> int:
    db = open_current(args)
    by = signed_by_password(db, args.by)
    with db.read() as session:
        records = management.list_staff_records(session, by)
    if args.json:
        print(json.dumps([asdict(r) for r in records], indent=2))
        return 0
    for r in records:
        state = "active" if r.active else "disabled"
        extra = [
            "PIN" if r.has_pin else "no PIN",
            f"badge {r.badge_code}" if r.badge_code else "no badge",
        ]
        if r.must_change_password:
            extra.append("must change password")
        if r.locked:
            extra.append("locked")
        print(
            f"{r.username:<16} {r.full_name:<24} {r.role_label:<14} {state:<9} {', '.join(extra)}"
        )
    return 0


def cmd_user_role(args: argparse.Namespace) -> int:
    r = _manage(args, lambda s, by, who, _: management.change_role(s, by, who, args.role))
    print(f"{r.full_name} ({r.username}) is now {r.role_label}.")
    return 0


def cmd_user_active(args: argparse.Namespace) -> int:
    r = _manage(args, lambda s, by, who, _: management.set_active(s, by, who, args.active))
    print(f"{r.full_name} ({r.username}) is {'enabled' if r.active else 'disabled'}.")
    return 0


def cmd_user_reset_password(args: argparse.Namespace) -> int:
    r = _manage(
        args,
        lambda s, by, who, secret: management.reset_password(s, by, who, secret or ""),
        lambda: read_secret("Temporary password: ", confirm=True),
    )
    print(f"{r.full_name} ({r.username}) must choose a new password at their next sign-in.")
    return 0


def cmd_user_pin(args: argparse.Namespace) -> int:
    r = _manage(
        args,
        lambda s, by, who, secret: management.set_pin(s, by, who, secret or None),
        lambda: read_secret("New PIN (4-8 digits, empty clears it): ", confirm=True),
    )
    print(f"{r.full_name} ({r.username}) {'has a new PIN' if r.has_pin else 'has no PIN now'}.")
    return 0


def cmd_user_badge(args: argparse.Namespace) -> int:
    if args.clear == bool(args.code):
        raise EmarError("Give a badge CODE, or --clear to remove it (one of the two).")
    code = None if args.clear else args.code
    r = _manage(args, lambda s, by, who, _: management.set_badge(s, by, who, code))
    said = f"has badge {r.badge_code}" if r.badge_code else "has no badge now"
    print(f"{r.full_name} ({r.username}) {said}.")
    return 0


def cmd_user_password(args: argparse.Namespace) -> int:
    """Anyone's own password: the current one, then the new one twice."""
    db = open_current(args)
    current = read_secret(f"{args.name}'s current password: ", confirm=False)
    new = read_secret("New password: ", confirm=True)
    with db.write() as session:
        found = staff_id_by_username(session, args.name)
        why = (
            management.change_own_password(session, found, current, new)
            if found is not None
            else management.WRONG_CURRENT
        )
    if why is not None:  # the failed attempt is committed, so it is on record
        raise SignInRefused(why)
    print(f"Password changed for {args.name}.")
    return 0


def cmd_user_badge_label(args: argparse.Namespace) -> int:
    db = open_current(args)
    by = signed_by_password(db, args.by)
    with db.read() as session:
        label = management.staff_badge_label(session, by, _person(session, args.name))
    with open_new(Path(args.out), "a badge label") as out:
        label_sheet([label], out, title=f"eMAR badge: {label.title}")
    print(f"Badge label for {label.title} written to {args.out}.")
    return 0
