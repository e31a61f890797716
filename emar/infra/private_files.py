"""Files that hold personal data (the database, the log, backups, exports, reports, labels) are
created readable by their owner only. The one place in eMAR that creates such a file.

A file made for one job (a backup, an export, a report) is new: never written over an
existing file. The database and the log file are opened again at every start, so an existing
one is left as it is.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from emar.errors import EmarError

OWNER_ONLY = 0o600


class ExistingFile(EmarError, FileExistsError):
    """The file to write is there already: nothing was written. The message says so."""


def owner_only(path: str, flags: int) -> int:
    """An `opener` for open(): the file, if created, is mode 0600."""
    return os.open(path, flags, OWNER_ONLY)


def never_overwrites(path: Path, what: str) -> str:
    return f"{path} already exists; {what} never overwrites a file."


def create_new(path: Path, what: str = "eMAR") -> None:
    """Create an empty owner-only file for `what` to fill; ExistingFile if one is there."""
    try:
        os.close(owner_only(str(path), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        raise ExistingFile(never_overwrites(path, what)) from None


def open_new(path: Path, what: str) -> BinaryIO:
    """A new owner-only file to write `what` into; ExistingFile if one is there."""
    try:
        return open(path, "xb", opener=owner_only)
    except FileExistsError:
        raise ExistingFile(never_overwrites(path, what)) from None


def ensure_private_file(path: Path) -> None:
    """Create `path` empty and owner-only unless it is there; an existing file is left as it
    is (not even opened: a read-only database is reported later, in words)."""
    if not path.exists():
        os.close(owner_only(str(path), os.O_CREAT | os.O_WRONLY))
