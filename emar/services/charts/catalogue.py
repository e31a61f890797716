"""The medicine catalogue: search as you type, add products, attach pack barcodes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from emar.domain.gtin import to_gtin14
from emar.domain.text_rules import SHORT, clean_text, required_text
from emar.errors import ValidationError
from emar.models import Ingredient, Medicine, MedicineGtin, MedicineIngredient
from emar.services.audit import record_event
from emar.services.charts.packs import medicines_for_gtin
from emar.services.permissions import Action, require


@dataclass(frozen=True)
class MedicineView:
    id: int
    name: str
    route: str
    dose_unit: str
    controlled: bool
    time_critical: bool
    high_risk: bool
    gtins: tuple[str, ...]


@dataclass
class ProductForm:
    name: str
    form: str
    route: str
    dose_unit: str
    strength: str | None = None
    ingredients: list[tuple[str, Decimal, str, str | None]] = field(default_factory=list)
    cd_schedule: int | None = None
    time_critical: bool = False
    high_risk: bool = False
    dmd_code: str | None = None
    # A supplier's own product of a generic in the catalogue (dm+d's AMP of a VMP): its packs
    # are given for lines transcribed on the generic.
    generic_id: int | None = None
    supplier: str | None = None


def search_medicines(session: Session, text: str, limit: int = 20) -> list[MedicineView]:
    words = [w for w in text.lower().split() if w]
    # generics before a supplier's products of them, then by id: one order every time
    query = (
        select(Medicine)
        .options(selectinload(Medicine.gtins))
        .order_by(Medicine.name, Medicine.vmp_id.is_not(None), Medicine.id)
    )
    for word in words:
        like = f"%{word}%"
        query = query.where(
            or_(
                func.lower(Medicine.name).like(like),
                func.lower(func.coalesce(Medicine.strength, "")).like(like),
            )
        )
    return [
        MedicineView(
            m.id,
            m.display_name,
            m.route,
            m.dose_unit,
            m.is_controlled,
            m.time_critical,
            m.high_risk,
            tuple(g.gtin for g in m.gtins),
        )
        for m in session.scalars(query.limit(limit))
    ]


def add_medicine(session: Session, staff_id: int, product: ProductForm) -> int:
    require(session, staff_id, Action.EDIT_CHARTS)
    if not product.name.strip() or not product.form.strip() or not product.route.strip():
        raise ValidationError("Name, form and route are needed.")
    product = replace(
        product,
        name=required_text(product.name, "Product name", limit=SHORT),
        form=required_text(product.form, "Form", limit=50),
        route=required_text(product.route, "Route", limit=50),
        dose_unit=required_text(product.dose_unit, "Dose unit", limit=20),
        strength=clean_text(product.strength, "Strength", limit=50),
        supplier=clean_text(product.supplier, "Supplier", limit=200),
        # an ingredient must be the same ingredient by name: no hidden characters in it
        ingredients=[
            (required_text(n, "Ingredient", limit=100), a, required_text(u, "Unit", limit=20),
             clean_text(g, "Allergen group", limit=100))
            for n, a, u, g in product.ingredients
        ],
    )  # fmt: skip
    if not product.ingredients:
        raise ValidationError(
            "List the active ingredients with their amounts (PRN limits and "
            "allergy checks use them)."
        )
    if product.cd_schedule is not None and product.cd_schedule not in (2, 3, 4, 5):
        raise ValidationError("A controlled-drug schedule is 2, 3, 4 or 5.")
    generic = session.get(Medicine, product.generic_id) if product.generic_id else None
    if product.generic_id is not None and (generic is None or generic.vmp_id is not None):
        raise ValidationError("The generic product named is not in the catalogue as a generic.")
    if generic is not None and not product.supplier:
        raise ValidationError("Name the supplier of this product of a generic.")
    med = Medicine(
        name=product.name.strip(),
        form=product.form.strip(),
        strength=product.strength,
        route=product.route.strip(),
        dose_unit=product.dose_unit.strip(),
        dmd_code=product.dmd_code,
        cd_schedule=product.cd_schedule,
        time_critical=product.time_critical,
        high_risk=product.high_risk,
        vmp_id=generic.id if generic else None,
        supplier=product.supplier,
    )
    for name, amount, unit, group in product.ingredients:
        if amount <= 0:
            raise ValidationError(f"The amount of {name} must be more than zero.")
        ingredient = session.scalars(
            select(Ingredient).where(func.lower(Ingredient.name) == name.strip().lower())
        ).first() or Ingredient(name=name.strip().lower(), allergen_group=group)
        med.ingredients.append(
            MedicineIngredient(ingredient=ingredient, amount=amount, amount_unit=unit)
        )
    session.add(med)
    session.flush()
    record_event(
        session,
        "catalogue.added",
        staff_id=staff_id,
        entity="medicine",
        entity_id=med.id,
        detail={"name": med.display_name},
    )
    return med.id


def attach_gtin(
    session: Session, staff_id: int, medicine_id: int, gtin: str, pack_size: int | None = None
) -> str:
    """Attach a scanned pack barcode to a product (one product may have several)."""
    require(session, staff_id, Action.EDIT_CHARTS)
    code = to_gtin14(gtin)
    med = session.get(Medicine, medicine_id)
    if med is None:
        raise ValidationError("No such medicine.")
    owners = medicines_for_gtin(session, code)
    if owners:
        other = session.get(Medicine, next(iter(owners)))
        raise ValidationError(
            f"Barcode {code} already belongs to "
            f"{other.display_name if other else 'another product'}."
        )
    session.add(MedicineGtin(medicine_id=med.id, gtin=code, pack_size=pack_size))
    session.flush()
    record_event(
        session,
        "catalogue.gtin_attached",
        staff_id=staff_id,
        entity="medicine",
        entity_id=med.id,
        detail={"gtin": code},
    )
    return code
