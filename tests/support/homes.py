"""Helpers for round-engine tests on the fixed demo home (tests/conftest.py: home_db)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from emar.demo.data import DEMO_STAFF
from emar.models import Administration, ChartLine, Medicine, MedicineGtin, Resident, Staff
from emar.services.round.verification import Intent, PackScan
from emar.services.staff.signing import Signature

LONDON = ZoneInfo("Europe/London")
PINS = {username: pin for username, _n, _r, _p, pin, _b in DEMO_STAFF}


def local(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=LONDON)


class Home:
    """Names to ids in the demo home, read once."""

    def __init__(self, db) -> None:
        with db.read() as s:
            self.residents = {
                f"{g} {f}": i
                for i, g, f in s.execute(
                    select(Resident.id, Resident.given_name, Resident.family_name)
                )
            }
            self.staff = dict(s.execute(select(Staff.username, Staff.id)).all())
            self.lines = {}
            for line_id, rid, name, timing in s.execute(
                select(ChartLine.id, ChartLine.resident_id, Medicine.name, ChartLine.timing).join(
                    Medicine
                )
            ):
                self.lines[(rid, name, timing == "prn")] = line_id
            self.gtins = dict(
                s.execute(select(Medicine.name, MedicineGtin.gtin).join(MedicineGtin)).all()
            )

    def line(self, resident: str, medicine: str, *, prn: bool = False) -> int:
        return self.lines[(self.residents[resident], medicine, prn)]

    def pack(self, medicine: str, **extra) -> PackScan:
        return PackScan(self.gtins[medicine], **extra)

    def intent(
        self, resident: str, medicine: str | None, at: datetime, *, by: str = "amy", **kwargs
    ) -> Intent:
        pack = kwargs.pop("pack", None)
        if pack is None and medicine is not None and "chart_line_id" not in kwargs:
            pack = self.pack(medicine)
        return Intent(self.residents[resident], self.staff[by], at, pack=pack, **kwargs)

    def sign(self, username: str) -> Signature:
        return Signature(username, PINS[username])


def count_entries(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count(Administration.id))) or 0


def dose(text: str) -> Decimal:
    return Decimal(text)
