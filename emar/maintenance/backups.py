"""Backups and restores: a checked copy of the whole database, never overwriting anything.

SQLite: the online backup API (safe while the round goes on), the copy switched to a single
self-contained file, then `PRAGMA integrity_check` on the copy before it gets its final name.
PostgreSQL: `pg_dump --format=custom`, then `pg_restore --list` reads it back. Restores go into an
empty database only; an older backup is brought up to the current schema afterwards.
Backups hold personal data, so files are created owner-only.
"""

from __future__ import annotations

import glob
import logging
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import URL

from emar.errors import EmarError
from emar.infra.db import Database, open_database
from emar.infra.private_files import create_new, owner_only
from emar.services.audit import audit_head, record_event
from emar.services.home import get_home, has_home
from emar.services.permissions import Action, require

log = logging.getLogger(__name__)
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
APPEND_ONLY = (  # as migration 0002 made them
    "administration",
    "prn_outcome",
    "chart_line",
    "chart_line_event",
    "stock_movement",
    "audit_event",
)
DAILY_PATTERN = re.compile(r"^emar-(\d{8}T\d{6}Z)\.sqlite$")
DAILY_EVERY = timedelta(hours=24)
DEFAULT_RETENTION_DAYS = 30


class BackupError(EmarError):
    """A backup or restore could not be made; nothing was overwritten."""


@dataclass(frozen=True)
class BackupMade:
    path: Path
    size: int
    kind: str  # "sqlite" | "pg_dump"
    checked: str  # what was checked, in words


@dataclass(frozen=True)
class DailyBackup:
    path: Path
    taken_at: datetime
    size: int


def _private_file(path: Path) -> None:
    """Create an empty file only its owner can read; refuse one that exists."""
    try:
        create_new(path)
    except FileExistsError:
        raise BackupError(f"{path} already exists; a backup never overwrites a file.") from None
    except OSError as exc:
        raise BackupError(f"Cannot create {path}: {exc.strerror}.") from None


def _sqlite_integrity(path: Path) -> str:
    """ "ok", or what is wrong with the file."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return str(exc).splitlines()[0]
    return "ok" if rows == [("ok",)] else "; ".join(str(r[0]) for r in rows[:5])


def backup_sqlite(db: Database, dest: Path) -> BackupMade:
    src = db.sqlite_path
    assert src is not None
    if dest.exists():
        raise BackupError(f"{dest} already exists; a backup never overwrites a file.")
    partial = dest.with_name(dest.name + ".partial")
    _private_file(partial)
    try:
        with (
            sqlite3.connect(f"file:{src}?mode=ro", uri=True) as source,
            sqlite3.connect(partial) as copy,
        ):
            source.backup(copy)
            # One file that opens on its own: no -wal or -shm needed beside it.
            copy.execute("PRAGMA journal_mode = DELETE")
        source.close()
        copy.close()
        verdict = _sqlite_integrity(partial)
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


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, and an environment carrying it (not on the command
    line, where other users could see it)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run_pg(args: list[str], env: dict[str, str], what: str) -> str:
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
    if dest.exists():
        raise BackupError(f"{dest} already exists; a backup never overwrites a file.")
    partial = dest.with_name(dest.name + ".partial")
    _private_file(partial)
    conninfo, env = _libpq(db.url)
    try:
        _run_pg(
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
        listing = _run_pg([str(pg_tool("pg_restore")), "--list", str(partial)], env, "Checking")
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
    made = backup_sqlite(db, dest) if db.is_sqlite else backup_postgresql(db, dest)
    log.info("backup made: %s (%d bytes, %s)", made.path, made.size, made.checked)
    return made


def write_checkpoint(db: Database, backup: Path) -> Path | None:
    """The audit chain's head beside a backup (`<backup>.checkpoint.json`): kept with the
    copies off this PC, it lets `emar audit verify --checkpoint` tell a trail cut short later."""
    with db.read() as session:
        head = audit_head(session)
    if head is None:
        return None
    path = backup.with_name(backup.name + ".checkpoint.json")
    with open(path, "x", encoding="utf-8", opener=owner_only) as f:
        f.write(head.to_json() + "\n")
    return path


def backup_kind(path: Path) -> str:
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise BackupError(f"Cannot read {path}: {exc.strerror}.") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "pg_dump"
    raise BackupError(f"{path} is not an eMAR backup (neither a SQLite file nor a pg_dump).")


def _is_empty(db: Database) -> bool:
    return not inspect(db.engine).get_table_names()


def recreate_safeguards(db: Database) -> None:
    """Put the append-only triggers back exactly as migration 0002 makes them, whatever a
    restored backup held under their names (a do-nothing trigger of the right name included).
    The SQL mirrors the migration's, which must stay as it was written."""
    with db.engine.begin() as conn:
        if db.is_sqlite:
            for table in APPEND_ONLY:
                for verb in ("UPDATE", "DELETE"):
                    name = f"{table}_no_{verb.lower()}"
                    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
                    conn.exec_driver_sql(
                        f"CREATE TRIGGER {name} BEFORE {verb} ON {table} BEGIN SELECT "
                        f"RAISE(ABORT, '{table} is append-only: record a correction instead'); END"
                    )
            return
        conn.exec_driver_sql(
            """
            CREATE OR REPLACE FUNCTION emar_refuse_change() RETURNS trigger LANGUAGE plpgsql
            AS $$
            BEGIN
                RAISE EXCEPTION '%% is append-only: record a correction instead', TG_TABLE_NAME
                    USING ERRCODE = 'restrict_violation';
            END $$
            """
        )
        for table in APPEND_ONLY:
            for name, spec in (
                (f"{table}_append_only", "BEFORE UPDATE OR DELETE ON {t} FOR EACH ROW"),
                (f"{table}_no_truncate", "BEFORE TRUNCATE ON {t} FOR EACH STATEMENT"),
            ):
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                conn.exec_driver_sql(
                    f"CREATE TRIGGER {name} {spec.format(t=table)} "
                    "EXECUTE FUNCTION emar_refuse_change()"
                )


