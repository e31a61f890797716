"""The database itself refuses to rewrite clinical and audit history (both backends)."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from emar.maintenance.safeguards import ALL_APPEND_ONLY

# A row made the plain way, for a table the demo home has none in yet.
PLAIN_ROWS = {
    "administration": "INSERT INTO administration (chart_line_id, scheduled_at, outcome, "
    "dose_given, administered_at, recorded_at, staff_id) VALUES (1, '2026-01-01 08:00:00+00', "
    "'given', 1, '2026-01-01 08:01:00+00', '2026-01-01 08:01:00+00', 1)",
    "resident_condition": "INSERT INTO resident_condition (resident_id, condition, status, "
    "recorded_by_id, recorded_at) VALUES (1, 'dementia', 'active', 1, '2026-01-01 09:00:00+00')",
    "resident_observation": "INSERT INTO resident_observation (resident_id, kind, value, unit, "
    "observed_at, recorded_by_id, recorded_at) VALUES (1, 'weight', 48.5, 'kg', "
    "'2026-01-01 09:00:00+00', 1, '2026-01-01 09:00:00+00')",
    "monitoring_plan": "INSERT INTO monitoring_plan (resident_id, kind, every_days, status, "
    "recorded_by_id, recorded_at) VALUES (1, 'inr', 28, 'active', 1, '2026-01-01 09:00:00+00')",
    "medication_review": "INSERT INTO medication_review (resident_id, pharmacist_id, signed_at, "
    "mode, participants) VALUES (1, 5, '2026-01-01 09:00:00+00', 'in person', 'Nina Patel')",
    "review_line_assessment": "INSERT INTO review_line_assessment (review_id, chart_line_id, "
    "assessment) VALUES ((SELECT min(id) FROM medication_review), 1, 'continue')",
    "recommendation": "INSERT INTO recommendation (resident_id, addressed_to, kind, text, "
    "created_by_id, created_at) VALUES (1, 'gp', 'stop', 'Stop it', 5, '2026-01-01 09:00:00+00')",
    "recommendation_event": "INSERT INTO recommendation_event (recommendation_id, status, "
    "staff_id, at) VALUES ((SELECT min(id) FROM recommendation), 'proposed', 5, "
    "'2026-01-01 09:00:00+00')",
    "medicine_order": "INSERT INTO medicine_order (cycle_start, made_by_id, made_at) VALUES "
    "('2026-06-15', 1, '2026-06-01 09:00:00+00')",
    "medicine_order_line": "INSERT INTO medicine_order_line (order_id, resident_id, chart_line_id,"
    " medicine_id, needed, in_stock, quantity, packs, note) SELECT (SELECT min(id) FROM "
    "medicine_order), resident_id, id, medicine_id, 56, 0, 56, 2, '56 doses' FROM chart_line "
    "WHERE id = (SELECT min(id) FROM chart_line)",
    "receipt_check": "INSERT INTO receipt_check (order_id, checked_by_id, checked_at) VALUES "
    "((SELECT min(id) FROM medicine_order), 1, '2026-06-14 09:00:00+00')",
    "receipt_check_line": "INSERT INTO receipt_check_line (receipt_check_id, chart_line_id, "
    "ordered, received, outcome, urgent, note) VALUES ((SELECT min(id) FROM receipt_check), "
    "(SELECT min(id) FROM chart_line), 56, 28, 'short', false, '28 short of the 56 ordered')",
    "return_batch": "INSERT INTO return_batch (made_at, made_by, pharmacy, digest) VALUES "
    "('2026-06-14 09:00:00+00', 'Nina Patel', 'Boots', 'x')",
    "return_batch_item": "INSERT INTO return_batch_item (return_batch_id, stock_movement_id) "
    "VALUES ((SELECT min(id) FROM return_batch), (SELECT min(id) FROM stock_movement))",
    "pack_price": "INSERT INTO pack_price (medicine_id, pack_size, price_pence, source, "
    "recorded_at) VALUES (1, 28, 120, 'entered', '2026-01-01 09:00:00+00')",
    "homely_remedy": "INSERT INTO homely_remedy (medicine_id, indication, dose_min, dose_max, "
    "min_interval_minutes, max_doses_24h, max_duration_hours, staff_id, recorded_at) VALUES "
    "((SELECT min(id) FROM medicine), 'Pain', 1, 2, 240, 4, 48, 1, '2026-01-01 09:00:00+00')",
    "homely_authorisation": "INSERT INTO homely_authorisation (kind, resident_id, remedy_id, "
    "chart_line_id, gp_name, authorised_on, review_date, max_duration_hours, staff_id, "
    "recorded_at) VALUES ('authorised', 1, (SELECT min(id) FROM homely_remedy), "
    "(SELECT min(id) FROM chart_line), 'Dr Shah', '2026-01-01', '2026-07-01', 48, 1, "
    "'2026-01-01 09:00:00+00')",
    "homely_stock": "INSERT INTO homely_stock (remedy_id, kind, quantity, staff_id, occurred_at, "
    "recorded_at) VALUES ((SELECT min(id) FROM homely_remedy), 'received', 32, 1, "
    "'2026-01-01 09:00:00+00', '2026-01-01 09:00:00+00')",
    "prn_outcome": "INSERT INTO prn_outcome (administration_id, effect, staff_id, recorded_at) "
    "VALUES ((SELECT min(id) FROM administration), 'effective', 1, '2026-01-01 09:00:00+00')",
}


def _first_row(db, table: str) -> int:
    with db.read() as s:
        row_id = s.execute(text(f"SELECT min(id) FROM {table}")).scalar()
    if row_id is None:
        if table == "prn_outcome":
            _first_row(db, "administration")
        if table == "review_line_assessment":
            _first_row(db, "medication_review")
        if table == "medicine_order_line":
            _first_row(db, "medicine_order")
        if table == "receipt_check":
            _first_row(db, "medicine_order")
        if table == "receipt_check_line":
            _first_row(db, "receipt_check")
        if table == "return_batch_item":
            _first_row(db, "return_batch")
        if table in ("homely_authorisation", "homely_stock"):
            _first_row(db, "homely_remedy")
        if table == "recommendation_event":
            _first_row(db, "recommendation")
        with db.write() as s:
            s.execute(text(PLAIN_ROWS[table]))
        with db.read() as s:
            row_id = s.execute(text(f"SELECT min(id) FROM {table}")).scalar()
    return int(row_id)


@pytest.mark.parametrize("table", ALL_APPEND_ONLY)  # every table the triggers protect
def test_update_and_delete_are_refused(demo_db, table):
    row_id = _first_row(demo_db, table)
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
