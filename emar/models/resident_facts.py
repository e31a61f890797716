"""What the pharmacist's signals need to know about a resident beyond the chart: conditions
relevant to medicines, observations with their date (weight, eGFR, INR, lithium level,
methotrexate bloods, a fall) and the monitoring a high-risk medicine needs. All append-only:
a correction or an end is a new row that `supersedes` the one it replaces."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from emar.models.base import Base, UTCDateTime, utcnow

FACT_STATUSES = ("active", "resolved", "entered-in-error")


class ResidentCondition(Base):
    """A condition that matters to medicines: dementia, Parkinson's, falls, CKD, swallowing
    difficulty... (the keys: emar.domain.review.facts)."""

    __tablename__ = "resident_condition"
    __table_args__ = (CheckConstraint(f"status IN {FACT_STATUSES!r}", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    condition: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="active")
    noted_on: Mapped[date | None] = mapped_column(Date)  # diagnosed / first noted, if known
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("resident_condition.id"), index=True, unique=True
    )
    change_reason: Mapped[str | None] = mapped_column(Text)


class ResidentObservation(Base):
    """A measurement or event with its date: weight (kg), eGFR (mL/min/1.73m2), INR, lithium
    (mmol/L), methotrexate bloods (done), a fall. `value` is None for an event."""

    __tablename__ = "resident_observation"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    value: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    unit: Mapped[str | None] = mapped_column(String(20))
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("resident_observation.id"), index=True, unique=True
    )
    change_reason: Mapped[str | None] = mapped_column(Text)


class MonitoringPlan(Base):
    """How often a resident's high-risk medicine must be monitored (INR every 4 weeks, lithium
    level every 3 months...); `status` ends it, by a new row superseding it."""

    __tablename__ = "monitoring_plan"
    __table_args__ = (
        CheckConstraint(f"status IN {FACT_STATUSES!r}", name="status"),
        CheckConstraint("every_days BETWEEN 1 AND 730", name="every_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    chart_line_id: Mapped[int | None] = mapped_column(ForeignKey("chart_line.id"))
    kind: Mapped[str] = mapped_column(String(30))  # the observation kind that satisfies it
    every_days: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default="active")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("monitoring_plan.id"), index=True, unique=True
    )
    change_reason: Mapped[str | None] = mapped_column(Text)


class SignalThreshold(Base):
    """A home's own threshold for a signal (e.g. refusals in 7 days); absent: the default in
    emar.domain.review.thresholds. Changed through a service that audits the earlier value."""

    __tablename__ = "signal_threshold"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
