"""Homely remedies (migration 0013): the home's own over-the-counter medicines, each with its
protocol; a resident's authorisation by their GP (a withdrawal is a new row); and the home's stock
book of them (received, given, counted, disposed), whose balance is the sum of its rows.
All append-only."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emar.models.base import Base, UTCDateTime, utcnow
from emar.models.medicine import Medicine

AUTHORISATION_KINDS = ("authorised", "withdrawn")
STOCK_KINDS = ("received", "given", "counted", "disposed")


class HomelyRemedy(Base):
    """One remedy on the home's list, with the protocol it is given under."""

    __tablename__ = "homely_remedy"
    __table_args__ = (
        CheckConstraint("dose_min > 0 AND dose_max >= dose_min", name="dose_range"),
        CheckConstraint(
            "min_interval_minutes > 0 AND max_doses_24h > 0 AND max_duration_hours > 0",
            name="limits",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    medicine_id: Mapped[int] = mapped_column(ForeignKey("medicine.id"), index=True)
    indication: Mapped[str] = mapped_column(Text)
    dose_min: Mapped[Decimal] = mapped_column(Numeric(10, 3))
    dose_max: Mapped[Decimal] = mapped_column(Numeric(10, 3))
    min_interval_minutes: Mapped[int] = mapped_column()
    max_doses_24h: Mapped[int] = mapped_column()
    max_duration_hours: Mapped[int] = mapped_column()
    directions: Mapped[str | None] = mapped_column(Text)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    medicine: Mapped[Medicine] = relationship()


class HomelyAuthorisation(Base):
    """A GP's agreement that a resident may have a remedy under its protocol (kind
    "authorised", with the PRN chart line it wrote), or its withdrawal (kind "withdrawn",
    pointing at the authorisation it ends)."""

    __tablename__ = "homely_authorisation"
    __table_args__ = (
        CheckConstraint(f"kind IN {AUTHORISATION_KINDS!r}", name="kind"),
        CheckConstraint(
            "kind <> 'authorised' OR (chart_line_id IS NOT NULL AND gp_name IS NOT NULL"
            " AND authorised_on IS NOT NULL AND review_date IS NOT NULL"
            " AND review_date >= authorised_on AND max_duration_hours > 0)",
            name="authorised_needs",
        ),
        CheckConstraint(
            "kind <> 'withdrawn' OR (withdraws_id IS NOT NULL AND reason IS NOT NULL)",
            name="withdrawn_needs",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    remedy_id: Mapped[int] = mapped_column(ForeignKey("homely_remedy.id"), index=True)
    chart_line_id: Mapped[int | None] = mapped_column(ForeignKey("chart_line.id"), index=True)
    gp_name: Mapped[str | None] = mapped_column(String(200))
    authorised_on: Mapped[date | None] = mapped_column(Date)
    review_date: Mapped[date | None] = mapped_column(Date)
    max_duration_hours: Mapped[int | None] = mapped_column()
    withdraws_id: Mapped[int | None] = mapped_column(ForeignKey("homely_authorisation.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HomelyStock(Base):
    """One row of the home's stock book of a remedy: quantity signed (+ in, - out); a count
    holds what was counted and, as its quantity, the difference from the balance then."""

    __tablename__ = "homely_stock"
    __table_args__ = (
        CheckConstraint(f"kind IN {STOCK_KINDS!r}", name="kind"),
        CheckConstraint("kind = 'counted' OR quantity <> 0", name="nonzero"),
        CheckConstraint("kind <> 'counted' OR counted >= 0", name="counted_needed"),
        CheckConstraint("kind <> 'disposed' OR reason IS NOT NULL", name="reason_needed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    remedy_id: Mapped[int] = mapped_column(ForeignKey("homely_remedy.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    counted: Mapped[Decimal | None] = mapped_column(Numeric(12, 3))
    batch: Mapped[str | None] = mapped_column(String(20))
    expiry: Mapped[date | None] = mapped_column(Date)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    administration_id: Mapped[int | None] = mapped_column(ForeignKey("administration.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
