"""Bring a database to the current schema (Alembic head), backing up a SQLite file first."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import DBAPIError

from emar.errors import DatabaseUnavailable
from emar.infra.db import Database, describe_db_error
from emar.infra.resources import shipped_folder
from emar.maintenance.backup import checked_sqlite_backup
from emar.services.audit.bulk import vouch_for_existing_records


def migrations_dir() -> Path:
    return shipped_folder("migrations", "env.py")


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def copy_before_upgrade(db: Database, label: str) -> Path:
    """A checked copy of the SQLite file beside it (`NAME.LABEL.TIMESTAMP.bak.sqlite`), made
    before its schema changes: the same checked backup as `emar backup` makes."""
    src_path = db.sqlite_path
    assert src_path is not None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    dest = src_path.with_name(f"{src_path.stem}.{label}.{stamp}.bak{src_path.suffix}")
    return checked_sqlite_backup(db, dest).path


def upgrade_to_head(db: Database, *, backup: bool = True) -> Path | None:
    """Upgrade to head. Returns the backup made (SQLite with data in it), if any."""
    try:
        current = current_revision(db)
        if current == head_revision():
            return None
        made = None
        if backup and db.is_sqlite and current is not None:
            made = copy_before_upgrade(db, f"before-upgrade-from-{current}")
        _run(db, "upgrade", "head")
        if current is not None:  # a home made before the chain covered every record
            with db.write() as session:
                vouch_for_existing_records(session)
        return made
    except DBAPIError as exc:
        raise DatabaseUnavailable(describe_db_error(exc, db.url)) from None


def upgrade(db: Database, revision: str) -> None:
    _run(db, "upgrade", revision)


def downgrade(db: Database, revision: str) -> None:
    _run(db, "downgrade", revision)


def _run(db: Database, verb: str, revision: str) -> None:
    cfg = _config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, verb)(cfg, revision)
