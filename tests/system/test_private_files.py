"""The one module that creates owner-only files: new files never overwrite, the database and
log files are created once and then left as they are, and a refusal is a sentence."""

from __future__ import annotations

import stat

import pytest

from emar.errors import EmarError
from emar.infra.private_files import ExistingFile, create_new, ensure_private_file, open_new


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_is_owner_only_whatever_the_umask(tmp_path):
    import os

    old = os.umask(0)  # a permissive umask must not widen what the file allows
    try:
        create_new(tmp_path / "a.backup", "a backup")
        with open_new(tmp_path / "b.pdf", "a report") as f:
            f.write(b"%PDF")
        ensure_private_file(tmp_path / "c.sqlite")
    finally:
        os.umask(old)
    assert [_mode(tmp_path / n) for n in ("a.backup", "b.pdf", "c.sqlite")] == [0o600] * 3


def test_a_new_file_never_overwrites_and_says_so_in_a_sentence(tmp_path):
    path = tmp_path / "sheet.pdf"
    path.write_bytes(b"kept")
    for make in (
        lambda: create_new(path, "a label sheet"),
        lambda: open_new(path, "a label sheet"),
    ):
        with pytest.raises(ExistingFile) as refused:
            make()
        # the command line shows it as it is; the app catches it as any OSError
        assert isinstance(refused.value, EmarError) and isinstance(refused.value, OSError)
        assert (
            str(refused.value) == f"{path} already exists; a label sheet never overwrites a file."
        )
    assert path.read_bytes() == b"kept"


def test_an_existing_database_or_log_file_is_left_as_it_is(tmp_path):
    path = tmp_path / "emar.sqlite"
    path.write_bytes(b"records")
    path.chmod(0o400)  # even one this process could not open for writing
    ensure_private_file(path)
    assert path.read_bytes() == b"records" and _mode(path) == 0o400
