"""A home for end-to-end runs: the demo home plus, for Harold Green, a dose of amlodipine due
at the moment it is built and a PRN line never given, so what the tests and the scan benchmark
see does not depend on the time of day or the demo's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select, update

from emar.infra.db import Database, open_database
from emar.models import Administration, CareHome, Medicine, MedicineGtin
from emar.services.charts.editing import LineForm, add_chart_line, check_chart_line
from emar.services.home import get_home
from emar.services.staff.signing import Signature
from tests.support.homes import PINS, Home


@dataclass
class E2EHome:
    """The demo home plus, for Harold Green, a dose of amlodipine due now and a PRN line that
    has never been given (so the tests do not depend on the time of day or the demo history)."""

    db: Database
    url: str
    home: Home
    resident: int  # Harold Green
    due_gtin: str  # the amlodipine pack
    prn_gtin: str  # the paracetamol pack
    other_gtin: str  # a pack on another resident's chart only
    entries_before: int  # the last MAR entry's id before the test (the demo has a history)

    def count(self, table) -> int:  # type: ignore[no-untyped-def]
        with self.db.read() as s:
            return int(s.scalar(select(func.count()).select_from(table)) or 0)


def _gtin(session, name: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    row = session.execute(
        select(Medicine.id, MedicineGtin.gtin)
        .join(MedicineGtin)
        .where(Medicine.name.like(f"{name}%"))
        .order_by(Medicine.id)
    ).first()
    assert row is not None, name
    return int(row[0]), str(row[1])


def prepare_home(url: str, *, idle_lock_minutes: int | None = None) -> E2EHome:
    db = open_database(url)
    home = Home(db)
    harold = home.residents["Harold Green"]
    now = datetime.now(UTC)
    with db.write() as s:
        zone = get_home(s).zone
        due = now.astimezone(zone).strftime("%H:%M")
        amlo_id, amlo_gtin = _gtin(s, "Amlodipine")
        para_id, para_gtin = _gtin(s, "Paracetamol")
        other_id, other_gtin = _gtin(s, "Donepezil")
        start = now - timedelta(hours=2)
        nurse = home.staff["nina"]
        regular = add_chart_line(
            s,
            nurse,
            harold,
            LineForm(
                amlo_id,
                Decimal(1),
                Decimal(1),
                "times_of_day",
                start,
                "Dr Shah",
                "GP letter",
                times_of_day=due,
            ),
        )
        prn = add_chart_line(
            s,
            nurse,
            harold,
            LineForm(
                para_id,
                Decimal(1),
                Decimal(2),
                "prn",
                start,
                "Dr Shah",
                "GP letter",
                prn_indication="pain",
                prn_min_interval_minutes=240,
                prn_max_doses_24h=4,
            ),
        )
        for line in (regular, prn):
            check_chart_line(s, Signature("mark", PINS["mark"]), line, start)
        if idle_lock_minutes is not None:
            s.execute(update(CareHome).values(idle_lock_minutes=idle_lock_minutes))
    assert other_id not in (amlo_id, para_id)
    with db.read() as s:
        last = int(s.scalar(select(func.max(Administration.id))) or 0)
    return E2EHome(db, url, home, harold, amlo_gtin, para_gtin, other_gtin, last)
