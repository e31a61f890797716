"""Migrations: the models match head, and every revision upgrades and downgrades (both backends)."""

import sqlite3

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from emar.infra.db import open_database
from emar.maintenance.migrate import (
    _config,
    copy_before_upgrade,
    current_revision,
    downgrade,
    head_revision,
    upgrade,
    upgrade_to_head,
)
from emar.models import Base
from emar.services.residents.reading import count_residents


def _revisions_base_to_head() -> list[str]:
    script = ScriptDirectory.from_config(_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def test_models_match_the_head_schema(empty_url):
    db = open_database(empty_url)
    upgrade_to_head(db)
    with db.engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    db.dispose()
    assert diff == []


def test_every_revision_upgrades_and_downgrades_step_by_step(empty_url):
    db = open_database(empty_url)
    revisions = _revisions_base_to_head()
    assert revisions[-1] == head_revision()
    previous = "base"
    for rev in revisions:
        upgrade(db, rev)
        assert current_revision(db) == rev
        downgrade(db, previous)  # and back down: the downgrade of each step works
        assert current_revision(db) == (None if previous == "base" else previous)
        upgrade(db, rev)
        previous = rev
    downgrade(db, "base")
    tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    db.dispose()
    assert tables == set()


def test_upgrade_at_head_changes_nothing_and_makes_no_backup(demo_db):
    assert upgrade_to_head(demo_db) is None
    with demo_db.read() as s:
        assert count_residents(s) == 22


def test_sqlite_backup_is_a_complete_private_copy(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'home.sqlite'}")
    upgrade_to_head(db)
    copy = copy_before_upgrade(db, "before-upgrade-from-test")
    assert copy.parent == tmp_path and "before-upgrade-from-test" in copy.name
    assert copy.stat().st_mode & 0o077 == 0
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        codes = conn.execute("SELECT count(*) FROM not_given_code").fetchone()[0]
    assert codes == 12  # the default set of domain.md plus X (entered in error)
    db.dispose()


def test_app_upgrade_backs_up_an_older_sqlite_database_first(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'home.sqlite'}")
    older = _revisions_base_to_head()[-2]
    upgrade(db, older)
    with db.write() as s:
        s.execute(
            text(
                "INSERT INTO care_home (name, time_zone, dose_window_minutes, "
                "time_critical_window_minutes, idle_lock_minutes, created_at) VALUES "
                "('Before', 'Europe/London', 60, 30, 3, '2026-01-01 00:00:00')"
            )
        )
    backup = upgrade_to_head(db)
    assert current_revision(db) == head_revision()
    assert backup is not None and f"before-upgrade-from-{older}" in backup.name
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT name FROM care_home").fetchone() == ("Before",)
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (older,)
    db.dispose()


def test_each_upgrade_keeps_a_home_whose_rows_reference_each_other(empty_url):
    """Upgrading a real home (units and staff pointing at the care_home row) keeps every row:
    a migration that rebuilt a referenced table would trip the foreign keys here."""
    db = open_database(empty_url)
    revisions = _revisions_base_to_head()
    upgrade(db, revisions[0])
    with db.write() as s:
        home_id = s.execute(
            text(
                "INSERT INTO care_home (name, time_zone, dose_window_minutes, "
                "time_critical_window_minutes, idle_lock_minutes, created_at) VALUES "
                "('Before', 'Europe/London', 60, 30, 3, '2026-01-01 00:00:00') RETURNING id"
            )
        ).scalar_one()
        s.execute(text("INSERT INTO unit (home_id, name) VALUES (:h, 'Rose')"), {"h": home_id})
    for revision in revisions[1:]:
        upgrade(db, revision)
        with db.read() as s:
            assert s.execute(text("SELECT name FROM unit")).scalars().all() == ["Rose"]
    with db.read() as s:
        retention = s.execute(text("SELECT backup_retention_days FROM care_home")).scalar_one()
    assert retention == 30
    db.dispose()


def test_a_home_upgraded_from_before_full_coverage_is_vouched_for_then_watched(empty_url):
    """Records made before the chain covered every clinical record (schema 0004) get no
    digest of their own; upgrading vouches for them as they stand, and from then on a change
    made behind eMAR's back is found."""
    from emar.maintenance.migrate import upgrade_to_head
    from emar.services.audit.verify import verify_trail

    db = open_database(empty_url)
    upgrade(db, "0004")
    with db.write() as s:
        home = s.execute(
            text(
                "INSERT INTO care_home (name, time_zone, dose_window_minutes, "
                "time_critical_window_minutes, idle_lock_minutes, created_at) VALUES "
                "('Before', 'Europe/London', 60, 30, 3, '2026-01-01 00:00:00') RETURNING id"
            )
        ).scalar_one()
        s.execute(
            text(
                "INSERT INTO staff (username, full_name, initials, role, password_hash, active, "
                "created_at) VALUES ('old', 'Old Hand', 'OH', 'nurse', 'x', :t, "
                "'2026-01-01 00:00:00')"
            ),
            {"t": True},
        )
    assert home
    upgrade_to_head(db, backup=False)
    with db.read() as s:
        assert verify_trail(s).ok
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE staff SET role = 'manager' WHERE username = 'old'"))
    with db.read() as s:
        assert "staff 1 was changed" in verify_trail(s).problems
    db.dispose()
