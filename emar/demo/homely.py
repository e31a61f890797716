"""The demo home's homely remedies (issue 18 part 6): paracetamol and senna from the home's own
stock, under protocols agreed with the GP, authorised for two residents. Written after the MAR
history, so the home's stock book holds what it was given and nothing the generator made."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from emar.demo.data import DEMO_STAFF
from emar.services.charts.homely_remedies import RemedyForm, add_remedy, authorise, receive
from emar.services.staff.signing import Signature

GP = "Dr A. Shah, Riverside Medical Centre"
# (catalogue key, indication, dose min, dose max, minutes apart, doses in 24 h, hours, stock)
REMEDIES = (
    ("paracetamol", "Mild pain or fever", 1, 2, 240, 4, 48, 32),
    ("senna", "Constipation", 1, 2, 1440, 1, 72, 60),
)
AUTHORISED = (("Green", "paracetamol"), ("Clarke", "paracetamol"), ("Green", "senna"))
REVIEW_MONTHS = 6


def build_demo_homely(
    session: Session,
    staff: dict[str, int],
    medicine_ids: dict[str, int],  # catalogue key -> product id
    residents: dict[str, int],  # family name -> resident id
    zone: ZoneInfo,
    chart_start: datetime,
) -> dict[str, int]:
    nurse = staff["nina"]
    pins = {username: pin for username, _n, _r, _p, pin, _b in DEMO_STAFF}
    checker = Signature("ben", pins["ben"])
    first_day = chart_start.astimezone(zone).date()
    remedies = {}
    for key, indication, low, high, apart, per_day, hours, stock in REMEDIES:
        form = RemedyForm(
            medicine_ids[key], indication, Decimal(low), Decimal(high), apart, per_day, hours
        )
        remedies[key] = add_remedy(session, nurse, form)
        receive(
            session,
            nurse,
            remedies[key],
            Decimal(stock),
            chart_start,
            batch=f"HR-{key[:4].upper()}",
            expiry=first_day + timedelta(days=540),
        )
    for family, key in AUTHORISED:
        authorise(
            session,
            nurse,
            residents[family],
            remedies[key],
            gp_name=GP,
            authorised_on=first_day,
            review_date=first_day + timedelta(days=30 * REVIEW_MONTHS),
            checker=checker,
            at=chart_start,
        )
    return {"homely_remedies": len(remedies), "homely_authorisations": len(AUTHORISED)}
