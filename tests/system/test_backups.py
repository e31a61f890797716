"""Backups and restores on both backends: a restore holds exactly what was backed up."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from emar.cli import main
from emar.demo.build import build_demo_home
from emar.errors import EmarError
from emar.infra.db import open_database
from emar.maintenance.backup import BackupError, make_backup
from emar.maintenance.daily import backup_now, daily_folder, list_daily, run_daily_backup
from emar.maintenance.export import canonical_export
from emar.maintenance.migrate import current_revision, head_revision, upgrade_to_head
from emar.maintenance.restore import restore_backup
from emar.models import AuditEvent
from emar.services.audit.verify import verify_trail
from emar.services.home import get_home, set_backup_retention
from tests.support.homes import Home


def _url(db) -> str:
    return db.url.render_as_string(hide_password=False)


def _owner_only(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) == 0o600


def test_backup_then_restore_holds_exactly_the_same_records(demo_db, empty_url, tmp_path):
    with demo_db.read() as s:
        before = canonical_export(s)
    made = make_backup(demo_db, tmp_path / "home.backup")
    assert made.path.exists() and made.size > 0
    assert _owner_only(made.path)

    restored = restore_backup(made.path, empty_url)
    with restored.read() as s:
        after = canonical_export(s)
        report = verify_trail(s)
    restored.dispose()
    assert after == before
    # not an empty comparison: the demo home is in both
    assert len(after["tables"]["resident"]) == 22
    assert len(after["tables"]["chart_line"]) > 20
    assert len(after["tables"]["audit_event"]) > 0
    assert report.ok, report.problems


def test_cli_backup_restore_round_trip(demo_db, empty_url, tmp_path, capsys):
    out = tmp_path / "cli.backup"
    assert main(["backup", str(out), "--db", _url(demo_db)]) == 0
    assert "Backup written" in capsys.readouterr().out
    assert main(["restore", str(out), "--db", empty_url]) == 0
    said = capsys.readouterr().out
    assert "audit trail verified" in said
    restored = open_database(empty_url, create=False)
    assert current_revision(restored) == head_revision()
    with restored.read() as s:
        actions = s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    restored.dispose()
    assert actions[-1] == "backup.restored"
    with demo_db.read() as s:  # the backup itself is audited in the source, after the copy
        last = s.scalars(select(AuditEvent.action).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert last == "backup.made"


def test_backup_never_overwrites(demo_db, tmp_path):
    existing = tmp_path / "exists.backup"
    existing.write_text("keep me")
    with pytest.raises(BackupError, match="never overwrites"):
        make_backup(demo_db, existing)
    assert existing.read_text() == "keep me"
    assert not list(tmp_path.glob("*.partial"))


def test_restore_refuses_a_database_with_data_and_changes_nothing(demo_db, db, tmp_path):
    made = make_backup(demo_db, tmp_path / "x.backup")
    with db.read() as s:
        before = canonical_export(s)
    with pytest.raises(BackupError, match="not empty"):
        restore_backup(made.path, _url(db))
    with db.read() as s:
        assert canonical_export(s) == before


def test_restore_refuses_a_file_that_is_not_a_backup(empty_url, tmp_path, capsys):
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"PK\x03\x04 this is a zip, not a backup" * 10)
    assert main(["restore", str(junk), "--db", empty_url]) == 1
    assert "not an eMAR backup" in capsys.readouterr().err


def test_a_backup_goes_back_into_its_own_kind_of_database(backend, empty_url, tmp_path):
    src = open_database(f"sqlite:///{tmp_path / 'small.sqlite'}")
    upgrade_to_head(src, backup=False)
    made = make_backup(src, tmp_path / "small.backup")
    src.dispose()
    if backend == "postgresql":
        with pytest.raises(BackupError, match="SQLite backup"):
            restore_backup(made.path, empty_url)
    else:
        restored = restore_backup(made.path, empty_url)
        assert current_revision(restored) == head_revision()
        restored.dispose()


def test_a_damaged_sqlite_backup_is_refused(tmp_path):
    src = open_database(f"sqlite:///{tmp_path / 'home.sqlite'}")
    upgrade_to_head(src, backup=False)
    with src.write() as s:
        build_demo_home(s, datetime.now(UTC))
    made = make_backup(src, tmp_path / "damaged.backup")
    src.dispose()
    data = bytearray(made.path.read_bytes())
    for i in range(8192, len(data), 4096):  # scribble over every page after the first two
        data[i + 100 : i + 300] = b"\xff" * 200
    made.path.write_bytes(bytes(data))
    target = tmp_path / "target.sqlite"
    with pytest.raises(BackupError, match="integrity check"):
        restore_backup(made.path, f"sqlite:///{target}")


def test_daily_backup_once_a_day_kept_for_the_retention(backend, demo_db):
    now = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    if not demo_db.is_sqlite:
        assert run_daily_backup(demo_db, now) is None  # PostgreSQL is backed up on the server
        return
    first = run_daily_backup(demo_db, now)
    assert first is not None and _owner_only(first.path)
    assert stat.S_IMODE(daily_folder(demo_db).stat().st_mode) == 0o700
    assert run_daily_backup(demo_db, now + timedelta(hours=23)) is None  # not a day yet
    home = Home(demo_db)
    with demo_db.write() as s:
        set_backup_retention(s, home.staff["mark"], 3)
    for day in range(1, 8):
        assert run_daily_backup(demo_db, now + timedelta(days=day)) is not None
    kept = list_daily(daily_folder(demo_db))
    newest = now + timedelta(days=7)
    assert [b.taken_at for b in kept] == [newest - timedelta(days=d) for d in range(4)]
    with demo_db.read() as s:
        made = s.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "backup.made")
        )
    assert made == 8


def test_backup_now_needs_the_right_role(backend, demo_db):
    home = Home(demo_db)
    now = datetime.now(UTC)
    with pytest.raises(EmarError, match="may not"):
        backup_now(demo_db, home.staff["amy"], now)  # a carer
    if demo_db.is_sqlite:
        made = backup_now(demo_db, home.staff["mark"], now)
        assert made.path.parent == daily_folder(demo_db)
    else:
        with pytest.raises(BackupError, match="PostgreSQL server"):
            backup_now(demo_db, home.staff["mark"], now)


def test_retention_must_be_sensible_and_is_audited(demo_db):
    home = Home(demo_db)
    with pytest.raises(EmarError, match="between 1 and 3650"), demo_db.write() as s:
        set_backup_retention(s, home.staff["mark"], 0)
    with pytest.raises(EmarError, match="may not"), demo_db.write() as s:
        set_backup_retention(s, home.staff["amy"], 10)
    with demo_db.write() as s:
        set_backup_retention(s, home.staff["mark"], 60)
    with demo_db.read() as s:
        assert get_home(s).backup_retention_days == 60
        last = s.execute(
            select(AuditEvent.action, AuditEvent.detail).order_by(AuditEvent.id.desc()).limit(1)
        ).one()
    assert last.action == "settings.changed" and '"after":60' in last.detail


def test_export_is_owner_only_complete_and_never_overwrites(demo_db, tmp_path, capsys):
    out = tmp_path / "export.json"
    assert main(["export", "--out", str(out), "--db", _url(demo_db)]) == 0
    assert _owner_only(out)
    data = json.loads(out.read_text())
    with demo_db.read() as s:
        events = s.scalar(select(func.count()).select_from(AuditEvent))
    assert data["format"] == "emar-canonical-export/1"
    assert len(data["tables"]["resident"]) == 22
    assert len(data["tables"]["audit_event"]) == events - 1  # the export's own event is after
    capsys.readouterr()
    assert main(["export", "--out", str(out), "--db", _url(demo_db)]) == 1
    assert "never overwrites" in capsys.readouterr().err


def test_no_daily_backup_of_a_database_without_a_home_yet(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'new.sqlite'}")
    upgrade_to_head(db, backup=False)
    assert run_daily_backup(db, datetime(2026, 11, 1, tzinfo=UTC)) is None
    assert list_daily(daily_folder(db)) == []
    db.dispose()


def _without_safeguards(db) -> None:
    """What an insider does first: take the append-only triggers away."""
    with db.engine.begin() as conn:
        if db.is_sqlite:
            names = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            for name in list(names.scalars()):
                conn.exec_driver_sql(f"DROP TRIGGER {name}")
        else:
            conn.exec_driver_sql("DROP TRIGGER administration_append_only ON administration")


def test_a_backup_taken_after_the_safeguards_were_removed_is_refused(
    backend, demo_db, empty_url, tmp_path, capsys
):
    _without_safeguards(demo_db)
    out = tmp_path / "no-triggers.backup"
    assert main(["backup", str(out), "--db", _url(demo_db)]) == 0
    capsys.readouterr()
    assert main(["restore", str(out), "--db", empty_url]) == 1
    assert "lacks the append-only safeguards" in capsys.readouterr().err
    target = open_database(empty_url)
    assert not __import__("sqlalchemy").inspect(target.engine).get_table_names()
    target.dispose()


def test_a_backup_whose_audit_trail_fails_is_refused_and_nothing_stays(
    backend, demo_db, empty_url, tmp_path, capsys
):
    with demo_db.engine.begin() as conn:  # a changed record, the safeguards put back after
        if demo_db.is_sqlite:
            conn.exec_driver_sql("DROP TRIGGER chart_line_no_update")
            conn.exec_driver_sql("UPDATE chart_line SET dose_max = 9 WHERE id = 1")
            conn.exec_driver_sql(
                "CREATE TRIGGER chart_line_no_update BEFORE UPDATE ON chart_line BEGIN "
                "SELECT RAISE(ABORT, 'chart_line is append-only'); END"
            )
        else:
            conn.exec_driver_sql("SET session_replication_role = replica")
            conn.exec_driver_sql("UPDATE chart_line SET dose_max = 9 WHERE id = 1")
    out = tmp_path / "tampered.backup"
    assert main(["backup", str(out), "--db", _url(demo_db)]) == 0
    capsys.readouterr()
    assert main(["restore", str(out), "--db", empty_url]) == 1
    err = capsys.readouterr().err
    assert "audit trail is BROKEN (chart_line 1 was changed)" in err
    assert "nothing was restored" in err
    if backend == "sqlite":
        assert not Path(empty_url.removeprefix("sqlite:///")).exists()
    else:
        target = open_database(empty_url)
        assert not __import__("sqlalchemy").inspect(target.engine).get_table_names()
        target.dispose()


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_dump_of_another_database_is_refused(demo_db, empty_url, tmp_path, capsys):
    import subprocess

    from emar.maintenance.backup import libpq, pg_tool

    with demo_db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE not_emar (x int)")
        conn.exec_driver_sql("DROP TABLE alembic_version")
    conninfo, env = libpq(demo_db.url)
    out = tmp_path / "foreign.dump"
    subprocess.run(
        [str(pg_tool("pg_dump")), "-Fc", "-t", "not_emar", f"--dbname={conninfo}", "-f", str(out)],
        env=env,
        check=True,
    )
    assert main(["restore", str(out), "--db", empty_url]) == 1
    assert "not of an eMAR database" in capsys.readouterr().err
    target = open_database(empty_url)
    assert "not_emar" not in __import__("sqlalchemy").inspect(target.engine).get_table_names()
    target.dispose()


def test_restore_puts_the_real_safeguards_back_whatever_the_backup_held(
    backend, demo_db, empty_url, tmp_path
):
    """A trigger of the right name that does nothing is replaced by the real one."""
    with demo_db.engine.begin() as conn:
        if demo_db.is_sqlite:
            conn.exec_driver_sql("DROP TRIGGER chart_line_no_update")
            conn.exec_driver_sql(
                "CREATE TRIGGER chart_line_no_update BEFORE UPDATE ON chart_line WHEN 0 "
                "BEGIN SELECT 1; END"
            )
        else:
            conn.exec_driver_sql(
                "CREATE OR REPLACE FUNCTION emar_refuse_change() RETURNS trigger "
                "LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$"
            )
    out = tmp_path / "hollow.backup"
    make_backup(demo_db, out)
    restored = restore_backup(out, empty_url)
    with pytest.raises(Exception, match="append-only"), restored.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE chart_line SET dose_max = 9 WHERE id = 1")
    restored.dispose()
