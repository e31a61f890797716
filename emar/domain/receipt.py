"""The receipt check (issue 18, part 2): what was booked in since the monthly order, line by
line against what was ordered: pure.

Each chart line on the order (quantity above 0) is received in full, short (how many), missing
(nothing of its medicine booked in) or extra (more than ordered); a line booked in that the
order did not ask for is unexpected. A pack whose product is not the line's own is told apart:
the same substance at another strength (when the catalogue's ingredients say so), else another
product; it never counts towards the line. A line missing with a dose due within
`URGENT_HOURS` is urgent, and listed first. Until the check is signed, its urgent items are
chased on the round's alerts up to `CHASE_DAYS` into the order's cycle (`chased_on_round`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

URGENT_HOURS = 24
CHASE_DAYS = 7


class Outcome(StrEnum):
    RECEIVED = "received"
    SHORT = "short"
    MISSING = "missing"
    EXTRA = "extra"
    UNEXPECTED = "unexpected"
    WRONG_STRENGTH = "wrong strength"
    ANOTHER_PRODUCT = "another product"


@dataclass(frozen=True, slots=True)
class OrderedLine:
    chart_line_id: int
    medicine_id: int
    quantity: Decimal  # dose units ordered
    # what the whole packs ordered hold (2 packs of 28 for 50 ordered: 56); the pharmacy
    # supplies whole packs, so up to this much is received in full, not extra
    packs_hold: Decimal | None = None


@dataclass(frozen=True, slots=True)
class BookedIn:
    """Stock booked in for a chart line: the line's medicine and the scanned pack's."""

    chart_line_id: int
    line_medicine_id: int
    pack_medicine_id: int
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class ReceiptItem:
    chart_line_id: int
    outcome: Outcome
    ordered: Decimal
    received: Decimal
    urgent: bool
    note: str
    pack_medicine_id: int | None = None  # a wrong pack's product
    stopped: bool = False  # the line was stopped or ended since the order


def chased_on_round(cycle_start: date, today: date) -> bool:
    """Whether an unsigned check's urgent items are still chased on the round today: from the
    order until `CHASE_DAYS` after its cycle starts."""
    return today <= cycle_start + timedelta(days=CHASE_DAYS)


def _n(value: Decimal) -> str:
    return f"{value.normalize():f}" if value else "0"


def reconcile(
    ordered: Sequence[OrderedLine],
    booked: Sequence[BookedIn],
    next_due: Mapping[int, datetime],
    now: datetime,
    substances: Mapping[int, frozenset[int]] | None = None,
    urgent_hours: int = URGENT_HOURS,
    in_hand: Mapping[int, Decimal] | None = None,
    next_dose: Mapping[int, Decimal] | None = None,
    stopped: Collection[int] = (),
) -> list[ReceiptItem]:
    """The items of the receipt check: urgent first, then the rest to chase or check, then what
    came in full, each by chart line. `next_due`: each line's next dose due (regular lines);
    `substances`: each product's ingredient ids, where known; `in_hand`: each line's stock
    before this delivery and `next_dose` its dose (dose units): a missing line whose stock in
    hand covers its next dose is not urgent. `stopped`: lines no longer active (stopped or
    ended since the order): what came for them is not to be given but returned, and what did
    not come is not chased."""
    substances = substances or {}
    in_hand, next_dose = in_hand or {}, next_dose or {}
    wanted = {o.chart_line_id: o for o in ordered if o.quantity > 0}
    right: dict[int, Decimal] = defaultdict(Decimal)
    wrong: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    line_medicine: dict[int, int] = {o.chart_line_id: o.medicine_id for o in ordered}
    for b in booked:
        line_medicine.setdefault(b.chart_line_id, b.line_medicine_id)
        if b.pack_medicine_id == b.line_medicine_id:
            right[b.chart_line_id] += b.quantity
        else:
            wrong[(b.chart_line_id, b.pack_medicine_id)] += b.quantity
    soon = now + timedelta(hours=urgent_hours)
    items: list[ReceiptItem] = []
    for line_id in sorted(set(wanted) | set(right)):
        qty = wanted[line_id].quantity if line_id in wanted else Decimal(0)
        got = right.get(line_id, Decimal(0))
        urgent = False
        if line_id not in wanted:
            outcome, note = Outcome.UNEXPECTED, f"{_n(got)} booked in, not on the order"
        elif got == 0:
            outcome, note = Outcome.MISSING, f"none of the {_n(qty)} ordered booked in"
            due = next_due.get(line_id)
            held = in_hand.get(line_id, Decimal(0))
            covered = held >= next_dose.get(line_id, Decimal(1))
            urgent = due is not None and due <= soon and not covered
            if urgent:
                note += f"; a dose is due within {urgent_hours} hours and none in hand covers it"
            elif due is not None and due <= soon:
                note += f"; {_n(held)} in hand covers the next dose"
        elif got < qty:
            outcome, note = Outcome.SHORT, f"{_n(qty - got)} short of the {_n(qty)} ordered"
        elif got > max(qty, wanted[line_id].packs_hold or qty):
            outcome, note = Outcome.EXTRA, f"{_n(got - qty)} more than the {_n(qty)} ordered"
        elif got > qty:
            outcome, note = Outcome.RECEIVED, f"received in full ({_n(got)} in whole packs)"
        else:
            outcome, note = Outcome.RECEIVED, "received in full"
        if line_id in stopped:
            urgent = False
            if got > 0:
                note += "; the line is stopped now: do not give it, return it to the pharmacy"
            else:
                note = (
                    f"none of the {_n(qty)} ordered came; the line is stopped now: nothing to chase"
                )
        items.append(
            ReceiptItem(line_id, outcome, qty, got, urgent, note, stopped=line_id in stopped)
        )
    for (line_id, pack), got in sorted(wrong.items()):
        qty = wanted[line_id].quantity if line_id in wanted else Decimal(0)
        mine = substances.get(line_medicine[line_id])
        same = bool(mine) and mine == substances.get(pack)
        outcome = Outcome.WRONG_STRENGTH if same else Outcome.ANOTHER_PRODUCT
        what = "the same substance at another strength" if same else "another product"
        note = f"{_n(got)} booked in of {what}: not the line's medicine"
        items.append(ReceiptItem(line_id, outcome, qty, got, False, note, pack))
    # urgent first, then what needs chasing or checking, then what came in full
    return sorted(
        items,
        key=lambda i: (
            not i.urgent,
            i.outcome == Outcome.RECEIVED and i.chart_line_id not in stopped,
            i.chart_line_id,
        ),
    )
