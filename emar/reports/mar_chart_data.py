"""The MAR chart's content: each resident's chart for the days asked, filled from the records
(or blank, for downtime), with the not-given codes for the key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.domain.periods import MAR_DAYS
from emar.models import NotGivenCode
from emar.services.charts.mar import MarChart, resident_mar
from emar.services.home import HomeSettings, get_home
from emar.services.residents.reading import ResidentSummary, list_residents, resident_photo
from emar.services.round.dose_outcomes import Cancelled, Progress


@dataclass(frozen=True)
class MarSheet:
    resident: ResidentSummary
    photo: bytes | None
    chart: MarChart


@dataclass(frozen=True)
class MarData:
    home: HomeSettings
    sheets: list[MarSheet]
    codes: list[tuple[str, str]]
    blank: bool


def mar_data(
    session: Session,
    first_day: date,
    now: datetime,
    *,
    days: int = MAR_DAYS,
    unit_id: int | None = None,
    resident_id: int | None = None,
    blank: bool = False,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> MarData:
    """The 28-day chart for each resident, filled from the records (or blank, for downtime)."""
    home = get_home(session)
    residents = [
        r
        for r in list_residents(session, now, unit_id)
        if resident_id is None or r.id == resident_id
    ]
    sheets = []
    for n, r in enumerate(residents, start=1):
        if cancelled is not None and cancelled():
            raise Cancelled
        sheets.append(
            MarSheet(
                r, resident_photo(session, r.id), resident_mar(session, r.id, first_day, now, days)
            )
        )
        if progress is not None:
            progress(n, len(residents))
    codes = session.execute(
        select(NotGivenCode.code, NotGivenCode.label)
        .where(NotGivenCode.active)
        .order_by(NotGivenCode.sort_order)
    ).all()
    return MarData(home, sheets, [(c, label) for c, label in codes], blank)
