"""Restoring a backup: into an empty database only, so nothing is overwritten; a backup whose
append-only safeguards were removed, or that is not of an eMAR database, is refused. A restore
is brought to the current schema and its audit trail verified; one whose trail is broken is
discarded (`restore_checked`).
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect

from emar.infra.db import Database, open_database
from emar.maintenance.backup import (
    BackupError,
    libpq,
    online_copy,
    pg_tool,
    run_pg,
    sqlite_integrity,
)
from emar.maintenance.migrate import current_revision, upgrade_to_head
from emar.maintenance.safeguards import recreate_safeguards, require_safeguards
from emar.services.audit import record_event
from emar.services.audit.verify import verify_trail

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


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


def restore_backup(src: Path, target_url: str) -> Database:
    """Restore `src` into the empty database at `target_url`; returns it opened.

    The caller brings it to the current schema and verifies the audit trail."""
    kind = backup_kind(src)
    db = open_database(target_url, create=True)
    if inspect(db.engine).get_table_names():
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
        return _restore_sqlite(src, db, target_url)
    _restore_pg_dump(src, db)
    return db


def _restore_sqlite(src: Path, db: Database, target_url: str) -> Database:
    verdict = sqlite_integrity(src)
    if verdict != "ok":
        raise BackupError(f"{src} failed its integrity check ({verdict}); nothing restored.")
    with closing(sqlite3.connect(f"file:{src}?mode=ro", uri=True)) as check:
        tables = {r[0] for r in check.execute("SELECT name FROM sqlite_master")}
    if "alembic_version" not in tables or "audit_event" not in tables:
        raise BackupError(f"{src} is a SQLite file but not an eMAR database.")
    require_safeguards(tables, src, sqlite=True)
    db.dispose()
    target = db.sqlite_path
    assert target is not None
    online_copy(src, target)
    restored = open_database(target_url, create=False)
    recreate_safeguards(restored)
    return restored


def _restore_pg_dump(src: Path, db: Database) -> None:
    conninfo, env = libpq(db.url)
    listing = run_pg([str(pg_tool("pg_restore")), "--list", str(src)], env, "pg_restore --list")
    names = set(re.findall(r"(?:TABLE|TRIGGER) public (\w+)", listing))
    names |= set(re.findall(r"TRIGGER public \w+ (\w+)", listing))
    if "alembic_version" not in names or "audit_event" not in names:
        db.dispose()
        raise BackupError(f"{src} is a PostgreSQL dump but not of an eMAR database.")
    require_safeguards(names, src, sqlite=False)
    run_pg(
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


@dataclass(frozen=True)
class Restored:
    db: Database
    schema_was: str | None  # the backup's schema revision
    schema_now: str | None
    events: int  # audit events verified


def restore_checked(src: Path, target_url: str) -> Restored:
    """Restore `src` into the empty database at `target_url`, upgrade it, record the restore
    and verify the audit trail; a broken trail discards the restore (BackupError) so no one
    works on records that cannot be trusted."""
    db = restore_backup(src, target_url)
    schema_was = current_revision(db)
    upgrade_to_head(db, backup=False)
    with db.write() as session:
        record_event(session, "backup.restored", detail={"file": src.name, "schema": schema_was})
    with db.read() as session:
        report = verify_trail(session)
    if not report.ok:
        discard_restored(db)
        raise BackupError(
            f"the backup's audit trail is BROKEN ({report.problems[0]}): its records cannot "
            "be trusted, so nothing was restored."
        )
    return Restored(db, schema_was, current_revision(db), report.events)
