"""The pharmacist's signals for the home (or some residents), and the review list.

One transaction, a fixed number of set-based queries whatever the home's size: residents, chart
lines, 28 days of MAR entries (round/facts.py), then the review's own facts (forms and review
dates, last changes, stock of stopped lines, conditions, observations, monitoring plans, each
PRN line's last dose, the home's thresholds). The rules are pure: emar/domain/review/signals/.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session, aliased

from emar.domain.doses import LineFacts
from emar.domain.line_periods import ACTIVE
from emar.domain.review.ranking import (
    Counts,
    LastReview,
    ReviewStatus,
    rank_key,
    review_status,
)
from emar.domain.review.signals import (
    Context,
    LineExtra,
    Observation,
    Plan,
    ReviewFacts,
    Signal,
    resident_signals,
)
from emar.domain.review.thresholds import Thresholds
from emar.infra.medicine_reference import load_knowledge
from emar.models import (
    Administration,
    ChartLine,
    ChartLineEvent,
    Medicine,
    MonitoringPlan,
    Resident,
    ResidentCondition,
    ResidentObservation,
    SignalThreshold,
    StockMovement,
)
from emar.services.home import get_home
from emar.services.permissions import Action, NotPermitted, require
from emar.services.round.facts import load_entries, load_lines, load_residents

MIN_LOOK_BACK_DAYS = 28


def check_may_view(session: Session, staff_id: int | None) -> None:
    """Anyone who may view charts or write pharmacist reviews; None: the command line."""
    if staff_id is None:
        return
    try:
        require(session, staff_id, Action.VIEW_CHARTS)
    except NotPermitted:
        require(session, staff_id, Action.REVIEW)


def home_thresholds(session: Session) -> Thresholds:
    rows = session.execute(select(SignalThreshold.key, SignalThreshold.value)).all()
    return Thresholds.of({k: Decimal(v) for k, v in rows})


def _current(model: Any, resident_ids: Sequence[int]) -> Select[Any]:
    """Rows of an append-only fact no later row supersedes."""
    later: Any = aliased(model)
    return select(model).where(
        model.resident_id.in_(resident_ids),
        ~exists().where(later.supersedes_id == model.id),
    )


def _extras(
    session: Session, lines: list[LineFacts], resident_ids: Sequence[int]
) -> dict[int, LineExtra]:
    line_ids = {line.id for line in lines}
    changed: dict[int, datetime] = dict(
        session.execute(
            select(ChartLineEvent.chart_line_id, func.max(ChartLineEvent.effective_at))
            .join(ChartLine, ChartLine.id == ChartLineEvent.chart_line_id)
            .where(ChartLine.resident_id.in_(resident_ids), ChartLineEvent.kind != "checked")
            .group_by(ChartLineEvent.chart_line_id)
        ).all()
    )
    finished = [line.id for line in lines if line.status != ACTIVE]
    stock: dict[int, Decimal] = {}
    if finished:
        stock = {
            lid: Decimal(total or 0)
            for lid, total in session.execute(
                select(StockMovement.chart_line_id, func.sum(StockMovement.quantity))
                .where(StockMovement.chart_line_id.in_(finished))
                .group_by(StockMovement.chart_line_id)
            )
            if lid is not None
        }
    out = {}
    for lid, form, review_date, starts_at in session.execute(
        select(ChartLine.id, Medicine.form, ChartLine.review_date, ChartLine.starts_at)
        .join(Medicine, Medicine.id == ChartLine.medicine_id)
        .where(ChartLine.resident_id.in_(resident_ids))
    ):
        if lid not in line_ids:
            continue
        last = changed.get(lid)
        out[lid] = LineExtra(
            form=form or "",
            review_date=review_date,
            changed_at=max(starts_at, last) if last else starts_at,
            stock=stock.get(lid, Decimal(0)),
        )
    return out


def _last_prn_given(session: Session, lines: list[LineFacts]) -> dict[int, datetime]:
    prn = [line.id for line in lines if line.is_prn and line.status == ACTIVE]
    if not prn:
        return {}
    later = aliased(Administration)
    return dict(
        session.execute(
            select(Administration.chart_line_id, func.max(Administration.administered_at))
            .where(
                Administration.chart_line_id.in_(prn),
                Administration.scheduled_at.is_(None),
                Administration.outcome == "given",
                ~exists().where(later.supersedes_id == Administration.id),
            )
            .group_by(Administration.chart_line_id)
        ).all()
    )


def load_review_facts(
    session: Session, now: datetime, thresholds: Thresholds, resident_ids: Sequence[int] | None
) -> list[ReviewFacts]:
    residents = load_residents(session, resident_ids=resident_ids)
    ids = [r.id for r in residents]
    if not ids:
        return []
    lines = load_lines(session, ids, now)
    days = max(
        MIN_LOOK_BACK_DAYS,
        thresholds.int("prn.often_window"),
        thresholds.int("never_given.days"),
    )
    entries = load_entries(session, ids, now - timedelta(days=days + 1), now)
    extras = _extras(session, lines, ids)
    last_prn = _last_prn_given(session, lines)

    conditions: dict[int, dict[str, int]] = defaultdict(dict)
    for c in session.scalars(
        _current(ResidentCondition, ids).where(ResidentCondition.status == "active")
    ):
        conditions[c.resident_id][c.condition] = c.id
    observations: dict[int, list[Observation]] = defaultdict(list)
    for o in session.scalars(_current(ResidentObservation, ids)):
        value = None if o.value is None else Decimal(o.value)
        observations[o.resident_id].append(Observation(o.id, o.kind, value, o.observed_at))
    plans: dict[int, list[Plan]] = defaultdict(list)
    for p in session.scalars(
        _current(MonitoringPlan, ids).where(MonitoringPlan.status == "active")
    ):
        plans[p.resident_id].append(Plan(p.id, p.kind, p.every_days, p.chart_line_id))
    covert = dict(
        session.execute(
            select(Resident.id, Resident.covert_review_date).where(
                Resident.id.in_(ids), Resident.covert_authorised.is_(True)
            )
        ).all()
    )

    lines_of: dict[int, list[LineFacts]] = defaultdict(list)
    for line in lines:
        lines_of[line.resident_id].append(line)
    owner = {line.id: line.resident_id for line in lines}
    entries_of: dict[int, list] = defaultdict(list)  # type: ignore[type-arg]
    for e in entries:
        if e.chart_line_id in owner:
            entries_of[owner[e.chart_line_id]].append(e)
    return [
        ReviewFacts(
            resident=r,
            lines=tuple(lines_of[r.id]),
            entries=tuple(entries_of[r.id]),
            extras={line.id: extras[line.id] for line in lines_of[r.id] if line.id in extras},
            conditions=conditions[r.id],
            observations=tuple(observations[r.id]),
            plans=tuple(plans[r.id]),
            last_prn_given={k: v for k, v in last_prn.items() if owner.get(k) == r.id},
            covert_review_date=covert.get(r.id),
        )
        for r in residents
    ]


def signals_for(
    session: Session,
    now: datetime,
    resident_ids: Sequence[int] | None = None,
    *,
    staff_id: int | None = None,
) -> list[Signal]:
    """Every signal of the home's residents (or these), resident by resident, most severe
    first within each."""
    check_may_view(session, staff_id)
    home = get_home(session)
    thresholds = home_thresholds(session)
    ctx = Context(now, home.zone, load_knowledge(), thresholds, home.windows)
    return [
        s
        for facts in load_review_facts(session, now, thresholds, resident_ids)
        for s in resident_signals(facts, ctx)
    ]


@dataclass(frozen=True)
class ReviewDue:
    resident_id: int
    name: str
    room: str
    status: ReviewStatus
    due_by: date
    last_reviewed: date | None  # None: never reviewed (no review records yet)
    why: str  # "next review 07 May 2027", "new since the review: ..."
    urgent: int
    attention: int
    info: int
    titles: tuple[str, ...]  # the signals, most severe first


def last_reviews(session: Session, resident_ids: Sequence[int]) -> dict[int, LastReview]:
    """Each resident's last signed review."""
    from emar.services.review.records import last_reviewed  # records uses check_may_view

    return last_reviewed(session, list(resident_ids))


