"""Resident facts for the pharmacist's signals: conditions, dated observations and monitoring
plans (append-only, like allergies), and the home's signal thresholds.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("resident_condition", "resident_observation", "monitoring_plan")
STATUSES = "('active', 'resolved', 'entered-in-error')"


def _recorded(table: str) -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("recorded_by_id", sa.Integer(), sa.ForeignKey("staff.id", name=f"fk_{table}_recorded_by_id_staff"), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), sa.ForeignKey(f"{table}.id", name=f"fk_{table}_supersedes_id_{table}"), nullable=True),
        sa.Column("change_reason", sa.Text(), nullable=True),
    ]  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "resident_condition",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("resident_id", sa.Integer(), sa.ForeignKey("resident.id", name="fk_resident_condition_resident_id_resident"), nullable=False),
        sa.Column("condition", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("noted_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        *_recorded("resident_condition"),
        sa.CheckConstraint(f"status IN {STATUSES}", name="ck_resident_condition_status"),
        sa.PrimaryKeyConstraint("id", name="pk_resident_condition"),
    )  # fmt: skip
    op.create_table(
        "resident_observation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("resident_id", sa.Integer(), sa.ForeignKey("resident.id", name="fk_resident_observation_resident_id_resident"), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("value", sa.Numeric(10, 2), nullable=True),
        sa.Column("unit", sa.String(20), nullable=True),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        *_recorded("resident_observation"),
        sa.PrimaryKeyConstraint("id", name="pk_resident_observation"),
    )  # fmt: skip
    op.create_table(
        "monitoring_plan",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("resident_id", sa.Integer(), sa.ForeignKey("resident.id", name="fk_monitoring_plan_resident_id_resident"), nullable=False),
        sa.Column("chart_line_id", sa.Integer(), sa.ForeignKey("chart_line.id", name="fk_monitoring_plan_chart_line_id_chart_line"), nullable=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("every_days", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        *_recorded("monitoring_plan"),
        sa.CheckConstraint(f"status IN {STATUSES}", name="ck_monitoring_plan_status"),
        sa.CheckConstraint("every_days BETWEEN 1 AND 730", name="ck_monitoring_plan_every_days"),
        sa.PrimaryKeyConstraint("id", name="pk_monitoring_plan"),
    )  # fmt: skip
    for table in APPEND_ONLY:
        op.create_index(f"ix_{table}_resident_id", table, ["resident_id"])
        op.create_index(f"ix_{table}_supersedes_id", table, ["supersedes_id"], unique=True)
    op.create_index("ix_resident_observation_observed_at", "resident_observation", ["observed_at"])
    op.create_table(
        "signal_threshold",
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("value", sa.Numeric(10, 2), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), sa.ForeignKey("staff.id", name="fk_signal_threshold_changed_by_id_staff"), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_signal_threshold"),
    )  # fmt: skip
    for table in APPEND_ONLY:
        _append_only(table)


def _append_only(table: str) -> None:
    """The triggers of migrations 0002 and 0006 (emar.maintenance.safeguards mirrors them)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION emar_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION emar_refuse_change()"
        )
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} BEGIN "
            f"SELECT RAISE(ABORT, '{table} is append-only: record a correction instead'); END"
        )


def downgrade() -> None:
    op.drop_table("signal_threshold")
    for table in reversed(APPEND_ONLY):
        op.drop_table(table)  # its triggers go with it
