"""The monthly order (issue 18): what was ordered for a 28-day cycle, line by line, as the
nurse checked it. Append-only: an order is recorded once; a new one for the same cycle is a
new record."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from emar.models.base import Base, UTCDateTime, utcnow

RECEIPT_OUTCOMES = (  # emar.domain.receipt.Outcome
    "received",
    "short",
    "missing",
    "extra",
    "unexpected",
    "wrong strength",
    "another product",
)


class MedicineOrder(Base):
    __tablename__ = "medicine_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_start: Mapped[date] = mapped_column(Date, index=True)
    made_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)


class MedicineOrderLine(Base):
    """One chart line in an order: what the rule worked out and what the nurse decided."""

    __tablename__ = "medicine_order_line"
    __table_args__ = (
        CheckConstraint("quantity >= 0 AND packs >= 0", name="not_negative"),
        CheckConstraint(
            "not_required_reason IS NULL OR quantity = 0", name="not_required_orders_nothing"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("medicine_order.id"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    chart_line_id: Mapped[int] = mapped_column(ForeignKey("chart_line.id"))
    medicine_id: Mapped[int] = mapped_column(ForeignKey("medicine.id"))
    needed: Mapped[Decimal] = mapped_column(Numeric(12, 3))  # dose units the cycle needs
    in_stock: Mapped[Decimal] = mapped_column(Numeric(12, 3))  # carried forward
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3))  # dose units ordered
    packs: Mapped[int] = mapped_column()
    pack_size: Mapped[int | None] = mapped_column()
    note: Mapped[str] = mapped_column(Text)  # how the quantity was worked out
    not_required_reason: Mapped[str | None] = mapped_column(Text)
    adjusted_reason: Mapped[str | None] = mapped_column(Text)


class ReceiptCheck(Base):
    """The check, signed, of what arrived against an order (issue 18, part 2)."""

    __tablename__ = "receipt_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("medicine_order.id"), index=True)
    checked_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)


class ReceiptCheckLine(Base):
    """One item of a receipt check as it stood when signed (emar.domain.receipt.Outcome)."""

    __tablename__ = "receipt_check_line"
    __table_args__ = (
        CheckConstraint("ordered >= 0 AND received >= 0", name="not_negative"),
        CheckConstraint(f"outcome IN {RECEIPT_OUTCOMES!r}", name="outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_check_id: Mapped[int] = mapped_column(ForeignKey("receipt_check.id"), index=True)
    chart_line_id: Mapped[int] = mapped_column(ForeignKey("chart_line.id"))
    ordered: Mapped[Decimal] = mapped_column(Numeric(12, 3))  # dose units
    received: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    outcome: Mapped[str] = mapped_column(String(20))
    urgent: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text)
