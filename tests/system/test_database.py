"""The engine factory: SQLite settings, transaction modes, and clear errors for bad databases."""

import sqlite3
import threading

import pytest
from sqlalchemy import text

import emar.infra.db
from emar.errors import DatabaseUnavailable
from emar.infra.config import resolve_db_url
from emar.infra.db import Database, open_database, parse_db_url
from emar.maintenance.migrate import upgrade_to_head


@pytest.fixture
def sqlite_db(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'emar.sqlite'}")
    upgrade_to_head(db)
    yield db
    db.dispose()


def test_sqlite_runs_in_wal_with_full_sync_and_foreign_keys(sqlite_db):
    with sqlite_db.read() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert s.execute(text("PRAGMA busy_timeout")).scalar() == emar.infra.db.BUSY_TIMEOUT_MS


def test_database_file_is_private_to_its_owner(sqlite_db):
    assert sqlite_db.sqlite_path.stat().st_mode & 0o077 == 0


def test_write_transactions_take_the_write_lock_at_begin(sqlite_db):
    other = sqlite3.connect(sqlite_db.sqlite_path, timeout=0, isolation_level=None)
    with sqlite_db.write() as s:
        s.execute(text("SELECT 1"))  # no write yet, but BEGIN IMMEDIATE already holds the lock
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")  # free again after commit
    other.execute("ROLLBACK")
    other.close()


def test_reads_do_not_wait_for_a_writer(sqlite_db):
    started, release = threading.Event(), threading.Event()

    def writer():
        with sqlite_db.write() as s:
            s.execute(text("UPDATE care_home SET name = 'x' WHERE id = -1"))
            started.set()
            release.wait(5)

    thread = threading.Thread(target=writer)
    thread.start()
    assert started.wait(5)
    try:
        with sqlite_db.read() as s:
            assert s.execute(text("SELECT count(*) FROM not_given_code")).scalar() == 12
    finally:
        release.set()
        thread.join()


def test_a_failed_write_rolls_back_everything(sqlite_db):
    with pytest.raises(RuntimeError), sqlite_db.write() as s:
        s.execute(
            text(
                "INSERT INTO care_home (name, time_zone, dose_window_minutes, "
                "time_critical_window_minutes, idle_lock_minutes, created_at) "
                "VALUES ('Half done', 'Europe/London', 60, 30, 3, '2026-01-01')"
            )
        )
        raise RuntimeError("power cut")
    with sqlite_db.read() as s:
        assert s.execute(text("SELECT count(*) FROM care_home")).scalar() == 0


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "not valid"),
        ("mysql://u@h/db", "SQLite or PostgreSQL"),
        ("sqlite://", "needs a file path"),
        ("sqlite:///:memory:", "needs a file path"),
    ],
)
def test_bad_urls_give_one_clear_message(url, message):
    with pytest.raises(DatabaseUnavailable, match=message):
        parse_db_url(url)


def test_postgres_urls_use_psycopg3():
    assert parse_db_url("postgresql://u:p@h:5/db").drivername == "postgresql+psycopg"


def test_unreachable_postgres_is_a_clear_message():
    with pytest.raises(DatabaseUnavailable, match="Cannot reach the database server"):
        open_database("postgresql://emar@127.0.0.1:1/emar")


def test_corrupt_sqlite_file_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "broken.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DatabaseUnavailable, match="damaged or not SQLite"):
        open_database(f"sqlite:///{path}")
    assert path.read_bytes() == b"this is not a database" * 100


def test_missing_folder_is_a_clear_message(tmp_path):
    with pytest.raises(DatabaseUnavailable, match="does not exist"):
        Database(f"sqlite:///{tmp_path / 'nowhere' / 'x.sqlite'}")


def test_missing_file_is_not_created_unless_asked(tmp_path):
    with pytest.raises(DatabaseUnavailable, match="emar init"):
        Database(f"sqlite:///{tmp_path / 'x.sqlite'}", create=False)
    assert not (tmp_path / "x.sqlite").exists()


@pytest.mark.parametrize("fstype", ["nfs4", "cifs", "smb3"])
def test_sqlite_on_a_network_share_is_refused(tmp_path, monkeypatch, fstype):
    monkeypatch.setattr(emar.infra.db, "_mount_fstype", lambda _path: fstype)
    with pytest.raises(DatabaseUnavailable, match="network share"):
        Database(f"sqlite:///{tmp_path / 'x.sqlite'}")
    assert not (tmp_path / "x.sqlite").exists()


def test_unc_path_is_refused():
    with pytest.raises(DatabaseUnavailable, match="network share"):
        emar.infra.db.check_sqlite_path(emar.infra.db.Path("//server/share/emar.sqlite"))


def test_local_disk_is_accepted(tmp_path):
    emar.infra.db.check_sqlite_path(tmp_path / "x.sqlite")  # raises if refused
    assert emar.infra.db._mount_fstype(tmp_path) not in emar.infra.db.NETWORK_FILESYSTEMS


def test_url_choice_order(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "fresh-home"))
    monkeypatch.setenv("EMAR_DB_URL", "sqlite:////env.sqlite")
    assert resolve_db_url("sqlite:////cli.sqlite") == "sqlite:////cli.sqlite"
    assert resolve_db_url(None) == "sqlite:////env.sqlite"
    monkeypatch.delenv("EMAR_DB_URL")
    default = resolve_db_url(None)
    assert default == f"sqlite:///{tmp_path / 'fresh-home' / 'eMAR' / 'emar.sqlite'}"
    assert (tmp_path / "fresh-home" / "eMAR").is_dir()  # created on first run


def test_a_folder_that_cannot_be_written_is_one_clear_line_not_a_traceback(tmp_path):
    """A read-only mount (made for real where this machine lets root mount one) and a folder
    no one may write in (/proc): the real command says why in one line and exits 1."""
    import subprocess
    import sys

    places = ["/proc/1/emar.sqlite"]
    mount = tmp_path / "ro"
    mount.mkdir()
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(mount)], capture_output=True
        ).returncode
        == 0
    )
    if mounted:
        places.append(str(mount / "emar.sqlite"))
    try:
        for place in places:
            done = subprocess.run(
                [sys.executable, "-m", "emar.cli", "--db", f"sqlite:///{place}", "init"],
                capture_output=True,
                text=True,
            )
            assert done.returncode == 1, done
            assert "Traceback" not in done.stderr
            lines = done.stderr.strip().splitlines()
            assert len(lines) == 1 and "cannot be written to" in lines[0], done.stderr
    finally:
        if mounted:
            subprocess.run(["umount", str(mount)], check=True)
