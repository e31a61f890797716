"""The monthly order (issue 18, part 1): an order for a 28-day cycle and its lines, what the
rule worked out and what the nurse decided (append-only).

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("medicine_order", "medicine_order_line")


def _fk(column: str, table: str, target: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        column,
        sa.Integer(),
        sa.ForeignKey(f"{target}.id", name=f"fk_{table}_{column}_{target}"),
        nullable=nullable,
    )


def upgrade() -> None:
    t = "medicine_order"
    op.create_table(
        t,
        sa.Column("id", sa.Integer()),
        sa.Column("cycle_start", sa.Date(), nullable=False),
        _fk("made_by_id", t, "staff"),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
    )
    op.create_index(f"ix_{t}_cycle_start", t, ["cycle_start"])
    t = "medicine_order_line"
    op.create_table(
        t,
        sa.Column("id", sa.Integer()),
        _fk("order_id", t, "medicine_order"),
        _fk("resident_id", t, "resident"),
        _fk("chart_line_id", t, "chart_line"),
        _fk("medicine_id", t, "medicine"),
        sa.Column("needed", sa.Numeric(12, 3), nullable=False),
        sa.Column("in_stock", sa.Numeric(12, 3), nullable=False),
        sa.Column("quantity", sa.Numeric(12, 3), nullable=False),
        sa.Column("packs", sa.Integer(), nullable=False),
        sa.Column("pack_size", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("not_required_reason", sa.Text(), nullable=True),
        sa.Column("adjusted_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("quantity >= 0 AND packs >= 0", name=f"ck_{t}_not_negative"),
        sa.CheckConstraint(
            "not_required_reason IS NULL OR quantity = 0",
            name=f"ck_{t}_not_required_orders_nothing",
        ),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
    )
    op.create_index(f"ix_{t}_order_id", t, ["order_id"])
    for table in APPEND_ONLY:
        _append_only(table)


def _append_only(table: str) -> None:
    """The triggers of migrations 0002, 0006, 0007 and 0008 (emar.maintenance.safeguards)."""
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
