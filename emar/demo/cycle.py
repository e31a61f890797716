"""The demo home's monthly cycle (issue 18): its cycle start, pack prices, the order for the
next cycle and the pharmacy's early delivery with a discrepancy (one line short, one missing),
so the order, receipt check and waste screens have something true to show. Made through the
same services as a real home's."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from emar.demo.data import DEMO_PACK_PRICES, PACK_SIZE, PACK_SIZES
from emar.domain.ordering import CYCLE_DAYS
from emar.services.charts.ordering import OrderChange, draft_order, record_order
from emar.services.charts.prices import enter_price
from emar.services.charts.stock import book_in
from emar.services.home import set_cycle_start

NURSE, MANAGER = "nina", "mark"
ORDERED_DAYS_AGO = 2
DELIVERED_HOURS_AGO = 3
# Beatrice's paracetamol waits for the GP's answer on her dose (she weighs under 50 kg)
NOT_REQUIRED = ("Shelton", "Paracetamol", "awaiting the GP's dose advice (low weight)")
SHORT = ("Baker", "Warfarin")  # a pack short
MISSING = ("Smith", "Co-careldopa")  # none came: time-critical, to chase today


def build_demo_cycle(
    session: Session,
    staff: dict[str, int],
    products: dict[str, tuple[int, str]],  # catalogue key -> (product id, pack barcode)
    units: dict[str, str],  # catalogue key -> dose unit
    zone: ZoneInfo,
    now: datetime,
    chart_start: datetime,
) -> dict[str, int]:
    nurse = staff[NURSE]
    first_day = chart_start.astimezone(zone).date()
    set_cycle_start(session, staff[MANAGER], first_day)
    for key, (product_id, _gtin) in products.items():
        if key in DEMO_PACK_PRICES:
            size = PACK_SIZES.get(units[key], PACK_SIZE)
            enter_price(session, nurse, product_id, size, DEMO_PACK_PRICES[key], chart_start)
    next_start = first_day + timedelta(days=CYCLE_DAYS)
    made_at = now - timedelta(days=ORDERED_DAYS_AGO)
    draft = draft_order(session, nurse, next_start, made_at)

    def find(family: str, medicine: str) -> int | None:
        for line in draft.lines:
            if line.resident.endswith(family) and line.medicine.startswith(medicine):
                return line.chart_line_id
        return None

    changes = {}
    not_required = find(*NOT_REQUIRED[:2])
    if not_required is not None:
        changes[not_required] = OrderChange(not_required_reason=NOT_REQUIRED[2])
    order_id = record_order(
        session, nurse, next_start, made_at, changes, note="sent to Riverside and the pharmacy"
    )
    gtins = {product_id: gtin for product_id, gtin in products.values()}
    short, missing = find(*SHORT), find(*MISSING)
    delivered = now - timedelta(hours=DELIVERED_HOURS_AGO)
    booked = 0
    for line in draft.lines:
        gtin = gtins.get(line.medicine_id)
        if not line.ordered or line.chart_line_id in changes or gtin is None:
            continue
        if line.chart_line_id == missing:
            continue
        packs = line.packs - 1 if line.chart_line_id == short else line.packs
        if packs <= 0:
            continue
        quantity = Decimal(packs * (line.pack_size or 1))
        book_in(session, nurse, line.chart_line_id, gtin, quantity, delivered, batch="DEMO-NEXT")
        booked += 1
    return {"order_id": order_id, "packs_booked_in": booked}
