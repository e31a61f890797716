"""Everything the round shows for one open resident, read in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from emar.domain.clock_text import clock
from emar.domain.doses import DoseState
from emar.domain.periods import MAR_DAYS
from emar.domain.sites import needs_site
from emar.services.charts.mar import MarChart, resident_mar
from emar.services.charts.reading import ChartLineView, resident_chart
from emar.services.home import get_home
from emar.services.residents.reading import ResidentSummary, list_residents, resident_photo
from emar.services.round.due import DueDose, PrnStatus, due_list
from emar.services.round.recording import last_site


@dataclass(frozen=True)
class ResidentDetail:
    resident: ResidentSummary
    photo: bytes | None
    chart: list[ChartLineView]
    doses: list[DueDose]  # what is due, overdue, missed or done around now (not later today)
    prn: list[PrnStatus]
    mar: MarChart
    last_sites: list[str]  # "Buprenorphine patch: last applied 08:00 at left upper arm"


def resident_detail(session: Session, resident_id: int, now: datetime) -> ResidentDetail | None:
    """The open resident's page; None if they are not a current resident."""
    found = [r for r in list_residents(session, now) if r.id == resident_id]
    if not found:
        return None
    (rounds,) = due_list(session, now, resident_ids=[resident_id])
    zone = get_home(session).zone
    first_day = now.astimezone(zone).date() - timedelta(days=MAR_DAYS - 1)
    chart = resident_chart(session, resident_id, now)
    sites = []
    for line in chart:
        if needs_site(line.route):
            last = last_site(session, line.id)
            when = f"last applied {clock(last[1], zone, now)} at {last[0]}" if last else None
            sites.append(f"{line.medicine}: {when or 'no site recorded yet'}")
    return ResidentDetail(
        found[0],
        resident_photo(session, resident_id),
        chart,
        [d for d in rounds.doses if d.state != DoseState.UPCOMING],
        list(rounds.prn),
        resident_mar(session, resident_id, first_day, now, days=MAR_DAYS),
        sites,
    )
