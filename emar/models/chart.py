"""Chart lines (one prescribed item each) and their append-only status history.

A chart line is never edited. A change of dose is a new line that `replaces` the old one, which is
stopped; a check, suspension, resumption or stop is a ChartLineEvent. The line's status is read
from its events (see emar.services.charts.reading.line_status).
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emar.models.base import Base, UTCDateTime, utcnow
from emar.models.medicine import Medicine

TIMINGS = ("times_of_day", "weekdays", "every_n_days", "every_n_hours", "prn")
CLOCK_TIMINGS = ("times_of_day", "weekdays", "every_n_days")


class ChartLine(Base):
    __tablename__ = "chart_line"
    __table_args__ = (
        CheckConstraint(f"timing IN {TIMINGS!r}", name="timing"),
        CheckConstraint("dose_min > 0 AND dose_max >= dose_min", name="dose_range"),
        CheckConstraint(
            f"timing NOT IN {CLOCK_TIMINGS!r} OR times_of_day IS NOT NULL", name="times_needed"
        ),
        CheckConstraint("timing <> 'weekdays' OR weekdays IS NOT NULL", name="weekdays_needed"),
        CheckConstraint(
            "timing <> 'every_n_days' OR (every_n_days IS NOT NULL AND every_n_days >= 1)",
            name="every_n_days_needed",
        ),
        CheckConstraint(
            "timing <> 'every_n_hours' OR (every_n_hours IS NOT NULL AND every_n_hours >= 1)",
            name="every_n_hours_needed",
        ),
        CheckConstraint(
            "timing <> 'prn' OR (prn_indication IS NOT NULL"
            " AND prn_min_interval_minutes IS NOT NULL AND prn_min_interval_minutes > 0"
            " AND prn_max_doses_24h IS NOT NULL AND prn_max_doses_24h > 0)",
            name="prn_limits",
        ),
        CheckConstraint("ends_at IS NULL OR ends_at > starts_at", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    medicine_id: Mapped[int] = mapped_column(ForeignKey("medicine.id"), index=True)
    # The medicine as transcribed (name strength form): a newer dm+d release may rename the
    # catalogue's product, the chart keeps what was written. None on lines from before 0006.
    medicine_text: Mapped[str | None] = mapped_column(String(300))
    dose_min: Mapped[Decimal] = mapped_column(Numeric(10, 3))
    dose_max: Mapped[Decimal] = mapped_column(Numeric(10, 3))
    dose_unit: Mapped[str] = mapped_column(String(30))
    dose_choice: Mapped[str | None] = mapped_column(Text)  # how to choose within a range
    route: Mapped[str] = mapped_column(String(50))
    timing: Mapped[str] = mapped_column(String(20))
    times_of_day: Mapped[str | None] = mapped_column(String(200))  # "08:00,18:00" local clock
    weekdays: Mapped[str | None] = mapped_column(String(20))  # ISO numbers "1,4" = Mon, Thu
    every_n_days: Mapped[int | None] = mapped_column()
    every_n_hours: Mapped[int | None] = mapped_column()
    directions: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    prescriber: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(200))
    prn_indication: Mapped[str | None] = mapped_column(Text)
    prn_min_interval_minutes: Mapped[int | None] = mapped_column()
    prn_max_doses_24h: Mapped[int | None] = mapped_column()
    review_date: Mapped[date | None] = mapped_column(Date)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("chart_line.id"))
    # the pharmacist's recommendation this new line carries out (migration 0008)
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("recommendation.id", use_alter=True)  # recommendation points back at lines
    )
    transcribed_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    medicine: Mapped[Medicine] = relationship()
    events: Mapped[list["ChartLineEvent"]] = relationship(
        back_populates="chart_line", order_by="ChartLineEvent.id"
    )

    @property
    def is_prn(self) -> bool:
        return self.timing == "prn"

    @property
    def time_list(self) -> list[str]:
        return [t.strip() for t in (self.times_of_day or "").split(",") if t.strip()]


EVENT_KINDS = ("checked", "suspended", "resumed", "stopped")


class ChartLineEvent(Base):
    """A signed change of a line's status; the second-person check is one too (NICE SC1)."""

    __tablename__ = "chart_line_event"
    __table_args__ = (
        CheckConstraint(f"kind IN {EVENT_KINDS!r}", name="kind"),
        CheckConstraint("kind = 'checked' OR reason IS NOT NULL", name="reason_needed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chart_line_id: Mapped[int] = mapped_column(ForeignKey("chart_line.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    effective_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the pharmacist's recommendation this stop or change carries out (migration 0008)
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("recommendation.id", use_alter=True)  # recommendation points back at lines
    )

    chart_line: Mapped[ChartLine] = relationship(back_populates="events")
