"""The receipt check (issue 18, part 2): what arrived against an order, item by item as it stood
when the nurse signed it (append-only).

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("receipt_check", "receipt_check_line")
OUTCOMES = (  # emar.domain.receipt.Outcome, as this migration knows it
    "received",
    "short",
    "missing",
    "extra",
    "unexpected",
    "wrong strength",
    "another product",
)


def _fk(column: str, table: str, target: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        column,
        sa.Integer(),
        sa.ForeignKey(f"{target}.id", name=f"fk_{table}_{column}_{target}"),
        nullable=nullable,
    )


def upgrade() -> None:
    t = "receipt_check"
    op.create_table(
        t,
        sa.Column("id", sa.Integer()),
        _fk("order_id", t, "medicine_order"),
        _fk("checked_by_id", t, "staff"),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
    )
    op.create_index(f"ix_{t}_order_id", t, ["order_id"])
    t = "receipt_check_line"
    op.create_table(
        t,
        sa.Column("id", sa.Integer()),
        _fk("receipt_check_id", t, "receipt_check"),
        _fk("chart_line_id", t, "chart_line"),
        sa.Column("ordered", sa.Numeric(12, 3), nullable=False),
        sa.Column("received", sa.Numeric(12, 3), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint("ordered >= 0 AND received >= 0", name=f"ck_{t}_not_negative"),
        sa.CheckConstraint(f"outcome IN {OUTCOMES!r}", name=f"ck_{t}_outcome"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
    )
    op.create_index(f"ix_{t}_receipt_check_id", t, ["receipt_check_id"])
    for table in APPEND_ONLY:
        _append_only(table)


def _append_only(table: str) -> None:
    """The triggers of migrations 0002 and 0006 to 0010 (emar.maintenance.safeguards)."""
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
