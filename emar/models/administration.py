"""Administrations (append-only), PRN outcomes and the not-given code table."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emar.domain.codes import Outcome, PrnEffect
from emar.models.base import Base, UTCDateTime, utcnow
from emar.models.chart import ChartLine

OUTCOMES = tuple(o.value for o in Outcome)  # plain strings: the check constraint's text


class NotGivenCode(Base):
    """A configurable code ("R refused"); each maps to a FHIR statusReason for export."""

    __tablename__ = "not_given_code"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    label: Mapped[str] = mapped_column(String(100))
    fhir_reason: Mapped[str] = mapped_column(String(50))
    note_required: Mapped[bool] = mapped_column(default=False)
    is_incident: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)


class Administration(Base):
    """One entry on the MAR. Never updated or deleted: a correction is a new row that supersedes.

    A scheduled dose has at most one original entry (unique index below), so two ward PCs giving
    the same dose cannot both succeed; later changes to it are corrections in its chain, and each
    entry can be superseded only once, so the chain cannot fork.
    """

    __tablename__ = "administration"
    __table_args__ = (
        CheckConstraint(f"outcome IN {OUTCOMES!r}", name="outcome"),
        CheckConstraint(
            "outcome <> 'not_given' OR not_given_code IS NOT NULL", name="code_when_not_given"
        ),
        CheckConstraint(
            "outcome <> 'given' OR (dose_given IS NOT NULL AND dose_given > 0)",
            name="dose_when_given",
        ),
        CheckConstraint(
            "supersedes_id IS NULL OR correction_reason IS NOT NULL", name="correction_reason"
        ),
        CheckConstraint(
            "override_reason IS NULL OR override_by_id IS NOT NULL", name="override_by"
        ),
        CheckConstraint("witness_id IS NULL OR witness_id <> staff_id", name="witness_other"),
        # A line's doses in a time range: the due list, the MAR grid, PRN limits.
        Index("ix_administration_line_scheduled", "chart_line_id", "scheduled_at"),
        Index("ix_administration_line_administered", "chart_line_id", "administered_at"),
        Index(
            "uq_administration_one_entry_per_dose",
            "chart_line_id",
            "scheduled_at",
            unique=True,
            sqlite_where=text("supersedes_id IS NULL AND scheduled_at IS NOT NULL"),
            postgresql_where=text("supersedes_id IS NULL AND scheduled_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chart_line_id: Mapped[int] = mapped_column(ForeignKey("chart_line.id"))
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)  # None: PRN
    outcome: Mapped[str] = mapped_column(String(12))
    not_given_code: Mapped[str | None] = mapped_column(ForeignKey("not_given_code.code"))
    dose_given: Mapped[Decimal | None] = mapped_column(Numeric(10, 3))
    administered_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    witness_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    gtin: Mapped[str | None] = mapped_column(String(14))
    batch: Mapped[str | None] = mapped_column(String(20))
    expiry: Mapped[date | None] = mapped_column(Date)
    serial: Mapped[str | None] = mapped_column(String(20))
    no_scan_reason: Mapped[str | None] = mapped_column(Text)
    site: Mapped[str | None] = mapped_column(String(100))
    prn_reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    override_reason: Mapped[str | None] = mapped_column(Text)
    override_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("administration.id"), unique=True)
    correction_reason: Mapped[str | None] = mapped_column(Text)
    # Filled in after the dose's time (given earlier, or a missed slot): why, flagged for review.
    late_entry_reason: Mapped[str | None] = mapped_column(Text)

    chart_line: Mapped[ChartLine] = relationship()


PRN_EFFECTS = tuple(e.value for e in PrnEffect)


class PrnOutcome(Base):
    """Was the PRN dose effective? Recorded later than the dose, so a row of its own."""

    __tablename__ = "prn_outcome"
    __table_args__ = (CheckConstraint(f"effect IN {PRN_EFFECTS!r}", name="effect"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    administration_id: Mapped[int] = mapped_column(ForeignKey("administration.id"), index=True)
    effect: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
