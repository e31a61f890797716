"""`emar audit verify` names the first broken row when records are changed or deleted directly in
SQL, bypassing the append-only triggers the way each backend allows (both backends)."""

from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import text

from emar.cli import main
from emar.services.round.recording import record_given, record_not_given
from tests.support.homes import Home, local

DAY = date(2026, 6, 10)


def _record_some(db):
    home = Home(db)
    at = local(DAY, 8, 5)
    with db.write() as s:
        record_given(s, home.intent("Mary Jones", "Amlodipine", at), at)
        record_not_given(
            s,
            resident_id=home.residents["Edith Baker"],
            chart_line_id=home.line("Edith Baker", "Furosemide"),
            staff_id=home.staff["amy"],
            code="R",
            now=at,
            scheduled_at=local(DAY, 8, 0),
        )


@contextmanager
def tamperer(db):
    """A connection that gets round the triggers, as someone with the database files might."""
    with db.engine.connect() as conn:
        if db.is_sqlite:
            names = conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            ).scalars()
            for trigger in list(names):
                conn.exec_driver_sql(f"DROP TRIGGER {trigger}")
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        else:
            conn.exec_driver_sql("SET session_replication_role = replica")
        yield conn
        conn.commit()


def verify(db, capsys):
    code = main(["--db", db.url.render_as_string(hide_password=False), "audit", "verify"])
    out, err = capsys.readouterr()
    return code, out, err


def test_an_untouched_trail_verifies(home_db, capsys):
    _record_some(home_db)
    code, out, _ = verify(home_db, capsys)
    assert code == 0 and "clinical records" in out and "match what was recorded" in out


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        ("UPDATE administration SET dose_given = 2 WHERE id = 1", "administration 1 was changed"),
        ("DELETE FROM administration WHERE id = 2", "administration 2 was deleted"),
        (
            "UPDATE audit_event SET detail = '{}' WHERE id = (SELECT max(id) FROM audit_event)",
            "was changed",
        ),
        (
            "DELETE FROM audit_event WHERE id = (SELECT min(id) + 1 FROM audit_event)",
            "the row before it was removed or changed",
        ),
        (  # a dose slipped into the stock book behind eMAR's back
            "INSERT INTO stock_movement (resident_id, medicine_id, chart_line_id, kind, quantity,"
            " staff_id, occurred_at) SELECT resident_id, medicine_id, chart_line_id, 'received',"
            " 100, staff_id, occurred_at FROM stock_movement WHERE id = 1",
            "is not in the audit trail",
        ),
        ("UPDATE staff SET role = 'manager' WHERE username = 'amy'", "staff 1 was changed"),
        ("UPDATE chart_line SET dose_max = 9 WHERE id = 1", "chart_line 1 was changed"),
        ("DELETE FROM allergy WHERE id = 1", "allergy 1 was deleted"),
    ],
)
def test_tampering_is_named(home_db, capsys, sql, named):
    _record_some(home_db)
    with tamperer(home_db) as conn:
        conn.execute(text(sql))
    code, _, err = verify(home_db, capsys)
    assert code == 1
    assert err.startswith("emar: audit trail BROKEN: ") and named in err.splitlines()[0]


