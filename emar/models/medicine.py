"""The medicine catalogue: products, their pack GTINs and active ingredients."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Numeric, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from emar.domain.gtin import to_gtin14
from emar.models.base import Base, UTCDateTime, utcnow


class Medicine(Base):
    """A product as prescribed and dispensed, e.g. "Paracetamol 500 mg tablets"."""

    __tablename__ = "medicine"
    __table_args__ = (
        CheckConstraint("cd_schedule IS NULL OR cd_schedule BETWEEN 2 AND 5", name="cd_schedule"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    form: Mapped[str] = mapped_column(String(50))
    strength: Mapped[str | None] = mapped_column(String(50))
    route: Mapped[str] = mapped_column(String(50))
    dose_unit: Mapped[str] = mapped_column(String(30))
    dmd_code: Mapped[str | None] = mapped_column(String(20), unique=True)
    cd_schedule: Mapped[int | None] = mapped_column()
    time_critical: Mapped[bool] = mapped_column(default=False)
    high_risk: Mapped[bool] = mapped_column(default=False)
    # dm+d (emar.services.charts.dmd_import): a VMP (generic) or AMP (a supplier's product,
    # `vmp_id` its VMP); None for a product added by hand.
    vmp_id: Mapped[int | None] = mapped_column(ForeignKey("medicine.id"), index=True)
    dmd_kind: Mapped[str | None] = mapped_column(String(3))
    vtm_code: Mapped[str | None] = mapped_column(String(20))
    routes: Mapped[str | None] = mapped_column(String(300))  # every licensed route, ";"-joined
    supplier: Mapped[str | None] = mapped_column(String(200))
    dmd_release: Mapped[str | None] = mapped_column(String(40))
    invalid: Mapped[bool] = mapped_column(default=False, server_default=false())

    gtins: Mapped[list["MedicineGtin"]] = relationship(back_populates="medicine")
    ingredients: Mapped[list["MedicineIngredient"]] = relationship(back_populates="medicine")

    @property
    def display_name(self) -> str:
        # a dm+d name already says strength and form; a supplier tells its AMPs apart
        if self.dmd_kind is not None:
            base = self.name
        elif self.strength:
            base = f"{self.name} {self.strength} {self.form}"
        else:
            base = f"{self.name} {self.form}"
        if self.supplier and (self.dmd_kind == "amp" or self.vmp_id is not None):
            return f"{base} ({self.supplier})"
        return base

    @property
    def is_controlled(self) -> bool:
        return self.cd_schedule is not None


class MedicineGtin(Base):
    """A pack barcode; stored as GTIN-14 so EAN-13 and DataMatrix scans compare equal."""

    __tablename__ = "medicine_gtin"

    id: Mapped[int] = mapped_column(primary_key=True)
    medicine_id: Mapped[int] = mapped_column(ForeignKey("medicine.id"), index=True)
    gtin: Mapped[str] = mapped_column(String(14), unique=True)
    pack_size: Mapped[int | None] = mapped_column()
    ampp_code: Mapped[str | None] = mapped_column(String(20))  # the dm+d pack, when imported

    medicine: Mapped[Medicine] = relationship(back_populates="gtins")

    @validates("gtin")
    def _normalise(self, _key: str, value: str) -> str:
        return to_gtin14(value)


class Ingredient(Base):
    """An active ingredient; `allergen_group` lets an allergy to "penicillins" match amoxicillin."""

    __tablename__ = "ingredient"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    allergen_group: Mapped[str | None] = mapped_column(String(100))
    dmd_code: Mapped[str | None] = mapped_column(String(20), index=True, unique=True)


class MedicineIngredient(Base):
    """How much of an ingredient one dose unit holds (for PRN limits across products)."""

    __tablename__ = "medicine_ingredient"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    medicine_id: Mapped[int] = mapped_column(ForeignKey("medicine.id"), primary_key=True)
    ingredient_id: Mapped[int] = mapped_column(ForeignKey("ingredient.id"), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 4))
    amount_unit: Mapped[str] = mapped_column(String(20))

    medicine: Mapped[Medicine] = relationship(back_populates="ingredients")
    ingredient: Mapped[Ingredient] = relationship()


class PackPrice(Base):
    """What a pack of a product costs, from dm+d (its AMPP's price) or entered by the home.
    Append-only: a new price is a new row, and the latest recorded for a pack counts."""

    __tablename__ = "pack_price"
    __table_args__ = (
        CheckConstraint("pack_size > 0 AND price_pence >= 0", name="positive"),
        CheckConstraint("source IN ('dm+d', 'entered')", name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    medicine_id: Mapped[int] = mapped_column(ForeignKey("medicine.id"), index=True)
    pack_size: Mapped[int] = mapped_column()
    price_pence: Mapped[int] = mapped_column()
    source: Mapped[str] = mapped_column(String(10))
    ampp_code: Mapped[str | None] = mapped_column(String(20))
    price_date: Mapped[date | None] = mapped_column(Date)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