def discard_restored(db: Database) -> None:
    """Take away what a refused restore put into the (previously empty) target."""
    db.dispose()
    path = db.sqlite_path
    if path is not None:
        for extra in ("", "-wal", "-shm"):
            Path(f"{path}{extra}").unlink(missing_ok=True)
        return
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    db.dispose()


def _require_safeguards(names: set[str], src: Path, *, sqlite: bool) -> None:
    """A backup whose append-only triggers are missing was taken after someone removed them:
    its records cannot be trusted, so it is not restored."""
    if sqlite:
        wanted = {f"{t}_no_{v}" for t in APPEND_ONLY for v in ("update", "delete")}
    else:
        wanted = {f"{t}_append_only" for t in APPEND_ONLY}
    missing = sorted(wanted - names)
    if missing:
        raise BackupError(
            f"{src} lacks the append-only safeguards of {len(missing)} record tables "
            f"({', '.join(missing[:3])}...): they were removed before it was taken, so its "
            "records cannot be trusted. Nothing restored."
        )


def restore_backup(src: Path, target_url: str) -> Database:
    """Restore `src` into the empty database at `target_url`; returns it opened.

    The caller brings it to the current schema and verifies the audit trail."""
    kind = backup_kind(src)
    db = open_database(target_url, create=True)
    if not _is_empty(db):
        db.dispose()
        raise BackupError(
            f"{db.display_url} is not empty; restore only into a new, empty database so "
            "nothing is overwritten."
        )
    if kind == "sqlite" and not db.is_sqlite:
        raise BackupError(
            "This is a SQLite backup: restore it into a SQLite database (sqlite:///)."
        )
    if kind == "pg_dump" and db.is_sqlite:
        raise BackupError(
            "This is a PostgreSQL dump: restore it into an empty PostgreSQL database."
        )
    if kind == "sqlite":
        verdict = _sqlite_integrity(src)
        if verdict != "ok":
            raise BackupError(f"{src} failed its integrity check ({verdict}); nothing restored.")
        with sqlite3.connect(f"file:{src}?mode=ro", uri=True) as check:
            tables = {r[0] for r in check.execute("SELECT name FROM sqlite_master")}
        check.close()
        if "alembic_version" not in tables or "audit_event" not in tables:
            raise BackupError(f"{src} is a SQLite file but not an eMAR database.")
        _require_safeguards(tables, src, sqlite=True)
        db.dispose()
        target = db.sqlite_path
        assert target is not None
        with (
            sqlite3.connect(f"file:{src}?mode=ro", uri=True) as source,
            sqlite3.connect(target) as dest,
        ):
            source.backup(dest)
        source.close()
        dest.close()
        restored = open_database(target_url, create=False)
        recreate_safeguards(restored)
        return restored
    conninfo, env = _libpq(db.url)
    listing = _run_pg([str(pg_tool("pg_restore")), "--list", str(src)], env, "pg_restore --list")
    names = set(re.findall(r"(?:TABLE|TRIGGER) public (\w+)", listing))
    names |= set(re.findall(r"TRIGGER public \w+ (\w+)", listing))
    if "alembic_version" not in names or "audit_event" not in names:
        db.dispose()
        raise BackupError(f"{src} is a PostgreSQL dump but not of an eMAR database.")
    _require_safeguards(names, src, sqlite=False)
    _run_pg(
        [
            str(pg_tool("pg_restore")),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={conninfo}",
            str(src),
        ],
        env,
        "pg_restore",
    )
    recreate_safeguards(db)
    return db


