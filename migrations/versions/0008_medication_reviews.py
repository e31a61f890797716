"""The pharmacist's medication reviews, line assessments and recommendations with their status
events (append-only), and the chart changes that cite the recommendation they carry out.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = (
    "medication_review",
    "review_line_assessment",
    "recommendation",
    "recommendation_event",
)
STATUSES = "('proposed', 'sent', 'accepted', 'declined', 'actioned', 'outcome reviewed')"


def _fk(column: str, table: str, target: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        column,
        sa.Integer(),
        sa.ForeignKey(f"{target}.id", name=f"fk_{table}_{column}_{target}"),
        nullable=nullable,
    )


def upgrade() -> None:
    t = "medication_review"
    op.create_table(
        t,
        sa.Column("id", sa.Integer()),
        _fk("resident_id", t, "resident"),
        _fk("pharmacist_id", t, "staff"),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("participants", sa.Text(), nullable=False),
        sa.Column("what_matters", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        sa.CheckConstraint("mode IN ('in person', 'remote')", name=f"ck_{t}_mode"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
    )
    op.create_index(f"ix_{t}_resident_id", t, ["resident_id"])
    op.create_index(f"ix_{t}_signed_at", t, ["signed_at"])
    t = "review_line_assessment"
    op.create_table(
        t,
        sa.Column("id", sa.Integer()),
        _fk("review_id", t, "medication_review"),
        _fk("chart_line_id", t, "chart_line"),
        sa.Column("assessment", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "assessment IN ('continue', 'stop', 'reduce', 'change', 'monitor', 'refer')",
            name=f"ck_{t}_assessment",
        ),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
    )
    op.create_index(f"ix_{t}_review_id", t, ["review_id"])
    t = "recommendation"
    op.create_table(
        t,
        sa.Column("id", sa.Integer()),
        _fk("review_id", t, "medication_review", nullable=True),
        _fk("resident_id", t, "resident"),
        _fk("chart_line_id", t, "chart_line", nullable=True),
        sa.Column("addressed_to", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        _fk("created_by_id", t, "staff"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("addressed_to IN ('gp', 'home')", name=f"ck_{t}_addressed_to"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
    )
    op.create_index(f"ix_{t}_review_id", t, ["review_id"])
    op.create_index(f"ix_{t}_resident_id", t, ["resident_id"])
    t = "recommendation_event"
    op.create_table(
        t,
        sa.Column("id", sa.Integer()),
        _fk("recommendation_id", t, "recommendation"),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        _fk("staff_id", t, "staff"),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _fk("chart_line_id", t, "chart_line", nullable=True),
        sa.CheckConstraint(f"status IN {STATUSES}", name=f"ck_{t}_status"),
        sa.CheckConstraint(
            "status <> 'declined' OR reason IS NOT NULL", name=f"ck_{t}_declined_reason"
        ),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
    )
    op.create_index(f"ix_{t}_recommendation_id", t, ["recommendation_id"])
    for table in ("chart_line", "chart_line_event"):
        _add_reference(table, "recommendation_id", "recommendation")
    for table in APPEND_ONLY:
        _append_only(table)


def _add_reference(table: str, column: str, target: str) -> None:
    """A nullable id column with its foreign key, as migration 0006 adds them (the tables are
    append-only: a plain ADD COLUMN, never a rebuild)."""
    name = f"fk_{table}_{column}_{target}"
    if op.get_bind().dialect.name == "postgresql":
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(name, table, target, [column], ["id"])
    else:
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} INTEGER "
            f"CONSTRAINT {name} REFERENCES {target} (id)"
        )


def _append_only(table: str) -> None:
    """The triggers of migrations 0002, 0006 and 0007 (emar.maintenance.safeguards)."""
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
    # chart_line and chart_line_event are append-only: drop their triggers for the rebuild
    # SQLite needs to drop a foreign-key column, then put them back as 0002 made them.
    sqlite = op.get_bind().dialect.name != "postgresql"
    for table in ("chart_line_event", "chart_line"):
        if sqlite:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER {table}_no_{verb}")
            with op.batch_alter_table(table) as batch:
                batch.drop_column("recommendation_id")
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} BEGIN "
                    f"SELECT RAISE(ABORT, '{table} is append-only: record a correction "
                    "instead'); END"
                )
        else:
            op.drop_constraint(f"fk_{table}_recommendation_id_recommendation", table)
            op.drop_column(table, "recommendation_id")
    for table in reversed(APPEND_ONLY):
        op.drop_table(table)
