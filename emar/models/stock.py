"""Stock movements per resident and medicine; the balance is their sum (append-only)."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from emar.models.base import Base, UTCDateTime, utcnow

MOVEMENT_KINDS = (
    "received",
    "administered",
    "wasted",
    "returned",
    "carried_forward",
    "count_adjustment",
)


class StockMovement(Base):
    __tablename__ = "stock_movement"
    __table_args__ = (
        CheckConstraint(f"kind IN {MOVEMENT_KINDS!r}", name="kind"),
        CheckConstraint("quantity <> 0", name="nonzero"),
        CheckConstraint(
            "kind NOT IN ('wasted', 'returned', 'count_adjustment') OR reason IS NOT NULL",
            name="reason_needed",
        ),
        Index("ix_stock_movement_resident_medicine", "resident_id", "medicine_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    medicine_id: Mapped[int] = mapped_column(ForeignKey("medicine.id"))
    chart_line_id: Mapped[int | None] = mapped_column(ForeignKey("chart_line.id"))
    administration_id: Mapped[int | None] = mapped_column(ForeignKey("administration.id"))
    kind: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3))  # signed: + in, - out
    gtin: Mapped[str | None] = mapped_column(String(14))
    batch: Mapped[str | None] = mapped_column(String(20))
    expiry: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    witness_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReturnBatch(Base):
    """A returns list: what went back to the pharmacy together (append-only)."""

    __tablename__ = "return_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    made_by: Mapped[str] = mapped_column(Text)  # who made it (the command line has no staff id)
    pharmacy: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of its items as listed


class ReturnBatchItem(Base):
    """A returned stock movement in its batch: each in exactly one (UNIQUE)."""

    __tablename__ = "return_batch_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_batch_id: Mapped[int] = mapped_column(ForeignKey("return_batch.id"), index=True)
    stock_movement_id: Mapped[int] = mapped_column(ForeignKey("stock_movement.id"), unique=True)
