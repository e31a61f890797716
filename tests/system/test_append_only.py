"""The database itself refuses to rewrite clinical and audit history (both backends)."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

TABLES = ["administration", "chart_line", "chart_line_event", "stock_movement", "audit_event"]


@pytest.mark.parametrize("table", TABLES)
def test_update_and_delete_are_refused(demo_db, table):
    with demo_db.read() as s:
        row_id = s.execute(text(f"SELECT min(id) FROM {table}")).scalar()
    if row_id is None:  # the demo home has no administrations yet: make one the plain way
        with demo_db.write() as s:
            s.execute(
                text(
                    "INSERT INTO administration (chart_line_id, scheduled_at, outcome, dose_given, "
                    "administered_at, recorded_at, staff_id) VALUES (1, '2026-01-01 08:00:00+00', "
                    "'given', 1, '2026-01-01 08:01:00+00', '2026-01-01 08:01:00+00', 1)"
                )
            )
        with demo_db.read() as s:
            row_id = s.execute(text(f"SELECT min(id) FROM {table}")).scalar()
    with demo_db.read() as s:
        before = s.execute(text(f"SELECT * FROM {table} WHERE id = :i"), {"i": row_id}).one()
    with pytest.raises(IntegrityError, match="append-only"), demo_db.write() as s:
        s.execute(text(f"UPDATE {table} SET id = id WHERE id = :i"), {"i": row_id})
    with pytest.raises(IntegrityError, match="append-only"), demo_db.write() as s:
        s.execute(text(f"DELETE FROM {table} WHERE id = :i"), {"i": row_id})
    with demo_db.read() as s:
        after = s.execute(text(f"SELECT * FROM {table} WHERE id = :i"), {"i": row_id}).one()
    assert after == before


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgresql)])
def test_truncate_is_refused_on_postgresql(demo_db):
    with pytest.raises(IntegrityError, match="append-only"), demo_db.write() as s:
        s.execute(text("TRUNCATE audit_event CASCADE"))
