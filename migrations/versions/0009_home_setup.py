"""Running a home without the command line (issue 22): units and rooms that can be retired
(never deleted: residents' records point at them), a password a manager reset that its owner
must change at the next sign-in, and the demo home marked as such (its sign-in screen shows the
demo logins).

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN (a batch rebuild of these tables would break the foreign keys to them)
    op.add_column(
        "unit", sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    op.add_column(
        "staff",
        sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "care_home", sa.Column("is_demo", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.create_table(
        "room",
        sa.Column("id", sa.Integer()),
        sa.Column(
            "unit_id",
            sa.Integer(),
            sa.ForeignKey("unit.id", name="fk_room_unit_id_unit"),
            nullable=False,
        ),
        sa.Column("name", sa.String(20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.PrimaryKeyConstraint("id", name="pk_room"),
        sa.UniqueConstraint("unit_id", "name", name="uq_room_unit_id_name"),
    )
    op.create_index("ix_room_unit_id", "room", ["unit_id"])
    # the rooms residents live in today become the home's list of rooms
    op.execute(
        "INSERT INTO room (unit_id, name, active) "
        "SELECT DISTINCT unit_id, room, true FROM resident WHERE room <> ''"
    )
    op.execute(
        "UPDATE care_home SET is_demo = true "
        "WHERE EXISTS (SELECT 1 FROM audit_event WHERE action = 'demo.created')"
    )


def downgrade() -> None:
    op.drop_index("ix_room_unit_id", "room")
    op.drop_table("room")
    op.drop_column("care_home", "is_demo")
    op.drop_column("staff", "must_change_password")
    op.drop_column("unit", "active")
