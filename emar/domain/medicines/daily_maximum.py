"""The maximum daily dose of an ingredient, across every chart line, regular and PRN (BNF:
paracetamol 4 g in 24 hours, 3 g under 50 kg; domain.md "Maximum daily dose").

For the dose about to be given and each of its ingredients with a reference maximum, in elapsed
time (UTC): what was **given** from every line sharing the ingredient (co-codamol and
paracetamol count together), before or after `at` (symmetric in time like emar.domain.prn: two
PCs' clocks differ, a dose is recorded late), plus what is **still scheduled** on active regular
lines after `at` and not yet recorded, plus this dose. No group of them that fits in 24 hours
(first to last under 24 hours) and holds this dose may go over the maximum.

A regular dose given within its window counts at its scheduled time, a PRN dose or a regular
dose given outside its window at the time given: a QDS regimen given anywhere in its windows
(08:40 one day, 07:30 the next) is four doses a day, not five in 23 hours, and a morning dose
given in the evening cannot hide beside the evening's. Scheduled doses count at the line's
lowest dose (a range's larger dose is checked when it is given).

No check (and no block) for an ingredient whose reference maximum is missing, or whose units
cannot be converted to one another (the same unit, or mg, g, microgram, mcg, nanogram: a
maximum in mg is not compared with an amount in ml or "unit"); the PRN line's own ceiling then
still applies (emar.domain.prn).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from emar.domain.doses import EntryFacts, IngredientAmount, LineFacts
from emar.domain.mar_entries import dose_entries, given_entries
from emar.domain.medicines.knowledge import Knowledge, Substance
from emar.domain.schedule import line_instants

DAY = timedelta(hours=24)
ON_TIME = timedelta(minutes=60)  # the default dose window (domain.md): a dose within it is on time
UNDER_KG = Decimal(50)  # below this weight, the table's lower adult maximum applies
_MG = {
    "g": Decimal(1000),
    "mg": Decimal(1),
    "microgram": Decimal("0.001"),
    "micrograms": Decimal("0.001"),
    "mcg": Decimal("0.001"),
    "nanogram": Decimal("0.000001"),
    "nanograms": Decimal("0.000001"),
}
# Shown in the largest of these in which the maximum is at least 1 (4000 mg: "4 g").
_SHOWN = ("g", "mg", "microgram", "nanogram")


def convert(amount: Decimal, unit: str, to: str) -> Decimal | None:
    """`amount` in `unit` expressed in `to`: the same unit, or two units of mass known here;
    else None."""
    if unit.strip().lower() == to.strip().lower():
        return amount
    source, target = _MG.get(unit.strip().lower()), _MG.get(to.strip().lower())
    if source is None or target is None:
        return None
    return amount * source / target


def shown_unit(maximum: Decimal, unit: str) -> str:
    """The unit to say amounts in: the largest in which the maximum is at least 1."""
    for candidate in _SHOWN:
        value = convert(maximum, unit, candidate)
        if value is not None and value >= 1:
            return candidate
    return unit


@dataclass(frozen=True, slots=True)
class Maximum:
    amount: Decimal  # in the unit of the ingredient checked
    weight_kg: Decimal | None  # the weight, when the lower maximum under 50 kg is the one applied


def maximum_for(substance: Substance, unit: str, weight_kg: Decimal | None) -> Maximum | None:
    """The substance's maximum in 24 hours in `unit`, for this weight (None: not known)."""
    if substance.max_daily is None or substance.max_unit is None:
        return None
    lower = substance.max_daily_under_50kg
    if lower is not None and weight_kg is not None and weight_kg < UNDER_KG:
        amount = convert(lower, substance.max_unit, unit)
        return Maximum(amount, weight_kg) if amount is not None else None
    amount = convert(substance.max_daily, substance.max_unit, unit)
    return Maximum(amount, None) if amount is not None else None


@dataclass(frozen=True, slots=True)
class DailyExcess:
    """An ingredient over its maximum with this dose; amounts in `unit`."""

    ingredient: str  # as the reference names it: "Paracetamol"
    unit: str  # the unit of the ingredient's amount on the line given
    given: Decimal
    given_doses: int
    scheduled: Decimal  # still to come on regular lines in the same 24 hours
    scheduled_doses: int
    this_dose: Decimal
    maximum: Decimal
    weight_kg: Decimal | None  # set when the under-50-kg maximum is the one applied
    next_allowed_at: datetime | None  # a PRN dose: the first time it fits; None if none soon

    @property
    def total(self) -> Decimal:
        return self.given + self.scheduled + self.this_dose


@dataclass(frozen=True, slots=True)
class _Dose:
    when: datetime
    amount: Decimal
    kind: str  # "given" | "scheduled" | "this"


def daily_next_allowed(own: datetime | None, excesses: Sequence[DailyExcess]) -> datetime | None:
    """When a PRN dose is next allowed by its own limits (`own`) and by the daily maximum."""
    times = [own] if own is not None else []
    times += [e.next_allowed_at for e in excesses if e.next_allowed_at is not None]
    return max(times, default=None)


def checked_ingredients(line: LineFacts, knowledge: Knowledge) -> frozenset[int]:
    """The line's ingredients this rule checks (a reference maximum in a unit it converts): the
    PRN line's own ingredient ceiling is left for the others only."""
    return frozenset(
        ing.ingredient_id for ing in line.ingredients if _maximum(ing, knowledge, None) is not None
    )


