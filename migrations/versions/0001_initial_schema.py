"""Initial schema, with the default not-given codes of domain.md.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 19:09:40.333527
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# code, label, FHIR statusReason (SNOMED-style text), note required, is an incident
DEFAULT_NOT_GIVEN_CODES = [
    ("R", "Refused", "patient-refused", False, False),
    ("N", "Nausea or vomiting", "nausea-vomiting", False, False),
    ("S", "Asleep (not woken, per care plan)", "patient-asleep", False, False),
    ("H", "In hospital", "patient-in-hospital", False, False),
    ("L", "On leave", "patient-on-leave", False, False),
    ("W", "Withheld on clinical advice", "clinical-decision", True, False),
    ("U", "Unavailable / out of stock", "drug-not-available", True, True),
    ("D", "Dropped, damaged or destroyed", "drug-destroyed", True, False),
    ("NR", "Not required (PRN offered)", "not-required", False, False),
    ("P", "Recorded on paper during downtime", "recorded-on-paper", False, False),
    ("O", "Other (note required)", "other", True, False),
]


def upgrade() -> None:
    op.create_table(
        "care_home",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("dose_window_minutes", sa.Integer(), nullable=False),
        sa.Column("time_critical_window_minutes", sa.Integer(), nullable=False),
        sa.Column("idle_lock_minutes", sa.Integer(), nullable=False),
        sa.Column("cycle_start_date", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "dose_window_minutes BETWEEN 5 AND 240", name=op.f("ck_care_home_dose_window")
        ),
        sa.CheckConstraint(
            "idle_lock_minutes BETWEEN 1 AND 60", name=op.f("ck_care_home_idle_lock")
        ),
        sa.CheckConstraint(
            "time_critical_window_minutes BETWEEN 5 AND 120", name=op.f("ck_care_home_tc_window")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_home")),
    )
    op.create_table(
        "ingredient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("allergen_group", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingredient")),
        sa.UniqueConstraint("name", name=op.f("uq_ingredient_name")),
    )
    op.create_table(
        "medicine",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("form", sa.String(length=50), nullable=False),
        sa.Column("strength", sa.String(length=50), nullable=True),
        sa.Column("route", sa.String(length=50), nullable=False),
        sa.Column("dose_unit", sa.String(length=30), nullable=False),
        sa.Column("dmd_code", sa.String(length=20), nullable=True),
        sa.Column("cd_schedule", sa.Integer(), nullable=True),
        sa.Column("time_critical", sa.Boolean(), nullable=False),
        sa.Column("high_risk", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "cd_schedule IS NULL OR cd_schedule BETWEEN 2 AND 5",
            name=op.f("ck_medicine_cd_schedule"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medicine")),
        sa.UniqueConstraint("dmd_code", name=op.f("uq_medicine_dmd_code")),
    )
    with op.batch_alter_table("medicine", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_medicine_name"), ["name"], unique=False)

    op.create_table(
        "not_given_code",
        sa.Column("code", sa.String(length=4), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("fhir_reason", sa.String(length=50), nullable=False),
        sa.Column("note_required", sa.Boolean(), nullable=False),
        sa.Column("is_incident", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_not_given_code")),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("initials", sa.String(length=8), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("pin_hash", sa.String(length=255), nullable=True),
        sa.Column("badge_code", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('carer', 'senior_carer', 'nurse', 'manager', 'pharmacist', 'administrator')",
            name=op.f("ck_staff_role"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("badge_code", name=op.f("uq_staff_badge_code")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_username")),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("entity", sa.String(length=50), nullable=True),
        sa.Column("entity_id", sa.String(length=50), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_audit_event_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
        sa.UniqueConstraint("row_hash", name=op.f("uq_audit_event_row_hash")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_action"), ["action"], unique=False)

    op.create_table(
        "medicine_gtin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("medicine_id", sa.Integer(), nullable=False),
        sa.Column("gtin", sa.String(length=14), nullable=False),
        sa.Column("pack_size", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["medicine_id"], ["medicine.id"], name=op.f("fk_medicine_gtin_medicine_id_medicine")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medicine_gtin")),
        sa.UniqueConstraint("gtin", name=op.f("uq_medicine_gtin_gtin")),
    )
    with op.batch_alter_table("medicine_gtin", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_medicine_gtin_medicine_id"), ["medicine_id"], unique=False
        )

    op.create_table(
        "medicine_ingredient",
        sa.Column("medicine_id", sa.Integer(), nullable=False),
        sa.Column("ingredient_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=4), nullable=False),
        sa.Column("amount_unit", sa.String(length=20), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_medicine_ingredient_amount_positive")),
        sa.ForeignKeyConstraint(
            ["ingredient_id"],
            ["ingredient.id"],
            name=op.f("fk_medicine_ingredient_ingredient_id_ingredient"),
        ),
        sa.ForeignKeyConstraint(
            ["medicine_id"],
            ["medicine.id"],
            name=op.f("fk_medicine_ingredient_medicine_id_medicine"),
        ),
        sa.PrimaryKeyConstraint(
            "medicine_id", "ingredient_id", name=op.f("pk_medicine_ingredient")
        ),
    )
    op.create_table(
        "unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("home_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["home_id"], ["care_home.id"], name=op.f("fk_unit_home_id_care_home")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit")),
        sa.UniqueConstraint("home_id", "name", name=op.f("uq_unit_home_id_name")),
    )
    op.create_table(
        "resident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("given_name", sa.String(length=100), nullable=False),
        sa.Column("family_name", sa.String(length=100), nullable=False),
        sa.Column("preferred_name", sa.String(length=100), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("nhs_number", sa.String(length=10), nullable=True),
        sa.Column("room", sa.String(length=20), nullable=False),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("gp_name", sa.String(length=200), nullable=True),
        sa.Column("gp_practice", sa.String(length=200), nullable=True),
        sa.Column("no_known_allergies", sa.Boolean(), nullable=False),
        sa.Column("weight_kg", sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column("medicine_preferences", sa.Text(), nullable=True),
        sa.Column("swallowing_needs", sa.Text(), nullable=True),
        sa.Column("covert_authorised", sa.Boolean(), nullable=False),
        sa.Column("covert_details", sa.Text(), nullable=True),
        sa.Column("covert_review_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("admitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('resident', 'discharged', 'transferred', 'deceased')",
            name=op.f("ck_resident_status"),
        ),
        sa.CheckConstraint(
            "NOT covert_authorised OR covert_review_date IS NOT NULL",
            name=op.f("ck_resident_covert_review"),
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_resident_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resident")),
        sa.UniqueConstraint("nhs_number", name=op.f("uq_resident_nhs_number")),
    )
    with op.batch_alter_table("resident", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resident_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "absence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint("kind IN ('hospital', 'leave')", name=op.f("ck_absence_kind")),
        sa.CheckConstraint(
            "ended_at IS NULL OR ended_at > started_at", name=op.f("ck_absence_order")
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_absence_resident_id_resident")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absence")),
    )
    with op.batch_alter_table("absence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_absence_resident_id"), ["resident_id"], unique=False)

    op.create_table(
        "allergy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("substance", sa.String(length=100), nullable=False),
        sa.Column("reaction", sa.String(length=200), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_allergy_resident_id_resident")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allergy")),
    )
    with op.batch_alter_table("allergy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_allergy_resident_id"), ["resident_id"], unique=False)

    op.create_table(
        "chart_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("medicine_id", sa.Integer(), nullable=False),
        sa.Column("dose_min", sa.Numeric(precision=10, scale=3), nullable=False),
        sa.Column("dose_max", sa.Numeric(precision=10, scale=3), nullable=False),
        sa.Column("dose_unit", sa.String(length=30), nullable=False),
        sa.Column("dose_choice", sa.Text(), nullable=True),
        sa.Column("route", sa.String(length=50), nullable=False),
        sa.Column("timing", sa.String(length=20), nullable=False),
        sa.Column("times_of_day", sa.String(length=200), nullable=True),
        sa.Column("weekdays", sa.String(length=20), nullable=True),
        sa.Column("every_n_days", sa.Integer(), nullable=True),
        sa.Column("every_n_hours", sa.Integer(), nullable=True),
        sa.Column("directions", sa.Text(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("prescriber", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("prn_indication", sa.Text(), nullable=True),
        sa.Column("prn_min_interval_minutes", sa.Integer(), nullable=True),
        sa.Column("prn_max_doses_24h", sa.Integer(), nullable=True),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("transcribed_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "timing <> 'every_n_days' OR (every_n_days IS NOT NULL AND every_n_days >= 1)",
            name=op.f("ck_chart_line_every_n_days_needed"),
        ),
        sa.CheckConstraint(
            "timing <> 'every_n_hours' OR (every_n_hours IS NOT NULL AND every_n_hours >= 1)",
            name=op.f("ck_chart_line_every_n_hours_needed"),
        ),
        sa.CheckConstraint(
            "timing <> 'prn' OR (prn_indication IS NOT NULL AND prn_min_interval_minutes IS NOT NULL AND prn_min_interval_minutes > 0 AND prn_max_doses_24h IS NOT NULL AND prn_max_doses_24h > 0)",
            name=op.f("ck_chart_line_prn_limits"),
        ),
        sa.CheckConstraint(
            "timing <> 'weekdays' OR weekdays IS NOT NULL",
            name=op.f("ck_chart_line_weekdays_needed"),
        ),
        sa.CheckConstraint(
            "timing IN ('times_of_day', 'weekdays', 'every_n_days', 'every_n_hours', 'prn')",
            name=op.f("ck_chart_line_timing"),
        ),
        sa.CheckConstraint(
            "timing NOT IN ('times_of_day', 'weekdays', 'every_n_days') OR times_of_day IS NOT NULL",
            name=op.f("ck_chart_line_times_needed"),
        ),
        sa.CheckConstraint(
            "dose_min > 0 AND dose_max >= dose_min", name=op.f("ck_chart_line_dose_range")
        ),
        sa.CheckConstraint(
            "ends_at IS NULL OR ends_at > starts_at", name=op.f("ck_chart_line_period")
        ),
        sa.ForeignKeyConstraint(
            ["medicine_id"], ["medicine.id"], name=op.f("fk_chart_line_medicine_id_medicine")
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"], ["chart_line.id"], name=op.f("fk_chart_line_replaces_id_chart_line")
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_chart_line_resident_id_resident")
        ),
        sa.ForeignKeyConstraint(
            ["transcribed_by_id"], ["staff.id"], name=op.f("fk_chart_line_transcribed_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chart_line")),
    )
    with op.batch_alter_table("chart_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_chart_line_medicine_id"), ["medicine_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_chart_line_resident_id"), ["resident_id"], unique=False
        )

    op.create_table(
        "administration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chart_line_id", sa.Integer(), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("not_given_code", sa.String(length=4), nullable=True),
        sa.Column("dose_given", sa.Numeric(precision=10, scale=3), nullable=True),
        sa.Column("administered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("witness_id", sa.Integer(), nullable=True),
        sa.Column("gtin", sa.String(length=14), nullable=True),
        sa.Column("batch", sa.String(length=20), nullable=True),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.Column("serial", sa.String(length=20), nullable=True),
        sa.Column("no_scan_reason", sa.Text(), nullable=True),
        sa.Column("site", sa.String(length=100), nullable=True),
        sa.Column("prn_reason", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("override_by_id", sa.Integer(), nullable=True),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("correction_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "outcome <> 'given' OR (dose_given IS NOT NULL AND dose_given > 0)",
            name=op.f("ck_administration_dose_when_given"),
        ),
        sa.CheckConstraint(
            "outcome <> 'not_given' OR not_given_code IS NOT NULL",
            name=op.f("ck_administration_code_when_not_given"),
        ),
        sa.CheckConstraint(
            "outcome IN ('given', 'not_given')", name=op.f("ck_administration_outcome")
        ),
        sa.CheckConstraint(
            "override_reason IS NULL OR override_by_id IS NOT NULL",
            name=op.f("ck_administration_override_by"),
        ),
        sa.CheckConstraint(
            "supersedes_id IS NULL OR correction_reason IS NOT NULL",
            name=op.f("ck_administration_correction_reason"),
        ),
        sa.CheckConstraint(
            "witness_id IS NULL OR witness_id <> staff_id",
            name=op.f("ck_administration_witness_other"),
        ),
        sa.ForeignKeyConstraint(
            ["chart_line_id"],
            ["chart_line.id"],
            name=op.f("fk_administration_chart_line_id_chart_line"),
        ),
        sa.ForeignKeyConstraint(
            ["not_given_code"],
            ["not_given_code.code"],
            name=op.f("fk_administration_not_given_code_not_given_code"),
        ),
        sa.ForeignKeyConstraint(
            ["override_by_id"], ["staff.id"], name=op.f("fk_administration_override_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_administration_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["administration.id"],
            name=op.f("fk_administration_supersedes_id_administration"),
        ),
        sa.ForeignKeyConstraint(
            ["witness_id"], ["staff.id"], name=op.f("fk_administration_witness_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_administration")),
        sa.UniqueConstraint("supersedes_id", name=op.f("uq_administration_supersedes_id")),
    )
    with op.batch_alter_table("administration", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_administration_administered_at"), ["administered_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_administration_chart_line_id"), ["chart_line_id"], unique=False
        )
        batch_op.create_index(
            "uq_administration_one_entry_per_dose",
            ["chart_line_id", "scheduled_at"],
            unique=True,
            sqlite_where=sa.text("supersedes_id IS NULL AND scheduled_at IS NOT NULL"),
            postgresql_where=sa.text("supersedes_id IS NULL AND scheduled_at IS NOT NULL"),
        )

    op.create_table(
        "chart_line_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chart_line_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("effective_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind = 'checked' OR reason IS NOT NULL", name=op.f("ck_chart_line_event_reason_needed")
        ),
        sa.CheckConstraint(
            "kind IN ('checked', 'suspended', 'resumed', 'stopped')",
            name=op.f("ck_chart_line_event_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["chart_line_id"],
            ["chart_line.id"],
            name=op.f("fk_chart_line_event_chart_line_id_chart_line"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_chart_line_event_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chart_line_event")),
    )
    with op.batch_alter_table("chart_line_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_chart_line_event_chart_line_id"), ["chart_line_id"], unique=False
        )

    op.create_table(
        "prn_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("administration_id", sa.Integer(), nullable=False),
        sa.Column("effect", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "effect IN ('effective', 'partly_effective', 'not_effective')",
            name=op.f("ck_prn_outcome_effect"),
        ),
        sa.ForeignKeyConstraint(
            ["administration_id"],
            ["administration.id"],
            name=op.f("fk_prn_outcome_administration_id_administration"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_prn_outcome_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prn_outcome")),
    )
    with op.batch_alter_table("prn_outcome", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_prn_outcome_administration_id"), ["administration_id"], unique=False
        )

    op.create_table(
        "stock_movement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("medicine_id", sa.Integer(), nullable=False),
        sa.Column("chart_line_id", sa.Integer(), nullable=True),
        sa.Column("administration_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=12, scale=3), nullable=False),
        sa.Column("gtin", sa.String(length=14), nullable=True),
        sa.Column("batch", sa.String(length=20), nullable=True),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("witness_id", sa.Integer(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('received', 'administered', 'wasted', 'returned', 'carried_forward', 'count_adjustment')",
            name=op.f("ck_stock_movement_kind"),
        ),
        sa.CheckConstraint(
            "kind NOT IN ('wasted', 'returned', 'count_adjustment') OR reason IS NOT NULL",
            name=op.f("ck_stock_movement_reason_needed"),
        ),
        sa.CheckConstraint("quantity <> 0", name=op.f("ck_stock_movement_nonzero")),
        sa.ForeignKeyConstraint(
            ["administration_id"],
            ["administration.id"],
            name=op.f("fk_stock_movement_administration_id_administration"),
        ),
        sa.ForeignKeyConstraint(
            ["chart_line_id"],
            ["chart_line.id"],
            name=op.f("fk_stock_movement_chart_line_id_chart_line"),
        ),
        sa.ForeignKeyConstraint(
            ["medicine_id"], ["medicine.id"], name=op.f("fk_stock_movement_medicine_id_medicine")
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_stock_movement_resident_id_resident")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_stock_movement_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["witness_id"], ["staff.id"], name=op.f("fk_stock_movement_witness_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movement")),
    )
    with op.batch_alter_table("stock_movement", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stock_movement_resident_medicine", ["resident_id", "medicine_id"], unique=False
        )

    codes = sa.table(
        "not_given_code",
        sa.column("code", sa.String),
        sa.column("label", sa.String),
        sa.column("fhir_reason", sa.String),
        sa.column("note_required", sa.Boolean),
        sa.column("is_incident", sa.Boolean),
        sa.column("active", sa.Boolean),
        sa.column("sort_order", sa.Integer),
    )
    op.bulk_insert(
        codes,
        [
            dict(
                code=c,
                label=label,
                fhir_reason=fhir,
                note_required=note,
                is_incident=incident,
                active=True,
                sort_order=i,
            )
            for i, (c, label, fhir, note, incident) in enumerate(DEFAULT_NOT_GIVEN_CODES)
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("stock_movement", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_movement_resident_medicine")

    op.drop_table("stock_movement")
    with op.batch_alter_table("prn_outcome", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prn_outcome_administration_id"))

    op.drop_table("prn_outcome")
    with op.batch_alter_table("chart_line_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chart_line_event_chart_line_id"))

    op.drop_table("chart_line_event")
    with op.batch_alter_table("administration", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_administration_one_entry_per_dose",
            sqlite_where=sa.text("supersedes_id IS NULL AND scheduled_at IS NOT NULL"),
            postgresql_where=sa.text("supersedes_id IS NULL AND scheduled_at IS NOT NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_administration_chart_line_id"))
        batch_op.drop_index(batch_op.f("ix_administration_administered_at"))

    op.drop_table("administration")
    with op.batch_alter_table("chart_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chart_line_resident_id"))
        batch_op.drop_index(batch_op.f("ix_chart_line_medicine_id"))

    op.drop_table("chart_line")
    with op.batch_alter_table("allergy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allergy_resident_id"))

    op.drop_table("allergy")
    with op.batch_alter_table("absence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_absence_resident_id"))

    op.drop_table("absence")
    with op.batch_alter_table("resident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resident_unit_id"))

    op.drop_table("resident")
    op.drop_table("unit")
    op.drop_table("medicine_ingredient")
    with op.batch_alter_table("medicine_gtin", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_medicine_gtin_medicine_id"))

    op.drop_table("medicine_gtin")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))

    op.drop_table("audit_event")
    op.drop_table("staff")
    op.drop_table("not_given_code")
    with op.batch_alter_table("medicine", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_medicine_name"))

    op.drop_table("medicine")
    op.drop_table("ingredient")
    op.drop_table("care_home")
