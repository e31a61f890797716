"""PRN limits, in elapsed time (domain.md): the minimum interval since the last dose of any line
sharing an active ingredient, the line's own maximum doses in a rolling 24 hours, and the
ingredient's total over 24 hours across every line (paracetamol in co-codamol and paracetamol
PRN count together). The ingredient ceiling is this line's maximum doses at its top dose."""

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
    given: Decimal | None = None  # ingredient amount in the last 24 h
    ceiling: Decimal | None = None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class PrnLimitCheck:
    blocks: tuple[PrnBlock, ...]
    last_given: EntryFacts | None
    last_medicine: str | None
    doses_24h: int

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


def check_prn(
    line: LineFacts,
    resident_lines: Sequence[LineFacts],
    given: Iterable[EntryFacts],
    at: datetime,
    dose: Decimal,
) -> PrnLimitCheck:
    """May `dose` of PRN `line` be given at `at`? `given` are effective "given" entries of the
    resident (any line) from at least 24 h before `at`."""
    related = {
        other.id: other
        for other in resident_lines
        if other.id == line.id or other.ingredient_ids & line.ingredient_ids
    }
    recent = sorted(
        (e for e in given if e.chart_line_id in related and at - DAY < e.administered_at <= at),
        key=lambda e: e.administered_at,
    )
    own = [e for e in recent if e.chart_line_id == line.id]
    last = recent[-1] if recent else None
    last_med = related[last.chart_line_id].medicine if last else None
    blocks: list[PrnBlock] = []

    if last is not None and line.prn_min_interval is not None:
        next_at = last.administered_at + line.prn_min_interval
        if at < next_at:
            blocks.append(PrnBlock("interval", next_at))

    if line.prn_max_24h is not None and len(own) >= line.prn_max_24h:
        # available again when enough of the recent doses have aged past 24 hours
        blocks.append(PrnBlock("count", own[len(own) - line.prn_max_24h].administered_at + DAY))

    for ing in line.ingredients:
        if line.prn_max_24h is None:
            break
        ceiling = line.prn_max_24h * line.dose_max * ing.amount
        contributions = []
        for e in recent:
            per_unit = _amount(related[e.chart_line_id], ing.ingredient_id)
            if per_unit is not None and e.dose_given is not None:
                contributions.append((e.administered_at, e.dose_given * per_unit))
        total = sum((c for _, c in contributions), Decimal(0))
        wanted = dose * ing.amount
        if total + wanted > ceiling:
            freed, next_at = total, at
            for when, amount in contributions:  # oldest first
                freed -= amount
                next_at = when + DAY
                if freed + wanted <= ceiling:
                    break
            blocks.append(PrnBlock("ingredient", next_at, ing.name, total, ceiling, ing.unit))

    return PrnLimitCheck(tuple(blocks), last, last_med, len(own))