def test_entries_made_before_late_entries_existed_keep_their_digest():
    """Migration 0005 added administration.late_entry_reason: a row without one digests exactly
    as it did before the column existed, so older audit trails still verify."""
    import hashlib
    import json
    from datetime import UTC, datetime
    from decimal import Decimal

    from emar.models import Administration
    from emar.services.audit.digests import row_digest

    entry = Administration(
        id=7,
        chart_line_id=3,
        outcome="given",
        dose_given=Decimal("1.000"),
        administered_at=datetime(2026, 6, 10, 7, 3, tzinfo=UTC),
        recorded_at=datetime(2026, 6, 10, 7, 3, tzinfo=UTC),
        staff_id=1,
    )
    body = {
        c.key: getattr(entry, c.key)
        for c in Administration.__table__.columns
        if c.key != "late_entry_reason"
    }
    body.update(
        dose_given="1",
        administered_at="2026-06-10T07:03:00.000000+00:00",
        recorded_at="2026-06-10T07:03:00.000000+00:00",
    )
    before = hashlib.sha256(
        json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    assert row_digest(entry) == before
    entry.late_entry_reason = "recorded on paper"
    assert row_digest(entry) != before


def test_cutting_the_end_off_the_trail_is_found_by_a_checkpoint(home_db, capsys, tmp_path):
    """With the triggers out of the way, deleting the last rows (or rewriting and re-chaining
    them) leaves a trail that is whole in itself. A checkpoint kept outside finds it."""
    _record_some(home_db)
    url = home_db.url.render_as_string(hide_password=False)
    kept = tmp_path / "head.json"
    assert main(["--db", url, "audit", "checkpoint", "--out", str(kept)]) == 0
    assert oct(kept.stat().st_mode)[-3:] == "600"
    assert verify(home_db, capsys)[0] == 0
    assert main(["--db", url, "audit", "verify", "--checkpoint", str(kept)]) == 0
    assert "reaching 1 checkpoint" in capsys.readouterr().out
    with tamperer(home_db) as conn:  # the last transaction, all of it, gone
        for sql in (
            "DELETE FROM stock_movement WHERE id = (SELECT max(id) FROM stock_movement)",
            "DELETE FROM administration WHERE id > (SELECT max(id) - 2 FROM administration)",
            "DELETE FROM audit_event WHERE id > (SELECT max(id) - 3 FROM audit_event)",
        ):
            conn.execute(text(sql))
    assert verify(home_db, capsys)[0] == 0  # in itself, the shortened chain still links
    assert main(["--db", url, "audit", "verify", "--checkpoint", str(kept)]) == 1
    err = capsys.readouterr().err
    assert "the trail was cut short" in err.splitlines()[0]


def test_reports_and_daily_backups_carry_the_chain_head(home_db, tmp_path):
    from emar.maintenance.daily import write_checkpoint
    from emar.reports.data import Scope
    from emar.reports.run import ReportKind, ReportRequest, make_report
    from emar.services.audit.checkpoints import Checkpoint, audit_head
    from tests.support.pdf_checks import page_texts

    _record_some(home_db)
    with home_db.read() as s:
        head = audit_head(s)
    out = tmp_path / "handover.pdf"
    make_report(
        home_db,
        ReportRequest(ReportKind.HANDOVER, Scope(local(DAY, 8), local(DAY, 20))),
        out,
        now=local(DAY, 20),
        staff_id=Home(home_db).staff["mark"],
        printed_by="",
    )
    assert all(f"Checkpoint: {head.short}" in page for page in page_texts(out))
    with home_db.read() as s:
        head = audit_head(s)  # printing the report was audited: the head moved on
    written = write_checkpoint(home_db, tmp_path / "emar-20260610T190000Z.sqlite")
    assert Checkpoint.from_json(written.read_text()) == head


def test_a_batch_over_records_that_have_their_own_digests_still_verifies(home_db, capsys):
    """Vouching for a range (a home upgraded from before) that holds records with digests of
    their own: both hold, and a later change is still found."""
    from sqlalchemy import func, select

    from emar.models import Administration
    from emar.services.audit.bulk import record_bulk

    _record_some(home_db)
    with home_db.write() as s:
        last = s.scalar(select(func.max(Administration.id)))
        record_bulk(s, "coverage.started", Administration, 1, last)
    assert verify(home_db, capsys)[0] == 0
    with tamperer(home_db) as conn:
        conn.execute(text("UPDATE administration SET dose_given = 2 WHERE id = 1"))
    code, _, err = verify(home_db, capsys)
    assert code == 1 and "administration 1 was changed" in err


def test_the_line_printed_in_a_report_footer_is_a_checkpoint_too(home_db, capsys, tmp_path):
    from emar.services.audit.checkpoints import audit_head

    _record_some(home_db)
    with home_db.read() as s:
        head = audit_head(s)
    printed = tmp_path / "from-the-handover.txt"
    printed.write_text(f"Checkpoint: {head.short}\n")  # as typed off a printed page
    url = home_db.url.render_as_string(hide_password=False)
    assert main(["--db", url, "audit", "verify", "--checkpoint", str(printed)]) == 0
    printed.write_text(f"Checkpoint: audit trail #{head.seq} {'0' * 12}\n")
    assert main(["--db", url, "audit", "verify", "--checkpoint", str(printed)]) == 1
    assert "differs from the checkpoint" in capsys.readouterr().err


def test_allergies_made_before_they_were_coded_keep_their_digest():
    """Migration 0006 added coding, status and the chain to allergies, with NULLs and server
    defaults on the rows already there: such a row digests exactly as before, so an upgraded
    home's trail still verifies; a value in a new column (a resolution) changes the digest."""
    import hashlib
    import json
    from datetime import UTC, datetime

    from emar.models import Allergy
    from emar.services.audit.digests import row_digest

    row = Allergy(
        id=3, resident_id=1, substance="Penicillin", reaction="rash",
        recorded_at=datetime(2026, 5, 1, 9, 0, tzinfo=UTC), category="medication",
        status="active",
    )  # fmt: skip
    before = {
        "id": 3,
        "resident_id": 1,
        "substance": "Penicillin",
        "reaction": "rash",
        "recorded_at": "2026-05-01T09:00:00.000000+00:00",
    }  # the columns of allergy before 0006
    digest = hashlib.sha256(
        json.dumps(before, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    assert row_digest(row) == digest
    row.status = "resolved"
    assert row_digest(row) != digest
