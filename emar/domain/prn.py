"""PRN limits, in elapsed time (domain.md): the minimum interval between doses of any lines
sharing an active ingredient, the line's own maximum doses in any 24 hours, and the ingredient's
total in any 24 hours across every line (paracetamol in co-codamol and paracetamol PRN count
together). The ingredient ceiling is this line's maximum doses at its top dose; it is left out
for the ingredients in `checked` (those with a reference maximum, which
emar.domain.medicines.daily_maximum checks across regular and PRN lines), so an excess is not
reported twice.

The rules are symmetric in time: a dose is checked against the doses recorded **after** its time
as well as before it. Two ward PCs whose clocks differ, or a dose recorded late, otherwise let a
dose in "before" another that is already there (hazard H6).

"Any 24 hours": doses fit in one 24-hour window when the first and last are less than 24 hours
apart; no such group may hold more than the maximum.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from emar.domain.doses import EntryFacts, LineFacts

DAY = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class PrnBlock:
    kind: str  # "interval" | "count" | "ingredient"
    until: datetime
    ingredient: str | None = None
    given: Decimal | None = None  # ingredient amount in the busiest 24 h with this dose
    ceiling: Decimal | None = None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class PrnLimitCheck:
    blocks: tuple[PrnBlock, ...]
    last_given: EntryFacts | None  # the dose to name: the nearest one too close, else the last
    last_medicine: str | None
    doses_24h: int  # this line's doses in the 24 hours up to the time checked

    @property
    def allowed(self) -> bool:
        return not self.blocks

    @property
    def next_allowed_at(self) -> datetime | None:
        return max((b.until for b in self.blocks), default=None)


def _amount(line: LineFacts, ingredient_id: int) -> Decimal | None:
    for ing in line.ingredients:
        if ing.ingredient_id == ingredient_id:
            return ing.amount
    return None


def busiest_day(doses: Sequence[tuple[datetime, Decimal]], at: datetime) -> Decimal:
    """The largest total of a group of `doses` (time, amount) that holds the one at `at` and
    fits in 24 hours (first and last less than 24 hours apart). `doses` includes it."""
    ordered = sorted(doses, key=lambda d: d[0])
    best = Decimal(0)
    for i, (start, _) in enumerate(ordered):
        if start > at or at - start >= DAY:
            continue
        total = Decimal(0)
        for when, amount in ordered[i:]:
            if when - start >= DAY:
                break
            total += amount
        best = max(best, total)
    return best


def check_prn(
    line: LineFacts,
    resident_lines: Sequence[LineFacts],
    given: Iterable[EntryFacts],
    at: datetime,
    dose: Decimal,
    checked: frozenset[int] = frozenset(),
) -> PrnLimitCheck:
    """May `dose` of PRN `line` be given at `at`? `given` are effective "given" entries of the
    resident (any line) from at least 24 h before `at` to 24 h after it; `checked`: ingredient
    ids whose total the daily maximum rule checks instead of this line's ceiling."""
    related = {
        other.id: other
        for other in resident_lines
        if other.id == line.id or other.ingredient_ids & line.ingredient_ids
    }
    near = sorted(
        (e for e in given if e.chart_line_id in related and abs(e.administered_at - at) < DAY),
        key=lambda e: e.administered_at,
    )
    blocks = _blocks(line, related, near, at, dose, checked)
    if blocks:
        free = _next_free(line, related, near, at, dose, checked)
        blocks = [PrnBlock(b.kind, free, b.ingredient, b.given, b.ceiling, b.unit) for b in blocks]
    interval = line.prn_min_interval
    clashes = [e for e in near if interval is not None and abs(e.administered_at - at) < interval]
    before = [e for e in near if e.administered_at <= at]
    named = min(clashes, key=lambda e: abs(e.administered_at - at)) if clashes else None
    named = named or (before[-1] if before else None)
    own_day = [e for e in before if e.chart_line_id == line.id and at - e.administered_at < DAY]
    return PrnLimitCheck(
        tuple(blocks),
        named,
        related[named.chart_line_id].medicine if named else None,
        len(own_day),
    )


def _blocks(
    line: LineFacts,
    related: dict[int, LineFacts],
    near: Sequence[EntryFacts],
    at: datetime,
    dose: Decimal,
    checked: frozenset[int],
) -> list[PrnBlock]:
    blocks: list[PrnBlock] = []
    interval = line.prn_min_interval
    if interval is not None and any(abs(e.administered_at - at) < interval for e in near):
        blocks.append(PrnBlock("interval", at))
    if line.prn_max_24h is None:
        return blocks
    own = [(e.administered_at, Decimal(1)) for e in near if e.chart_line_id == line.id]
    if busiest_day([*own, (at, Decimal(1))], at) > line.prn_max_24h:
        blocks.append(PrnBlock("count", at))
    for ing in line.ingredients:
        if ing.ingredient_id in checked:
            continue
        ceiling = line.prn_max_24h * line.dose_max * ing.amount
        amounts = []
        for e in near:
            per_unit = _amount(related[e.chart_line_id], ing.ingredient_id)
            if per_unit is not None and e.dose_given is not None:
                amounts.append((e.administered_at, e.dose_given * per_unit))
        busiest = busiest_day([*amounts, (at, dose * ing.amount)], at)
        if busiest > ceiling:
            blocks.append(
                PrnBlock("ingredient", at, ing.name, busiest - dose * ing.amount, ceiling, ing.unit)
            )
    return blocks


def _next_free(
    line: LineFacts,
    related: dict[int, LineFacts],
    near: Sequence[EntryFacts],
    at: datetime,
    dose: Decimal,
    checked: frozenset[int],
) -> datetime:
    """The earliest time from `at` on when this dose would break no limit: limits only ease
    when some dose's interval or 24 hours run out, so those moments are the candidates."""
    interval = line.prn_min_interval or timedelta(0)
    candidates = sorted(
        {t for e in near for t in (e.administered_at + interval, e.administered_at + DAY)}
        | {e.administered_at + DAY for e in near}
    )
    for t in candidates:
        if t > at and not _blocks(line, related, _within_day(near, t), t, dose, checked):
            return t
    return at + 2 * DAY  # every dose known has run out by then


def _within_day(near: Sequence[EntryFacts], t: datetime) -> list[EntryFacts]:
    return [e for e in near if abs(e.administered_at - t) < DAY]
