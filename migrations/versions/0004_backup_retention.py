"""Security: how many days of daily SQLite backups a home keeps.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # care_home has no append-only triggers, so batch mode (a table rebuild on SQLite) is safe.
    with op.batch_alter_table("care_home") as batch:
        batch.add_column(
            sa.Column("backup_retention_days", sa.Integer(), nullable=False, server_default="30")
        )
        batch.create_check_constraint(
            op.f("ck_care_home_backup_retention"), "backup_retention_days BETWEEN 1 AND 3650"
        )


def downgrade() -> None:
    with op.batch_alter_table("care_home") as batch:
        batch.drop_constraint(op.f("ck_care_home_backup_retention"), type_="check")
        batch.drop_column("backup_retention_days")
