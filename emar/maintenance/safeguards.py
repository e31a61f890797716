"""The append-only safeguards: the triggers (migration 0002) that refuse to change or remove a
record. A restore checks that a backup still has them and then puts them back as they should be.
"""

from __future__ import annotations

from pathlib import Path

from emar.infra.db import Database
from emar.maintenance.backup import BackupError

APPEND_ONLY = (  # as migration 0002 made them
    "administration",
    "prn_outcome",
    "chart_line",
    "chart_line_event",
    "stock_movement",
    "audit_event",
)
# Tables a later migration made append-only, with that migration: a backup from before it has
# no triggers on them (and needs none); one from after it gets them back on restore.
LATER_APPEND_ONLY = {
    "allergy": "0006",
    "resident_condition": "0007",
    "resident_observation": "0007",
    "monitoring_plan": "0007",
    "medication_review": "0008",
    "review_line_assessment": "0008",
    "recommendation": "0008",
    "recommendation_event": "0008",
    "medicine_order": "0010",
    "medicine_order_line": "0010",
    "receipt_check": "0011",
    "receipt_check_line": "0011",
    "return_batch": "0012",
    "return_batch_item": "0012",
    "homely_remedy": "0013",
    "homely_authorisation": "0013",
    "homely_stock": "0013",
    "pack_price": "0014",
}
ALL_APPEND_ONLY = APPEND_ONLY + tuple(LATER_APPEND_ONLY)


def append_only_at(revision: str | None) -> tuple[str, ...]:
    """The append-only tables of a database at `revision` (revisions are numbered "0001"...)."""
    later = [t for t, since in LATER_APPEND_ONLY.items() if revision and revision >= since]
    return APPEND_ONLY + tuple(later)


def require_safeguards(names: set[str], src: Path, *, sqlite: bool) -> None:
    """A backup whose append-only triggers are missing was taken after someone removed them:
    its records cannot be trusted, so it is not restored."""
    if sqlite:
        wanted = {f"{t}_no_{v}" for t in APPEND_ONLY for v in ("update", "delete")}
    else:
        wanted = {f"{t}_append_only" for t in APPEND_ONLY}
    missing = sorted(wanted - names)
    if missing:
        raise BackupError(
            f"{src} lacks the append-only safeguards of {len(missing)} record tables "
            f"({', '.join(missing[:3])}...): they were removed before it was taken, so its "
            "records cannot be trusted. Nothing restored."
        )


def recreate_safeguards(db: Database) -> None:
    """Put the append-only triggers back exactly as migration 0002 makes them, whatever a
    restored backup held under their names (a do-nothing trigger of the right name included).
    The SQL mirrors the migrations', which must stay as they were written."""
    with db.engine.begin() as conn:
        revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        tables = append_only_at(revision)
        if db.is_sqlite:
            for table in tables:
                for verb in ("UPDATE", "DELETE"):
                    name = f"{table}_no_{verb.lower()}"
                    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
                    conn.exec_driver_sql(
                        f"CREATE TRIGGER {name} BEFORE {verb} ON {table} BEGIN SELECT "
                        f"RAISE(ABORT, '{table} is append-only: record a correction instead'); END"
                    )
            return
        conn.exec_driver_sql(
            """
            CREATE OR REPLACE FUNCTION emar_refuse_change() RETURNS trigger LANGUAGE plpgsql
            AS $$
            BEGIN
                RAISE EXCEPTION '%% is append-only: record a correction instead', TG_TABLE_NAME
                    USING ERRCODE = 'restrict_violation';
            END $$
            """
        )
        for table in tables:
            for name, spec in (
                (f"{table}_append_only", "BEFORE UPDATE OR DELETE ON {t} FOR EACH ROW"),
                (f"{table}_no_truncate", "BEFORE TRUNCATE ON {t} FOR EACH STATEMENT"),
            ):
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                conn.exec_driver_sql(
                    f"CREATE TRIGGER {name} {spec.format(t=table)} "
                    "EXECUTE FUNCTION emar_refuse_change()"
                )
