"""One resident's chart as the pharmacist's review shows it: each line's use day by day over
the last 90 days (the strips), the regular medicines and the anticholinergic burden.

One read transaction and a fixed number of set-based queries (the round's loaders); the
summarising is pure (emar/domain/review/line_use.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from emar.domain.doses import LineFacts
from emar.domain.line_periods import ACTIVE, NOT_STARTED, PENDING
from emar.domain.review.line_use import (
    LONG,
    LineUse,
    acb_scores,
    chart_use,
    regular_medicines,
)
from emar.errors import ValidationError
from emar.infra.medicine_reference import load_knowledge
from emar.services.home import get_home
from emar.services.review.signals import check_may_view
from emar.services.round.facts import load_entries, load_lines, load_residents


@dataclass(frozen=True)
class ChartUse:
    resident_id: int
    resident: str
    lines: tuple[LineFacts, ...]  # active first, regular before PRN, by medicine
    use: Mapping[int, LineUse]
    regular_medicines: int
    prn_lines: int
    acb: Mapping[str, int]  # substance -> score, each once

    @property
    def acb_total(self) -> int:
        return sum(self.acb.values())


def _order(line: LineFacts) -> tuple[bool, bool, str, int]:
    return (line.status != ACTIVE, line.is_prn, line.medicine.lower(), line.id)


def resident_line_use(
    session: Session, staff_id: int | None, resident_id: int, now: datetime, days: int = LONG
) -> ChartUse:
    """The resident's chart lines that were or are active in the last `days` days, with their
    use; the totals count the active lines."""
    check_may_view(session, staff_id)
    residents = load_residents(session, resident_ids=[resident_id])
    if not residents:
        raise ValidationError("No such resident.")
    resident = residents[0]
    home = get_home(session)
    since = now - timedelta(days=days + 1)
    lines = [
        line
        for line in load_lines(session, [resident_id], now, since=since)
        if line.status not in (PENDING, NOT_STARTED)
    ]
    entries = load_entries(session, [resident_id], since, now + timedelta(minutes=1))
    use = chart_use(lines, entries, resident, now, home.zone, home.windows, days)
    active = [line for line in lines if line.status == ACTIVE]
    return ChartUse(
        resident.id,
        resident.name,
        tuple(sorted(lines, key=_order)),
        use,
        regular_medicines(active),
        sum(1 for line in active if line.is_prn),
        acb_scores(active, load_knowledge()),
    )
