"""Alerts for the round: what needs chasing now, each tied to a resident so it opens there.

- overdue and missed doses (from the due list);
- time-critical doses due in the next 30 minutes;
- PRN doses given over 30 minutes ago whose outcome is not recorded yet;
- stock running out: fewer than 3 days' supply left for an active line, or (a regular line)
  too little for the doses due before the next cycle's delivery (the stock signals' SHORT);
- the pharmacist's recommendations waiting for the home to act, and those overdue;
- for whoever may make the monthly order (`staff_id` given): the reminder to make it (the
  order window's own, `next_cycle`), and an urgent item of the latest order's receipt check
  while it is unsigned (missing, a dose due within a day and none in hand), for a week after
  the cycle starts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from emar.domain.clock_text import clock
from emar.domain.doses import DoseState, LineFacts, effective_entries
from emar.domain.line_periods import ACTIVE
from emar.domain.receipt import chased_on_round
from emar.domain.review.recommendations import waiting_for
from emar.domain.stock_signals import Kind
from emar.models import ChartLine, MedicineOrder, PrnOutcome, ReceiptCheck, Staff, StockMovement
from emar.services.charts.homely_remedies import homely_line_ids
from emar.services.charts.ordering import next_cycle
from emar.services.charts.receipt import reconcile
from emar.services.charts.stock_signals import stock_signal_rows
from emar.services.home import get_home
from emar.services.permissions import Action, allowed
from emar.services.review.records import list_recommendations
from emar.services.round.due import ResidentRound, due_list
from emar.services.round.facts import load_entries, load_lines

TIME_CRITICAL_AHEAD = timedelta(minutes=30)
PRN_OUTCOME_AFTER = timedelta(minutes=30)
LOW_STOCK_DAYS = 3


@dataclass(frozen=True)
class Alert:
    kind: str  # "missed" | "overdue" | "time-critical" | "PRN outcome" | "stock" |
    # "recommendation" | "receipt" | "order"
    resident_id: int | None  # None: the home's (the monthly order)
    resident: str
    room: str
    message: str
    at: datetime  # for ordering: when it became due
    administration_id: int | None = None  # for PRN outcomes


ORDER = {
    "missed": 0,
    "time-critical": 1,
    "overdue": 2,
    "PRN outcome": 3,
    "receipt": 4,
    "stock": 5,
    "recommendation": 6,
    "order": 7,
}


def alerts(
    session: Session,
    now: datetime,
    *,
    unit_id: int | None = None,
    rounds: list[ResidentRound] | None = None,
    staff_id: int | None = None,
) -> list[Alert]:
    """`rounds`: the due list already computed for the same moment, if the caller has it;
    `staff_id`: who is signed in (the monthly order's alerts are for those who may make it)."""
    zone = get_home(session).zone
    if rounds is None:
        rounds = due_list(session, now, unit_id=unit_id)
    out: list[Alert] = []
    for r in rounds:
        if r.away:
            continue
        for d in r.doses:
            if d.state in (DoseState.MISSED, DoseState.OVERDUE):
                out.append(
                    Alert(
                        d.state.value,
                        r.resident_id,
                        r.name,
                        r.room,
                        f"{d.medicine} {d.dose}: {d.why}",
                        d.scheduled_at,
                    )
                )
            elif (
                d.time_critical
                and d.state in (DoseState.UPCOMING, DoseState.DUE_SOON, DoseState.DUE)
                and (d.scheduled_at - now <= TIME_CRITICAL_AHEAD)
            ):
                out.append(
                    Alert(
                        "time-critical",
                        r.resident_id,
                        r.name,
                        r.room,
                        f"TIME-CRITICAL {d.medicine} {d.dose} due at {clock(d.scheduled_at, zone)}",
                        d.scheduled_at,
                    )
                )
    out += _prn_outcomes_due(session, rounds, now, zone)
    out += _stock_low(session, rounds, now)
    out += _recommendations(session, rounds, now)
    if staff_id is not None:
        out += monthly_order_alerts(session, staff_id, rounds, now)
    return sorted(out, key=lambda a: (ORDER[a.kind], a.at, a.room))


def _prn_outcomes_due(
    session: Session, rounds: list[ResidentRound], now: datetime, zone
) -> list[Alert]:  # type: ignore[no-untyped-def]
    ids = [r.resident_id for r in rounds]
    by_id = {r.resident_id: r for r in rounds}
    lines = {ln.id: ln for ln in load_lines(session, ids, now)}
    entries = [
        e
        for e in effective_entries(load_entries(session, ids, now - timedelta(hours=24), now))
        if e.is_given and e.scheduled_at is None and e.administered_at <= now - PRN_OUTCOME_AFTER
    ]
    done = set(
        session.scalars(
            select(PrnOutcome.administration_id).where(
                PrnOutcome.administration_id.in_([e.id for e in entries])
            )
        )
    )
    out = []
    for e in entries:
        if e.id in done or e.chart_line_id not in lines:
            continue
        line = lines[e.chart_line_id]
        r = by_id[line.resident_id]
        out.append(
            Alert(
                "PRN outcome",
                r.resident_id,
                r.name,
                r.room,
                f"Did {line.medicine} help? Given {clock(e.administered_at, zone, now)} "
                f"by {e.staff_name} for: {line.prn_indication}",
                e.administered_at,
                administration_id=e.id,
            )
        )
    return out


def daily_use(line: LineFacts) -> Decimal:
    t = line.timing
    if t.kind == "prn":
        return Decimal(line.prn_max_24h or 0) * line.dose_max
    per_day = Decimal(len(t.times))
    if t.kind == "weekdays":
        per_day = per_day * len(t.weekdays) / 7
    elif t.kind == "every_n_days":
        per_day = per_day / (t.every_n_days or 1)
    elif t.kind == "every_n_hours":
        per_day = Decimal(24) / (t.every_n_hours or 24)
    return per_day * line.dose_max


def stock_running_out(session: Session, lines: list[LineFacts]) -> list[tuple[LineFacts, str]]:
    """Active lines with under LOW_STOCK_DAYS of stock left, each with what to say."""
    lines = [ln for ln in lines if ln.status == ACTIVE]
    homely = homely_line_ids(session, [ln.id for ln in lines])  # the home's stock, not theirs
    lines = [ln for ln in lines if ln.id not in homely]
    balances: dict[int, Decimal] = defaultdict(Decimal)
    for line_id, total in session.execute(
        select(StockMovement.chart_line_id, func.sum(StockMovement.quantity))
        .where(StockMovement.chart_line_id.in_([ln.id for ln in lines]))
        .group_by(StockMovement.chart_line_id)
    ):
        if line_id is not None:
            balances[line_id] = Decimal(total or 0)
    out = []
    for line in lines:
        use = daily_use(line)
        left = balances[line.id]
        if use > 0 and left < use * LOW_STOCK_DAYS:
            days = (left / use).quantize(Decimal("0.1")) if left > 0 else Decimal(0)
            out.append(
                (
                    line,
                    f"{line.medicine}: {left.normalize():f} {line.dose_unit}(s) left, "
                    f"about {days} days: order more",
                )
            )
    return out


def _recommendations(session: Session, rounds: list[ResidentRound], now: datetime) -> list[Alert]:
    """A pharmacist's recommendation the home must act on (accepted, or made to the home), or
    any open one past its due date: the round list is where the home sees it."""
    here = {r.resident_id: r for r in rounds}
    found = []
    for rec in list_recommendations(session, None, now, open_only=True):
        r = here.get(rec.resident_id)
        waits = waiting_for(rec.status, rec.addressed_to)
        if r is None or not (rec.overdue or waits == "action"):
            continue
        what = "OVERDUE, " if rec.overdue else ""
        found.append(
            Alert(
                "recommendation",
                r.resident_id,
                r.name,
                r.room,
                f"Pharmacist's recommendation ({what}{rec.status}): {rec.text}",
                rec.status_at,
            )
        )
    return found


def _stock_low(session: Session, rounds: list[ResidentRound], now: datetime) -> list[Alert]:
    by_id = {r.resident_id: r for r in rounds}
    if not by_id:
        return []
    lines = load_lines(session, list(by_id), now)
    found = [
        (line.resident_id, line.id, message) for line, message in stock_running_out(session, lines)
    ]
    alerted = {line_id for _, line_id, _ in found}
    found += [
        (row.resident_id, row.chart_line_id, f"{row.medicine}: {row.text}")
        for row in stock_signal_rows(
            session, None, now, resident_ids=list(by_id), kinds=frozenset({Kind.SHORT}), prn=False
        )
        if row.chart_line_id not in alerted
    ]
    return [
        Alert("stock", rid, by_id[rid].name, by_id[rid].room, message, now)
        for rid, _line_id, message in found
    ]


def monthly_order_alerts(
    session: Session, staff_id: int, rounds: list[ResidentRound], now: datetime
) -> list[Alert]:
    """The reminder to make the monthly order, and the urgent items of the latest order's
    receipt check while it is unsigned; nothing for a role that may not make the order."""
    staff = session.get(Staff, staff_id)
    if staff is None or not allowed(staff.role, Action.MANAGE_STOCK):
        return []
    found = []
    cycle = next_cycle(session, now)
    if cycle.reminder:
        found.append(
            Alert("order", None, "", "", f"{cycle.reminder}: Manage > Monthly order.", now)
        )
    order = session.scalars(
        select(MedicineOrder).order_by(MedicineOrder.made_at.desc(), MedicineOrder.id.desc())
    ).first()
    today = now.astimezone(get_home(session).zone).date()
    if order is None or not chased_on_round(order.cycle_start, today):
        return found
    signed = session.scalar(
        select(func.count(ReceiptCheck.id)).where(ReceiptCheck.order_id == order.id)
    )
    if signed:
        return found
    urgent = reconcile(session, staff_id, order.id, now).urgent
    residents = dict(
        session.execute(
            select(ChartLine.id, ChartLine.resident_id).where(
                ChartLine.id.in_([x.chart_line_id for x in urgent])
            )
        ).all()
    )
    here = {r.resident_id: r for r in rounds}
    for x in urgent:
        r = here.get(residents[x.chart_line_id])  # only the round's residents (its unit)
        if r is None or r.away:
            continue
        found.append(
            Alert(
                "receipt",
                r.resident_id,
                r.name,
                r.room,
                f"{x.medicine} not delivered: {x.note}. Chase the pharmacy; "
                "sign the check in Manage > Receipt check.",
                now,
            )
        )
    return found
