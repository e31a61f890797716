"""Files that hold personal data (exports, reports, backups) are created readable by their owner
only, and never over an existing file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO


def owner_only(path: str, flags: int) -> int:
    """An `opener` for open(): the file, if created, is mode 0600."""
    return os.open(path, flags, 0o600)


def create_new(path: Path) -> None:
    """Create an empty owner-only file; FileExistsError if one is there."""
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def open_new(path: Path, what: str) -> BinaryIO:
    """A new owner-only file to write `what` into; never over an existing file (ValueError
    subclass FileExistsError turned into a sentence the caller can show)."""
    try:
        return open(path, "xb", opener=owner_only)
    except FileExistsError:
        raise ExistingFile(f"{path} already exists; {what} never overwrites a file.") from None


class ExistingFile(FileExistsError):
    """The file to write is there already: nothing was written."""
