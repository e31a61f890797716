"""`emar user`: add a member of staff, lift a sign-in and PIN lock. A manager signs for both
with their password (after the first account of a new home)."""

from __future__ import annotations

import argparse

from emar.cli.common import open_current, read_secret, signed_by_password
from emar.errors import EmarError
from emar.infra.db import Database
from emar.models import Role
from emar.services.permissions import setting_up
from emar.services.staff.accounts import add_staff
from emar.services.staff.signing import unlock


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
    p.add_argument("--full-name", help="name shown on records (default: the username)")
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


def _signed_manager(db: Database, username: str | None) -> int | None:
    """The manager (or administrator) signing for a command, by their password; None while
    the home is being set up (no manager yet)."""
    with db.read() as session:
        if username is None:
            if setting_up(session):
                return None
            raise EmarError("Say who signs for this: --by MANAGER (a manager or administrator).")
    return signed_by_password(db, username)


def cmd_user_add(args: argparse.Namespace) -> int:
    db = open_current(args)
    by = _signed_manager(db, args.by)
    password = read_secret("Password: ", confirm=True)
    pin = read_secret("PIN (4-8 digits, empty for none): ", confirm=True) or None
    with db.write() as session:
        staff = add_staff(
            session,
            username=args.name,
            full_name=args.full_name or args.name,
            role=args.role,
            password=password,
            pin=pin,
            badge_code=args.badge,
            added_by_id=by,
        )
    print(f"Added {staff.full_name} ({staff.username}) as {staff.role}.")
    return 0


def cmd_user_unlock(args: argparse.Namespace) -> int:
    """A manager lifts a lock: they sign with their own password (read like the others)."""
    db = open_current(args)
    manager = _signed_manager(db, args.by)
    with db.write() as session:
        unlock(session, manager or -1, args.name)
    print(f"{args.name} may sign in and sign with their PIN again.")
    return 0
