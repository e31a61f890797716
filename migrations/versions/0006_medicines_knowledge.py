"""Medicines knowledge: dm+d codes on the catalogue, allergies as append-only records, the
medicine as transcribed on each chart line, and the home's witness policy for CD Schedules 4-5.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ALLERGY_APPEND_ONLY = "allergy"


def upgrade() -> None:
    # Plain ADD COLUMNs on both backends (batch mode would rebuild tables that others point at,
    # and chart_line and allergy are append-only). SQLite accepts REFERENCES on an added
    # column whose default is NULL.
    add = op.add_column
    _add_reference("medicine", "vmp_id", "medicine")
    op.create_index("ix_medicine_vmp_id", "medicine", ["vmp_id"])
    add("medicine", sa.Column("dmd_kind", sa.String(3), nullable=True))
    add("medicine", sa.Column("vtm_code", sa.String(20), nullable=True))
    add("medicine", sa.Column("routes", sa.String(300), nullable=True))
    add("medicine", sa.Column("supplier", sa.String(200), nullable=True))
    add("medicine", sa.Column("dmd_release", sa.String(40), nullable=True))
    add("medicine", sa.Column("invalid", sa.Boolean(), nullable=False, server_default=sa.false()))
    add("ingredient", sa.Column("dmd_code", sa.String(20), nullable=True))
    op.create_index("ix_ingredient_dmd_code", "ingredient", ["dmd_code"], unique=True)
    add("medicine_gtin", sa.Column("ampp_code", sa.String(20), nullable=True))
    op.execute("ALTER TABLE chart_line ADD COLUMN medicine_text VARCHAR(300)")
    add(
        "care_home",
        sa.Column("witness_cd_schedule_4", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    add(
        "care_home",
        sa.Column("witness_cd_schedule_5", sa.Boolean(), nullable=False, server_default=sa.false()),
    )

    add("allergy", sa.Column("code_kind", sa.String(20), nullable=True))
    add("allergy", sa.Column("code", sa.String(100), nullable=True))
    add(
        "allergy", sa.Column("category", sa.String(20), nullable=False, server_default="medication")
    )
    add("allergy", sa.Column("criticality", sa.String(20), nullable=True))
    add("allergy", sa.Column("severity", sa.String(10), nullable=True))
    add("allergy", sa.Column("status", sa.String(20), nullable=False, server_default="active"))
    _add_reference("allergy", "recorded_by_id", "staff")
    _add_reference("allergy", "supersedes_id", "allergy")
    op.create_index("ix_allergy_supersedes_id", "allergy", ["supersedes_id"], unique=True)
    add("allergy", sa.Column("change_reason", sa.Text(), nullable=True))
    _append_only(ALLERGY_APPEND_ONLY)


def _add_reference(table: str, column: str, target: str) -> None:
    """A nullable id column with its foreign key, named as the models name it."""
    name = f"fk_{table}_{column}_{target}"
    if op.get_bind().dialect.name == "postgresql":
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(name, table, target, [column], ["id"])
    else:
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} INTEGER "
            f"CONSTRAINT {name} REFERENCES {target} (id)"
        )


def _append_only(table: str) -> None:
    """The same triggers migration 0002 puts on the clinical tables (its function on
    PostgreSQL)."""
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
    table = ALLERGY_APPEND_ONLY
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
    else:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER {table}_no_{verb}")
    op.drop_index("ix_allergy_supersedes_id", "allergy")
    for column in (
        "change_reason",
        "supersedes_id",
        "recorded_by_id",
        "status",
        "severity",
        "criticality",
        "category",
        "code",
        "code_kind",
    ):
        _drop("allergy", column)
    for column in ("witness_cd_schedule_5", "witness_cd_schedule_4"):
        _drop("care_home", column)
    op.execute("ALTER TABLE chart_line DROP COLUMN medicine_text")
    _drop("medicine_gtin", "ampp_code")
    op.drop_index("ix_ingredient_dmd_code", "ingredient")
    _drop("ingredient", "dmd_code")
    op.drop_index("ix_medicine_vmp_id", "medicine")
    for column in (
        "invalid",
        "dmd_release",
        "supplier",
        "routes",
        "vtm_code",
        "dmd_kind",
        "vmp_id",
    ):
        _drop("medicine", column)


FOREIGN_KEYS = {"vmp_id", "recorded_by_id", "supersedes_id"}


def _drop(table: str, column: str) -> None:
    # SQLite cannot DROP a column a foreign key names without rebuilding the table (batch
    # mode); that is only done on the way down, and only for those columns.
    if column in FOREIGN_KEYS:
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
    else:
        op.drop_column(table, column)