# --- the daily automatic backup of the SQLite file -------------------------------------------


def daily_folder(db: Database) -> Path:
    """Beside the database file, one folder per database: emar.sqlite -> emar-backups/."""
    path = db.sqlite_path
    assert path is not None
    return path.parent / f"{path.stem}-backups"


def list_daily(folder: Path) -> list[DailyBackup]:
    """Daily backups in `folder`, newest first."""
    found = []
    if folder.is_dir():
        for entry in folder.iterdir():
            m = DAILY_PATTERN.match(entry.name)
            if m:
                taken = datetime.strptime(m.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
                found.append(DailyBackup(entry, taken, entry.stat().st_size))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def prune_daily(folder: Path, retention_days: int, now: datetime) -> list[Path]:
    """Delete daily backups older than the retention, always keeping the newest."""
    backups = list_daily(folder)
    cutoff = now - timedelta(days=retention_days)
    gone = []
    for old in backups[1:]:
        if old.taken_at < cutoff:
            old.path.unlink(missing_ok=True)
            old.path.with_name(old.path.name + ".checkpoint.json").unlink(missing_ok=True)
            gone.append(old.path)
    return gone


def daily_backup_due(folder: Path, now: datetime) -> bool:
    newest = list_daily(folder)
    return not newest or now - newest[0].taken_at >= DAILY_EVERY


def _daily(db: Database, now: datetime, staff_id: int | None) -> BackupMade:
    folder = daily_folder(db)
    folder.mkdir(mode=0o700, exist_ok=True)
    made = make_backup(db, folder / f"emar-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.sqlite")
    write_checkpoint(db, made.path)
    with db.write() as session:
        retention = get_home(session).backup_retention_days
        gone = prune_daily(folder, retention, now)
        record_event(
            session,
            "backup.made",
            staff_id=staff_id,
            detail={"file": made.path.name, "bytes": made.size, "pruned": len(gone)},
        )
    return made


def run_daily_backup(db: Database, now: datetime) -> BackupMade | None:
    """Make the day's backup of a SQLite database if the last is a day old, then prune to the
    home's retention; None when not due (or the database is on a server)."""
    if not db.is_sqlite or not daily_backup_due(daily_folder(db), now):
        return None
    with db.read() as session:
        if not has_home(session):
            return None  # a new, empty database: nothing worth keeping yet
    return _daily(db, now, None)


def backup_now(db: Database, staff_id: int, now: datetime) -> BackupMade:
    """A manager's "Back up now": one more daily backup, straight away."""
    with db.read() as session:
        require(session, staff_id, Action.VERIFY_AUDIT)
    if not db.is_sqlite:
        raise BackupError(
            "This database is on a PostgreSQL server: IT backs it up with 'emar backup FILE' "
            "(pg_dump) on the server's schedule."
        )
    return _daily(db, now, staff_id)