def review_list(
    session: Session, staff_id: int | None, now: datetime, *, unit_id: int | None = None
) -> list[ReviewDue]:
    """Residents ranked by who most needs a review: overdue, then due; the most urgent signals
    and the longest since a review first."""
    check_may_view(session, staff_id)
    home = get_home(session)
    thresholds = home_thresholds(session)
    ctx = Context(now, home.zone, load_knowledge(), thresholds, home.windows)
    facts = load_review_facts(session, now, thresholds, None)
    if unit_id is not None:
        facts = [f for f in facts if f.resident.unit_id == unit_id]
    reviewed = last_reviews(session, [f.resident.id for f in facts])
    rows = []
    for f in facts:
        signals = resident_signals(f, ctx)
        counts = Counts.of(signals)
        last = reviewed.get(f.resident.id)
        status, due_by, why = review_status(
            last, signals, ctx.today, thresholds.int("review.yearly_days")
        )
        on = last.on if last else None
        rows.append(
            (
                rank_key(status, counts, on, f.resident.name),
                ReviewDue(
                    f.resident.id,
                    f.resident.name,
                    f.resident.room,
                    status,
                    due_by,
                    on,
                    why,
                    counts.urgent,
                    counts.attention,
                    counts.info,
                    tuple(s.title for s in signals),
                ),
            )
        )
    return [row for _, row in sorted(rows, key=lambda r: r[0])]
