"""The app's log file, for IT: what happened and what failed, never who the residents are.

Log lines carry ids and event names only. Personal data (names, NHS numbers, dates of birth,
notes, usernames) stays in the database, which is access-controlled; a log file is copied
around for support. SQLAlchemy is held at WARNING because at INFO it would write every SQL
statement with its parameters, residents' details included.
"""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from platformdirs import user_log_path

from emar.infra.private_files import ensure_private_file, owner_only

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET = ("sqlalchemy", "alembic", "psycopg", "PIL", "reportlab")


class OwnerOnlyRotatingFile(RotatingFileHandler):
    """Each new log file (the first, and every one after a rollover) is owner-only."""

    def _open(self):  # type: ignore[no-untyped-def]
        return open(self.baseFilename, self.mode, encoding=self.encoding, opener=owner_only)


def default_log_path() -> Path:
    return user_log_path("eMAR", appauthor=False) / "emar.log"


def configure_logging(path: Path | None = None, level: int = logging.INFO) -> Path:
    """Log to a rotating, owner-only file; returns its path."""
    path = path or default_log_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    ensure_private_file(path)
    handler = OwnerOnlyRotatingFile(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "emar_log", False)]:
        root.removeHandler(old)  # configured again (tests, a restart in-process): one file
        old.close()
    handler.emar_log = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    return path
