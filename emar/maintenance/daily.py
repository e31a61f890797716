"""The daily automatic backup of the SQLite file, beside it, pruned to the home's retention;
each with the audit chain's head beside it (a checkpoint)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from emar.infra.db import Database
from emar.infra.private_files import owner_only
from emar.maintenance.backup import BackupError, BackupMade, make_backup
from emar.services.audit import record_event
from emar.services.audit.checkpoints import audit_head
from emar.services.home import get_home, has_home
from emar.services.permissions import Action, require

DAILY_PATTERN = re.compile(r"^emar-(\d{8}T\d{6}Z)\.sqlite$")
DAILY_EVERY = timedelta(hours=24)


@dataclass(frozen=True)
class DailyBackup:
    path: Path
    taken_at: datetime
    size: int


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
