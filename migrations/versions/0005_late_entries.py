"""Late entries: a dose filled in after its time says why it was recorded late.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain nullable ADD COLUMN on both backends (batch mode would rebuild an append-only
    # table with its triggers). Existing entries keep their audit digests: a column added
    # later enters the digest only when it holds a value (services/audit/digests.py).
    op.execute("ALTER TABLE administration ADD COLUMN late_entry_reason TEXT")


def downgrade() -> None:
    op.execute("ALTER TABLE administration DROP COLUMN late_entry_reason")
