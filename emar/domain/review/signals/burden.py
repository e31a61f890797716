"""Signals from the chart as a whole: how many medicines, their anticholinergic burden, two of
one class, one ingredient on two lines."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from emar.domain.doses import LineFacts
from emar.domain.medicines.daily_maximum import convert, maximum_for, shown_unit
from emar.domain.medicines.knowledge import Substance
from emar.domain.review.signals.base import (
    Context,
    Evidence,
    ReviewFacts,
    Severity,
    Signal,
    active,
    doses_per_day,
    names,
    plural,
    regular,
    substances,
)
from emar.domain.wording import format_amount

POLYPHARMACY_SOURCE = "NICE NG5 (structured medication review); NHS Scotland Polypharmacy 2018"
ACB_SOURCE = "ACB scale (Boustani 2008, 2012 update); NICE NG5"
SAME_INGREDIENT_SOURCE = (
    "BNF maximum daily doses (one ingredient in several products counts together); "
    "NICE SC1 (the same medicine on two lines)"
)
DUPLICATE_SOURCE = "STOPP/START v3 section A (duplicate drug class prescription)"

# The classes where two members at once need a reason (z-drugs count with benzodiazepines).
WATCHED_CLASSES = {
    "nsaids": "NSAIDs",
    "opioids": "opioids",
    "antipsychotics": "antipsychotics",
    "benzodiazepines": "benzodiazepines or Z-drugs",
    "z-drugs": "benzodiazepines or Z-drugs",
    "ssris": "SSRIs",
    "anticoagulants": "anticoagulants",
    "ppis": "PPIs",
    "tricyclics": "tricyclic antidepressants",
}
_GROUP = {"z-drugs": "benzodiazepines"}

_COUNTS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def at_risk(s: Substance) -> bool:
    return s.falls_risk or s.sedative or s.acb > 0 or s.high_risk is not None


def polypharmacy(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    """Ten or more regular medicines, or six or more flagged at risk (falls, sedative, ACB,
    high-risk)."""
    lines = active(facts.lines)
    reg = regular(lines)
    medicines = {line.medicine_id for line in reg}
    risky: dict[str, list[LineFacts]] = defaultdict(list)
    for line in lines:
        for s in substances(line, ctx.knowledge):
            if at_risk(s):
                risky[s.key].append(line)
    many = len(medicines) >= ctx.thresholds["polypharmacy.regular"]
    flagged = len(risky) >= ctx.thresholds["polypharmacy.at_risk"]
    if not (many or flagged):
        return []
    parts = []
    if many:
        parts.append(plural(len(medicines), "regular medicine"))
    if flagged:
        parts.append(
            f"{plural(len(risky), 'medicine')} flagged for falls, sedation, anticholinergic "
            f"effects or high risk ({', '.join(sorted(risky))})"
        )
    shown = reg if many else [line for group in risky.values() for line in group]
    return [
        Signal(
            "polypharmacy",
            facts.resident.id,
            tuple(sorted({line.id for line in shown})),
            Severity.ATTENTION,
            "Many medicines",
            "; ".join(parts) + ". A structured medication review is recommended.",
            tuple(("chart_line", i) for i in sorted({line.id for line in shown})),
            POLYPHARMACY_SOURCE,
        )
    ]


def anticholinergic_burden(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    """The active lines' substances' ACB scores total 3 or more."""
    scored: dict[str, tuple[Substance, list[LineFacts]]] = {}
    for line in active(facts.lines):
        for s in substances(line, ctx.knowledge):
            if s.acb > 0:
                scored.setdefault(s.key, (s, []))[1].append(line)
    total = sum(s.acb for s, _ in scored.values())
    if total < ctx.thresholds["acb.total"]:
        return []
    line_ids = tuple(sorted({line.id for _, ls in scored.values() for line in ls}))
    parts = ", ".join(
        f"{s.name} {s.acb}" for s, _ in sorted(scored.values(), key=lambda p: p[0].key)
    )
    return [
        Signal(
            "anticholinergic_burden",
            facts.resident.id,
            line_ids,
            Severity.URGENT if total >= 2 * ctx.thresholds["acb.total"] else Severity.ATTENTION,
            f"Anticholinergic burden {total}",
            f"Total anticholinergic burden {total} ({parts}): linked to falls, confusion and "
            "a higher risk of death in older people.",
            tuple(("chart_line", i) for i in line_ids),
            ACB_SOURCE,
        )
    ]


def same_class(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    """Two or more different medicines of one watched class (two NSAIDs, two opioids...)."""
    groups: dict[str, dict[str, list[LineFacts]]] = defaultdict(lambda: defaultdict(list))
    for line in active(facts.lines):
        for s in substances(line, ctx.knowledge):
            for c in s.classes & WATCHED_CLASSES.keys():
                groups[_GROUP.get(c, c)][s.key].append(line)
    out = []
    for key, members in sorted(groups.items()):  # "Three opioids", not "Two" for three
        if len(members) < 2:
            continue
        lines = [line for ls in members.values() for line in ls]
        line_ids = tuple(sorted({line.id for line in lines}))
        out.append(
            Signal(
                "same_class",
                facts.resident.id,
                line_ids,
                Severity.ATTENTION,
                f"{_COUNTS.get(len(members), str(len(members))).capitalize()} "
                f"{WATCHED_CLASSES[key]}",
                f"{len(members)} different {WATCHED_CLASSES[key]} at once: {names(lines)}. "
                "Is each needed?",
                tuple(("chart_line", i) for i in line_ids),
                DUPLICATE_SOURCE,
            )
        )
    return out


TOPICAL = ("topical", "cutaneous", "transdermal", "eye", "ear", "ocular", "otic", "nasal")


def _amount(value: Decimal, unit: str, shown: str) -> str:
    converted = convert(value, unit, shown)
    return f"{format_amount(value if converted is None else converted)} {shown}"


def _possible_daily(line: LineFacts, amount: Decimal) -> Decimal | None:
    """The most of an ingredient (`amount` a dose unit) the line's directions allow in 24 hours:
    a regular line at its top dose at every time; a PRN line at its top dose, its maximum
    doses in 24 hours (None when it has none)."""
    if line.is_prn:
        if line.prn_max_24h is None:
            return None
        return amount * line.dose_max * line.prn_max_24h
    return amount * line.dose_max * doses_per_day(line)


def same_ingredient(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    """One ingredient with a daily maximum on two or more active lines taken by mouth or
    injection (paracetamol regular and co-codamol PRN): their combined possible daily amount
    against the maximum (emar.domain.medicines.daily_maximum). Urgent over it."""
    weight = facts.latest("weight")
    kg = weight.value if weight is not None else facts.resident.weight_kg
    groups: dict[str, list[tuple[LineFacts, Decimal | None]]] = defaultdict(list)
    found: dict[str, Substance] = {}
    for line in active(facts.lines):
        if any(w in line.route.lower() for w in TOPICAL):
            continue
        for ing in line.ingredients:
            sub = ctx.knowledge.substance(ing.name)
            if sub is None or sub.max_daily is None or sub.max_unit is None:
                continue
            amount = convert(ing.amount, ing.unit, sub.max_unit)
            found[sub.key] = sub
            daily = _possible_daily(line, amount) if amount is not None else None
            groups[sub.key].append((line, daily))
    out = []
    for key, members in sorted(groups.items()):
        lines = {line.id: line for line, _ in members}
        if len(lines) < 2:
            continue
        sub = found[key]
        unit = sub.max_unit or ""
        maximum = maximum_for(sub, unit, kg)
        amounts = [d for _, d in members]
        known = all(d is not None for d in amounts)
        total = sum((d for d in amounts if d is not None), Decimal(0))
        over = maximum is not None and known and total > maximum.amount
        shown = shown_unit(maximum.amount, unit) if maximum is not None else unit

        detail = f"{sub.name} on {len(lines)} lines ({names(lines.values())})"
        if maximum is None:
            detail += ". Check the total the resident can be given."
        elif not known:
            detail += (
                ": a line has no maximum in 24 hours, so the total can pass "
                f"{_amount(maximum.amount, unit, shown)} a day. Give a maximum, or combine the "
                "lines."
            )
        else:
            under = " (under 50 kg)" if maximum.weight_kg is not None else ""
            detail += (
                f": up to {_amount(total, unit, shown)} a day as charted, the maximum{under} is "
                f"{_amount(maximum.amount, unit, shown)}."
            )
            if over:
                detail += " The directions allow more than the maximum: review them."
        line_ids = tuple(sorted(lines))
        evidence: list[Evidence] = [("chart_line", i) for i in line_ids]
        if weight is not None and maximum is not None and maximum.weight_kg is not None:
            evidence.append(("observation", weight.id))
        out.append(
            Signal(
                "same_ingredient",
                facts.resident.id,
                line_ids,
                Severity.URGENT if over else Severity.ATTENTION,
                f"{sub.name} on {len(lines)} lines" + (": above the daily maximum" if over else ""),
                detail,
                tuple(("chart_line", i) for i in line_ids)
                + (
                    (("observation", weight.id),)
                    if weight is not None and maximum and maximum.weight_kg is not None
                    else ()
                ),
                SAME_INGREDIENT_SOURCE,
            )
        )
    return out
