"""Reading chart lines: status from their event history, and plain views for screens."""

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from emar.domain.line_periods import ACTIVE, ENDED, STOPPED, Event, status_at
from emar.domain.wording import dose_text, timing_text
from emar.models import ChartLine, Staff, StockMovement


@dataclass(frozen=True)
class LineStatus:
    state: str
    reason: str | None = None

    @property
    def can_be_given(self) -> bool:
        return self.state == ACTIVE


def line_events(line: ChartLine) -> list[Event]:
    return [Event(e.id, e.kind, e.effective_at, e.reason) for e in line.events]


def line_status(line: ChartLine, at: datetime) -> LineStatus:
    """The state of a line at an instant, from its events."""
    return LineStatus(*status_at(line.starts_at, line.ends_at, line_events(line), at))


@dataclass(frozen=True)
class ChartLineView:
    id: int
    medicine: str
    dose: str
    route: str
    timing: str
    times: tuple[str, ...]
    directions: str
    status: str
    status_reason: str | None
    is_prn: bool
    prn_indication: str | None
    controlled: bool
    time_critical: bool
    high_risk: bool
    prescriber: str
    source: str
    transcribed_by: str
    checked_by: str | None
    starts_at: datetime
    ends_at: datetime | None
    in_stock: Decimal = Decimal(0)  # the running balance (receipts less use and waste)


def _view(line: ChartLine, at: datetime, names: dict[int, str]) -> ChartLineView:
    status = line_status(line, at)
    med = line.medicine
    checker = next((e.staff_id for e in line.events if e.kind == "checked"), None)
    return ChartLineView(
        id=line.id,
        medicine=med.display_name,
        dose=dose_text(line.dose_min, line.dose_max, line.dose_unit),
        route=line.route,
        timing=timing_text(
            line.timing,
            line.time_list,
            weekdays=line.weekdays,
            every_n_days=line.every_n_days,
            every_n_hours=line.every_n_hours,
            prn_min_interval_minutes=line.prn_min_interval_minutes,
            prn_max_doses_24h=line.prn_max_doses_24h,
        ),
        times=tuple(line.time_list),
        directions=line.directions or "",
        status=status.state,
        status_reason=status.reason,
        is_prn=line.is_prn,
        prn_indication=line.prn_indication,
        controlled=med.is_controlled,
        time_critical=med.time_critical,
        high_risk=med.high_risk,
        prescriber=line.prescriber,
        source=line.source,
        transcribed_by=names.get(line.transcribed_by_id, "?"),
        checked_by=names.get(checker) if checker else None,
        starts_at=line.starts_at,
        ends_at=line.ends_at,
    )


def resident_chart(
    session: Session, resident_id: int, at: datetime, *, include_finished: bool = False
) -> list[ChartLineView]:
    """A resident's chart lines: regular ones first, then PRN, each by medicine name."""
    lines = session.scalars(
        select(ChartLine)
        .where(ChartLine.resident_id == resident_id)
        .options(selectinload(ChartLine.medicine), selectinload(ChartLine.events))
    ).all()
    names = {sid: name for sid, name in session.execute(select(Staff.id, Staff.full_name))}
    stock = {
        line_id: Decimal(total or 0)
        for line_id, total in session.execute(
            select(StockMovement.chart_line_id, func.sum(StockMovement.quantity))
            .where(StockMovement.chart_line_id.in_([line.id for line in lines]))
            .group_by(StockMovement.chart_line_id)
        )
    }
    views = [
        replace(_view(line, at, names), in_stock=stock.get(line.id, Decimal(0))) for line in lines
    ]
    if not include_finished:
        views = [v for v in views if v.status not in (STOPPED, ENDED)]
    return sorted(views, key=lambda v: (v.is_prn, v.medicine.lower(), v.id))
