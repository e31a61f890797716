"""Homely remedies (issue 18, part 6): the home's list of over-the-counter remedies with their
protocol, each resident's authorisation by their GP (withdrawal is a new row), and the home's
stock book of them (append-only).

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("homely_remedy", "homely_authorisation", "homely_stock")
AUTHORISATION_KINDS = ("authorised", "withdrawn")  # emar.models.homely, as this migration knows
STOCK_KINDS = ("received", "given", "counted", "disposed")


def _fk(column: str, table: str, target: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        column,
        sa.Integer(),
        sa.ForeignKey(f"{target}.id", name=f"fk_{table}_{column}_{target}"),
        nullable=nullable,
    )


def _stamp(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    t = "homely_remedy"
    op.create_table(
        t,
        sa.Column("id", sa.Integer()),
        _fk("medicine_id", t, "medicine"),
        sa.Column("indication", sa.Text(), nullable=False),
        sa.Column("dose_min", sa.Numeric(10, 3), nullable=False),
        sa.Column("dose_max", sa.Numeric(10, 3), nullable=False),
        sa.Column("min_interval_minutes", sa.Integer(), nullable=False),
        sa.Column("max_doses_24h", sa.Integer(), nullable=False),
        sa.Column("max_duration_hours", sa.Integer(), nullable=False),
        sa.Column("directions", sa.Text(), nullable=True),
        _fk("staff_id", t, "staff"),
        _stamp("recorded_at"),
        sa.CheckConstraint("dose_min > 0 AND dose_max >= dose_min", name=f"ck_{t}_dose_range"),
        sa.CheckConstraint(
            "min_interval_minutes > 0 AND max_doses_24h > 0 AND max_duration_hours > 0",
            name=f"ck_{t}_limits",
        ),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
    )
    op.create_index(f"ix_{t}_medicine_id", t, ["medicine_id"])
    t = "homely_authorisation"
    op.create_table(
        t,
        sa.Column("id", sa.Integer()),
        sa.Column("kind", sa.String(20), nullable=False),
        _fk("resident_id", t, "resident"),
        _fk("remedy_id", t, "homely_remedy"),
        _fk("chart_line_id", t, "chart_line", nullable=True),
        sa.Column("gp_name", sa.String(200), nullable=True),
        sa.Column("authorised_on", sa.Date(), nullable=True),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("max_duration_hours", sa.Integer(), nullable=True),
        _fk("withdraws_id", t, "homely_authorisation", nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        _fk("staff_id", t, "staff"),
        _stamp("recorded_at"),
        sa.CheckConstraint(f"kind IN {AUTHORISATION_KINDS!r}", name=f"ck_{t}_kind"),
        sa.CheckConstraint(
            "kind <> 'authorised' OR (chart_line_id IS NOT NULL AND gp_name IS NOT NULL"
            " AND authorised_on IS NOT NULL AND review_date IS NOT NULL"
            " AND review_date >= authorised_on AND max_duration_hours > 0)",
            name=f"ck_{t}_authorised_needs",
        ),
        sa.CheckConstraint(
            "kind <> 'withdrawn' OR (withdraws_id IS NOT NULL AND reason IS NOT NULL)",
            name=f"ck_{t}_withdrawn_needs",
        ),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
    )
    for column in ("resident_id", "remedy_id", "chart_line_id"):
        op.create_index(f"ix_{t}_{column}", t, [column])
    t = "homely_stock"
    op.create_table(
        t,
        sa.Column("id", sa.Integer()),
        _fk("remedy_id", t, "homely_remedy"),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("quantity", sa.Numeric(12, 3), nullable=False),
        sa.Column("counted", sa.Numeric(12, 3), nullable=True),
        sa.Column("batch", sa.String(20), nullable=True),
        sa.Column("expiry", sa.Date(), nullable=True),
        _fk("resident_id", t, "resident", nullable=True),
        _fk("administration_id", t, "administration", nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        _fk("staff_id", t, "staff"),
        _stamp("occurred_at"),
        _stamp("recorded_at"),
        sa.CheckConstraint(f"kind IN {STOCK_KINDS!r}", name=f"ck_{t}_kind"),
        sa.CheckConstraint("kind = 'counted' OR quantity <> 0", name=f"ck_{t}_nonzero"),
        sa.CheckConstraint("kind <> 'counted' OR counted >= 0", name=f"ck_{t}_counted_needed"),
        sa.CheckConstraint(
            "kind <> 'disposed' OR reason IS NOT NULL", name=f"ck_{t}_reason_needed"
        ),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
    )
    op.create_index(f"ix_{t}_remedy_id", t, ["remedy_id"])
    for table in APPEND_ONLY:
        _append_only(table)


def _append_only(table: str) -> None:
    """The triggers of migrations 0002 and 0006 to 0011 (emar.maintenance.safeguards)."""
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
    for table in reversed(APPEND_ONLY):
        op.drop_table(table)  # its triggers go with it
