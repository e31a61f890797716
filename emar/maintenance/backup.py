"""Making a backup: a checked copy of the whole database, never over an existing file.

SQLite: the online backup API (safe while the round goes on), the copy switched to a single
self-contained file, then `PRAGMA integrity_check` on the copy before it gets its final name.
PostgreSQL: `pg_dump --format=custom`, then `pg_restore --list` reads it back. Backups hold
personal data, so files are created owner-only.
"""

from __future__ import annotations

import glob
import logging
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL

from emar.errors import EmarError
from emar.infra.db import Database
from emar.infra.private_files import ExistingFile, create_new, never_overwrites

log = logging.getLogger(__name__)


class BackupError(EmarError):
    """A backup or restore could not be made; nothing was overwritten."""


@dataclass(frozen=True)
class BackupMade:
    path: Path
    size: int
    kind: str  # "sqlite" | "pg_dump"
    checked: str  # what was checked, in words


def _partial_file(dest: Path) -> Path:
    """The owner-only file a backup is written into before it gets `dest` as its name."""
    if dest.exists():
        raise BackupError(never_overwrites(dest, "a backup"))
    partial = dest.with_name(dest.name + ".partial")
    try:
        create_new(partial, "a backup")
    except ExistingFile as exc:
        raise BackupError(str(exc)) from None
    except OSError as exc:
        raise BackupError(f"Cannot create {partial}: {exc.strerror}.") from None
    return partial


def sqlite_integrity(path: Path) -> str:
    """ "ok", or what is wrong with the file."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.Error as exc:
        return str(exc).splitlines()[0]
    return "ok" if rows == [("ok",)] else "; ".join(str(r[0]) for r in rows[:5])


def online_copy(src: Path, dest: Path) -> None:
    """Copy a SQLite database with the online backup API (safe while others use it) into one
    file that opens on its own: no -wal or -shm needed beside it."""
    with (
        closing(sqlite3.connect(f"file:{src}?mode=ro", uri=True)) as source,
        closing(sqlite3.connect(dest)) as copy,
    ):
        source.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")


def checked_sqlite_backup(db: Database, dest: Path) -> BackupMade:
    """A copy of the SQLite file at `dest`, kept only if it passes its integrity check."""
    src = db.sqlite_path
    assert src is not None
    partial = _partial_file(dest)
    try:
        online_copy(src, partial)
        verdict = sqlite_integrity(partial)
        if verdict != "ok":
            raise BackupError(f"The copy failed its integrity check ({verdict}); not kept.")
        os.replace(partial, dest)
    except sqlite3.Error as exc:
        raise BackupError(f"Backup of {src} failed: {exc}.") from None
    finally:
        partial.unlink(missing_ok=True)
    return BackupMade(dest, dest.stat().st_size, "sqlite", "integrity_check ok")


def pg_tool(name: str) -> Path:
    """The newest installed pg_dump/pg_restore (it must be at least the server's version)."""
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if candidates:
        return Path(candidates[-1])
    found = shutil.which(name)
    if found:
        return Path(found)
    raise BackupError(
        f"{name} is not installed on this PC; install the PostgreSQL client tools "
        "(apt-get install postgresql-client) to back up or restore a PostgreSQL database."
    )


def libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, and an environment carrying it (not on the command
    line, where other users could see it)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def run_pg(args: list[str], env: dict[str, str], what: str) -> str:
    try:
        done = subprocess.run(  # noqa: S603 (fixed tool path, no shell)
            args, env=env, capture_output=True, text=True, timeout=3600, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BackupError(f"{what} failed: {exc}.") from None
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{what} failed: {detail}")
    return done.stdout


def backup_postgresql(db: Database, dest: Path) -> BackupMade:
    partial = _partial_file(dest)
    conninfo, env = libpq(db.url)
    try:
        run_pg(
            [
                str(pg_tool("pg_dump")),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={partial}",
                f"--dbname={conninfo}",
            ],
            env,
            "pg_dump",
        )
        listing = run_pg([str(pg_tool("pg_restore")), "--list", str(partial)], env, "Checking")
        if "TABLE DATA" not in listing or "audit_event" not in listing:
            raise BackupError("The dump does not hold eMAR's tables; not kept.")
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    return BackupMade(dest, dest.stat().st_size, "pg_dump", "pg_restore --list read it back")


def make_backup(db: Database, dest: Path) -> BackupMade:
    """Write a checked backup of `db` to `dest` (which must not exist)."""
    if not dest.parent.is_dir():
        raise BackupError(f"Folder {dest.parent} does not exist.")
    made = checked_sqlite_backup(db, dest) if db.is_sqlite else backup_postgresql(db, dest)
    log.info("backup made: %s (%d bytes, %s)", made.path, made.size, made.checked)
    return made
