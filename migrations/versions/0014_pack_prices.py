"""Pack prices (issue 18, the waste report): what a pack of a product costs, from dm+d (the
AMPP's price) or entered by the home. Append-only: a new price is a new row; the latest counts.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "pack_price"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer()),
        sa.Column(
            "medicine_id",
            sa.Integer(),
            sa.ForeignKey("medicine.id", name=f"fk_{TABLE}_medicine_id_medicine"),
            nullable=False,
        ),
        sa.Column("pack_size", sa.Integer(), nullable=False),
        sa.Column("price_pence", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("ampp_code", sa.String(20), nullable=True),
        sa.Column("price_date", sa.Date(), nullable=True),
        sa.Column(
            "staff_id",
            sa.Integer(),
            sa.ForeignKey("staff.id", name=f"fk_{TABLE}_staff_id_staff"),
            nullable=True,
        ),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("pack_size > 0 AND price_pence >= 0", name=f"ck_{TABLE}_positive"),
        sa.CheckConstraint("source IN ('dm+d', 'entered')", name=f"ck_{TABLE}_source"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{TABLE}"),
    )
    op.create_index(f"ix_{TABLE}_medicine_id", TABLE, ["medicine_id"])
    _append_only(TABLE)


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
    op.drop_table(TABLE)  # its triggers go with it
