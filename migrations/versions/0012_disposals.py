"""The disposal register (issue 18, part 3): returns to the pharmacy in batches. A returned
stock movement is put in exactly one batch by an INSERT (the movement itself is never changed);
the batch is the signed returns list. Append-only.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("return_batch", "return_batch_item")


def _fk(column: str, table: str, target: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        column,
        sa.Integer(),
        sa.ForeignKey(f"{target}.id", name=f"fk_{table}_{column}_{target}"),
        nullable=nullable,
    )


def upgrade() -> None:
    t = "return_batch"
    op.create_table(
        t,
        sa.Column("id", sa.Integer()),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        _fk("made_by_id", t, "staff", nullable=True),
        sa.Column("made_by", sa.Text(), nullable=False),
        sa.Column("pharmacy", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
    )
    t = "return_batch_item"
    op.create_table(
        t,
        sa.Column("id", sa.Integer()),
        _fk("return_batch_id", t, "return_batch"),
        _fk("stock_movement_id", t, "stock_movement"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
        sa.UniqueConstraint("stock_movement_id", name=f"uq_{t}_stock_movement_id"),
    )
    op.create_index(f"ix_{t}_return_batch_id", t, ["return_batch_id"])
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
