"""Signals from the chart as a whole: how many medicines, their anticholinergic burden, two of
one class."""

from __future__ import annotations

from collections import defaultdict

from emar.domain.doses import LineFacts
from emar.domain.medicines.knowledge import Substance
from emar.domain.review.signals.base import (
    Context,
    ReviewFacts,
    Severity,
    Signal,
    active,
    names,
    plural,
    regular,
    substances,
)

POLYPHARMACY_SOURCE = "NICE NG5 (structured medication review); NHS Scotland Polypharmacy 2018"
ACB_SOURCE = "ACB scale (Boustani 2008, 2012 update); NICE NG5"
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
