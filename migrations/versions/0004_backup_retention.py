"""Security: how many days of daily SQLite backups a home keeps.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN with its CHECK, on both backends. Batch mode would rebuild care_home on
    # SQLite, and dropping the old table breaks the foreign keys of every unit and resident.
    op.execute(
        "ALTER TABLE care_home ADD COLUMN backup_retention_days INTEGER NOT NULL DEFAULT 30 "
        "CONSTRAINT ck_care_home_backup_retention "
        "CHECK (backup_retention_days BETWEEN 1 AND 3650)"
    )


def downgrade() -> None:
    op.execute("ALTER TABLE care_home DROP COLUMN backup_retention_days")
