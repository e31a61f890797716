"""What every command shares: the --db option, opening a database at the current schema, and
reading a secret from a prompt or a line of standard input."""

from __future__ import annotations

import argparse
import getpass
import sys

from emar.errors import EmarError
from emar.infra.config import resolve_db_url
from emar.infra.db import Database, open_database
from emar.maintenance.migrate import current_revision, head_revision
from emar.services.staff.signing import REFUSED, SignInRefused, refusal, sign_in

EXIT_ERROR = 1
EXIT_USAGE = 2


def common_options() -> argparse.ArgumentParser:
    """The options every command and subcommand takes (a parent parser)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="database URL (default: $EMAR_DB_URL, else the file in the user data folder)",
    )
    return common


def open_current(args: argparse.Namespace) -> Database:
    """Open a database that is already at the current schema."""
    db = open_database(resolve_db_url(args.db), create=False)
    current = current_revision(db)
    if current != head_revision():
        state = "has no eMAR schema" if current is None else f"is at schema {current}"
        raise EmarError(f"The database {state}; run 'emar init' first.")
    return db


def signed_by_password(db: Database, username: str) -> int:
    """The staff id of the person signing for a command with their password (read like the
    other secrets); a failed sign-in is committed, so it is on record."""
    password = read_secret(f"{username}'s password: ", confirm=False)
    with db.write() as session:
        staff = sign_in(session, username, password)
        why = None if staff is not None else refusal(session, username=username)
    if staff is None:
        raise SignInRefused(why or REFUSED)
    if staff.must_change_password:
        raise SignInRefused(
            f"{staff.username} must change their password first: "
            f"emar user password {staff.username}"
        )
    return staff.id


def read_secret(prompt: str, *, confirm: bool) -> str:
    """From a prompt that does not echo (asked twice with `confirm`), or the next line of
    standard input when it is not a terminal (scripts)."""
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if confirm and getpass.getpass("Again: ") != first:
            raise EmarError("The two entries did not match; nothing was saved.")
        return first
    line = sys.stdin.readline()
    if not line:
        raise EmarError(f"Expected a line on standard input for: {prompt.strip(': ')}")
    return line.rstrip("\r\n")
