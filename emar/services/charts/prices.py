"""Pack prices: from dm+d (each import adds a pack's price when it changed) or entered by the
home for what dm+d does not price (a homely remedy bought over the counter, a special).
Append-only; the latest recorded price of a pack counts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from emar.domain.waste import unit_price
from emar.errors import ValidationError
from emar.models import Medicine, PackPrice
from emar.services.audit import record_event
from emar.services.permissions import Action, require

MAX_PENCE = 10_000_000  # £100,000 a pack: anything above is a typing slip


@dataclass(frozen=True)
class PriceView:
    medicine_id: int
    pack_size: int
    price_pence: int
    source: str


def pence(text: str) -> int:
    """A price typed in pounds ("4.85", "£12") as pence; a clear message otherwise."""
    cleaned = text.strip().lstrip("£")
    if "," in cleaned:  # 4,85 is 4.85 in much of Europe and 485 here: ask, never guess
        raise ValidationError(f"{text!r} is not a price: write pounds with a point, e.g. 4.85.")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(f"{text!r} is not a price: give pounds, e.g. 4.85.") from None
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise ValidationError(f"{text!r} is not a price: give pounds and pence, e.g. 4.85.")
    if value == 0:  # a price of nothing would show waste as free; unknown is left unpriced
        raise ValidationError("A price of £0 is not recorded: leave the pack unpriced instead.")
    if value * 100 > MAX_PENCE:
        raise ValidationError(f"{text!r} is not a price for one pack: check the figure.")
    return int(value * 100)


def enter_price(
    session: Session, staff_id: int, medicine_id: int, pack_size: int, price: int, at: datetime
) -> str:
    """The home's price for a pack of a product (pence), recorded as the latest; returns the
    product's name, for the confirmation."""
    require(session, staff_id, Action.MANAGE_STOCK, doing="enter pack prices")
    medicine = session.get(Medicine, medicine_id)
    if medicine is None:
        raise ValidationError("No such product in the catalogue.")
    if pack_size <= 0:
        raise ValidationError("A pack holds at least one dose unit.")
    if not 0 < price <= MAX_PENCE:
        raise ValidationError("That price is not possible for one pack.")
    session.add(
        PackPrice(
            medicine_id=medicine_id,
            pack_size=pack_size,
            price_pence=price,
            source="entered",
            staff_id=staff_id,
            recorded_at=at,
        )
    )
    session.flush()
    record_event(
        session,
        "catalogue.price_entered",
        staff_id=staff_id,
        entity="medicine",
        entity_id=medicine_id,
        detail={"pack_size": pack_size, "price_pence": price},
    )
    return medicine.display_name


def current_prices(session: Session, medicine_ids: Iterable[int]) -> list[PriceView]:
    """The latest price of each pack of these products (by pack size), a product's own or,
    for a generic (VMP), its brands'."""
    ids = set(medicine_ids)
    if not ids:
        return []
    brands = {
        brand: generic
        for brand, generic in session.execute(
            select(Medicine.id, Medicine.vmp_id).where(Medicine.vmp_id.in_(ids))
        )
    }
    latest: dict[tuple[int, int, str | None], PriceView] = {}
    rows = session.execute(
        select(
            PackPrice.medicine_id,
            PackPrice.pack_size,
            PackPrice.price_pence,
            PackPrice.source,
            PackPrice.ampp_code,
        )
        .where(or_(PackPrice.medicine_id.in_(ids), PackPrice.medicine_id.in_(brands)))
        .order_by(PackPrice.recorded_at, PackPrice.id)
    )
    for medicine_id, size, price, source, ampp in rows:
        owner = medicine_id if medicine_id in ids else (brands[medicine_id] or medicine_id)
        key = (medicine_id, size, ampp)
        latest[key] = PriceView(owner, size, price, source)
    return list(latest.values())


def unit_prices(session: Session, medicine_ids: Iterable[int]) -> dict[int, Decimal]:
    """Pence per dose unit of each product with a known price: its cheapest pack's."""
    packs: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for p in current_prices(session, medicine_ids):
        packs[p.medicine_id].append((p.pack_size, p.price_pence))
    return {m: price for m, sizes in packs.items() if (price := unit_price(sizes)) is not None}
