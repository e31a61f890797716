"""The demo home's monthly cycle (issue 18): its cycle start, pack prices, the order for the
next cycle and the pharmacy's early delivery with a discrepancy (one line short, one missing),
and disposals of each kind this cycle (a dropped tablet, a refused dose, spoilt liquid, an
expired inhaler, a stopped medicine returned, a controlled drug's patch destroyed with a witness, a
medicine stopped the day after it was ordered and returned when it came anyway), some already
sent back in a returns batch. So the order, receipt check, disposal register and waste report
have something true to show. Made through the same services as a real home's."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.demo.data import DEMO_PACK_PRICES, DEMO_STAFF, PACK_SIZE, PACK_SIZES
from emar.domain.disposal import Reason
from emar.domain.ordering import CYCLE_DAYS
from emar.models import ChartLine, Medicine, Resident
from emar.services.charts.disposals import dispose, make_return_batch
from emar.services.charts.editing import stop_line
from emar.services.charts.ordering import OrderChange, draft_order, record_order
from emar.services.charts.prices import enter_price
from emar.services.charts.stock import balance, book_in
from emar.services.home import set_cycle_start
from emar.services.staff.signing import Signature

NURSE, MANAGER = "nina", "mark"
ORDERED_DAYS_AGO = 2
DELIVERED_HOURS_AGO = 3
# Beatrice's paracetamol waits for the GP's answer on her dose (she weighs under 50 kg)
NOT_REQUIRED = ("Shelton", "Paracetamol", "awaiting the GP's dose advice (low weight)")
SHORT = ("Baker", "Warfarin")  # a pack short
MISSING = ("Smith", "Co-careldopa")  # none came: time-critical, to chase today
STOPPED_AFTER_ORDER = ("Evans", "Metformin", "GP stopped it: eGFR fell to 28")
WITNESS = "ben"  # the senior carer witnesses the controlled drug's destruction
PHARMACY = "Riverside Pharmacy"


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
    # the GP stopped George's metformin the day after the order (his eGFR fell): too late for
    # the pharmacy, which sent it anyway; it goes back, and the waste report calls it avoidable
    stopped = find(*STOPPED_AFTER_ORDER[:2])
    if stopped is not None:
        stop_line(session, nurse, stopped, STOPPED_AFTER_ORDER[2], now - timedelta(days=1))
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
    disposals = _dispose(session, staff, _chart_lines(session), now, stopped)
    return {"order_id": order_id, "packs_booked_in": booked, "disposals": disposals}


def _chart_lines(session: Session) -> dict[tuple[str, str], int]:
    """Chart line ids by (family name, medicine's first word); a regular line before a PRN
    line of the same medicine (Reg's senna: the regular line stopped, a PRN one after)."""
    found: dict[tuple[str, str], int] = {}
    rows = session.execute(
        select(ChartLine.id, Resident.family_name, Medicine.name, ChartLine.timing)
        .join(Resident, Resident.id == ChartLine.resident_id)
        .join(Medicine, Medicine.id == ChartLine.medicine_id)
        .order_by(ChartLine.timing == "prn", ChartLine.id)
    )
    for line_id, family, medicine, _timing in rows:
        found.setdefault((family, medicine.split()[0]), line_id)
    return found


# (family, medicine, quantity, reason, days ago, witnessed)
DISPOSALS = (
    ("Bennett", "Senna", Decimal(56), Reason.STOPPED, 9, False),  # stopped on the GP's advice
    ("Hall", "Salbutamol", Decimal(200), Reason.EXPIRED, 8, False),  # an old inhaler
    ("Jones", "Amlodipine", Decimal(1), Reason.DROPPED, 5, False),
    ("Robinson", "Lactulose", Decimal(15), Reason.SPOILT, 4, False),  # spilt measuring it
    ("Price", "Fentanyl", Decimal(1), Reason.DROPPED, 3, True),  # a patch torn opening it
    ("Shelton", "Risperidone", Decimal(1), Reason.REFUSED, 2, False),  # spat out
)
RETURNS_SENT_DAYS_AGO = 7  # the pharmacy collected the first returns


def _dispose(
    session: Session,
    staff: dict[str, int],
    lines: dict[tuple[str, str], int],
    now: datetime,
    stopped: int | None,
) -> int:
    nurse, made, batched = staff[NURSE], 0, False
    pins = {username: pin for username, _n, _r, _p, pin, _b in DEMO_STAFF}
    witness = Signature(WITNESS, pins[WITNESS])
    for family, medicine, quantity, reason, days, witnessed in DISPOSALS:  # oldest first
        line = lines[(family, medicine)]  # the demo's own residents: missing is a bug
        if days < RETURNS_SENT_DAYS_AGO and not batched and made:
            sent = now - timedelta(days=RETURNS_SENT_DAYS_AGO)
            make_return_batch(session, nurse, sent, PHARMACY, note="collected by the driver")
            batched = True
        at = now - timedelta(days=days)
        dispose(session, nurse, line, quantity, at, reason, witness=witness if witnessed else None)
        made += 1
    if stopped is not None:
        held = balance(session, stopped)
        if held > 0:
            dispose(session, nurse, stopped, held, now - timedelta(hours=1), Reason.STOPPED)
            made += 1
    return made
