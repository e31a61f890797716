"""Round engine: index a line's doses by time; add the "entered in error" code.

Code X is used only by corrections that void an entry (not offered as a not-given reason).

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain CREATE INDEX: batch mode would rebuild the table and drop its triggers.
    op.create_index("ix_administration_scheduled_at", "administration", ["scheduled_at"])
    op.drop_index("ix_administration_chart_line_id", table_name="administration")
    op.create_index(
        "ix_administration_line_scheduled", "administration", ["chart_line_id", "scheduled_at"]
    )
    op.create_index(
        "ix_administration_line_administered",
        "administration",
        ["chart_line_id", "administered_at"],
    )
    codes = sa.table(
        "not_given_code",
        *(sa.column(c, sa.String) for c in ("code", "label", "fhir_reason")),
        *(sa.column(c, sa.Boolean) for c in ("note_required", "is_incident", "active")),
        sa.column("sort_order", sa.Integer),
    )
    op.bulk_insert(
        codes,
        [
            {
                "code": "X",
                "label": "Entered in error",
                "fhir_reason": "entered-in-error",
                "note_required": True,
                "is_incident": False,
                "active": False,
                "sort_order": 99,
            }
        ],
    )


def downgrade() -> None:
    op.execute("DELETE FROM not_given_code WHERE code = 'X'")
    op.drop_index("ix_administration_line_administered", table_name="administration")
    op.drop_index("ix_administration_line_scheduled", table_name="administration")
    op.create_index("ix_administration_chart_line_id", "administration", ["chart_line_id"])
    op.drop_index("ix_administration_scheduled_at", table_name="administration")