def _maximum(
    ing: IngredientAmount, knowledge: Knowledge, weight_kg: Decimal | None
) -> tuple[Substance, Maximum] | None:
    substance = knowledge.substance(ing.name)
    if substance is None:
        return None
    maximum = maximum_for(substance, ing.unit, weight_kg)
    return (substance, maximum) if maximum is not None else None


def daily_excesses(
    line: LineFacts,
    resident_lines: Sequence[LineFacts],
    entries: Iterable[EntryFacts],
    at: datetime,
    scheduled_at: datetime | None,
    dose: Decimal,
    knowledge: Knowledge,
    weight_kg: Decimal | None,
    zone: ZoneInfo,
    window: timedelta = ON_TIME,
) -> list[DailyExcess]:
    """The ingredients of `dose` of `line` (given at `at`; a regular line's dose is the one at
    `scheduled_at`) that would go over their maximum in 24 hours. `entries`: the resident's MAR
    entries from at least a day before `at` to a day after it. `window`: how far from its time
    a regular dose still counts at its time (the home's dose window)."""
    entries = list(entries)
    given = given_entries(entries)
    recorded = set(dose_entries(entries))
    this_key = (line.id, scheduled_at) if scheduled_at is not None else None
    position = _counted_at(None if line.is_prn else scheduled_at, at, window)
    found = []
    for ing in line.ingredients:
        known = _maximum(ing, knowledge, weight_kg)
        if known is None:
            continue
        substance, maximum = known
        per_unit = _per_unit(resident_lines, substance, knowledge, ing.unit)
        doses = [_Dose(position, dose * ing.amount, "this")]
        for e in given:
            amount = per_unit.get(e.chart_line_id)
            if (
                amount is None
                or e.dose_given is None
                or (e.chart_line_id, e.scheduled_at) == this_key
            ):
                continue
            when = _counted_at(e.scheduled_at, e.administered_at, window)
            doses.append(_Dose(when, e.dose_given * amount, "given"))
        for other in resident_lines:
            amount = per_unit.get(other.id)
            if amount is None or other.is_prn:
                continue
            for t in line_instants(other, zone, at, at + 3 * DAY):
                if t > at and (other.id, t) not in recorded and (other.id, t) != this_key:
                    doses.append(_Dose(t, other.dose_min * amount, "scheduled"))
        group = _busiest(doses, position)
        if sum(d.amount for d in group) <= maximum.amount:
            continue
        found.append(
            DailyExcess(
                substance.name,
                ing.unit,
                sum((d.amount for d in group if d.kind == "given"), Decimal(0)),
                sum(1 for d in group if d.kind == "given"),
                sum((d.amount for d in group if d.kind == "scheduled"), Decimal(0)),
                sum(1 for d in group if d.kind == "scheduled"),
                dose * ing.amount,
                maximum.amount,
                maximum.weight_kg,
                _next_allowed(doses, at, maximum.amount) if line.is_prn else None,
            )
        )
    return found


def _counted_at(scheduled_at: datetime | None, given_at: datetime, window: timedelta) -> datetime:
    """Where a dose sits in the 24 hours: a regular dose given within its window at its time (a
    QDS regimen given at 08:40 one day and 07:30 the next is four doses a day, not five in 23
    hours); one given outside it (the 08:00 dose at 18:50) and a PRN dose when given, so a late
    dose cannot hide beside the next ones."""
    if scheduled_at is not None and abs(given_at - scheduled_at) <= window:
        return scheduled_at
    return given_at


def _per_unit(
    lines: Sequence[LineFacts], substance: Substance, knowledge: Knowledge, unit: str
) -> dict[int, Decimal]:
    """Each line's amount of `substance` per dose unit, in `unit` (lines without it left out)."""
    result: dict[int, Decimal] = {}
    for other in lines:
        for ing in other.ingredients:
            found = knowledge.substance(ing.name)
            if found is None or found.key != substance.key:
                continue
            amount = convert(ing.amount, ing.unit, unit)
            if amount is not None:
                result[other.id] = result.get(other.id, Decimal(0)) + amount
    return result


def _busiest(doses: Sequence[_Dose], at: datetime) -> list[_Dose]:
    """The group of `doses` with the largest total that holds the one at `at` and fits in 24
    hours (first and last less than 24 hours apart)."""
    ordered = sorted(doses, key=lambda d: d.when)
    best: list[_Dose] = []
    best_total = Decimal(-1)
    for start in ordered:
        if start.when > at or at - start.when >= DAY:
            continue
        group = [d for d in ordered if start.when <= d.when < start.when + DAY]
        total = sum((d.amount for d in group), Decimal(0))
        if total > best_total:
            best, best_total = group, total
    return best


def _next_allowed(doses: Sequence[_Dose], at: datetime, maximum: Decimal) -> datetime | None:
    """The first time from `at` on when this PRN dose fits: only when some dose's 24 hours run
    out can it; None when none does within two days (regular doses fill every day)."""
    this = next(d for d in doses if d.kind == "this")
    others = [d for d in doses if d.kind != "this"]
    for t in sorted({d.when + DAY for d in others}):
        if t <= at or t > at + 2 * DAY:
            continue
        moved = [*others, _Dose(t, this.amount, "this")]
        if sum(d.amount for d in _busiest(moved, t)) <= maximum:
            return t
    return None
