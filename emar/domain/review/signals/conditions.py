"""Signals from a medicine and the resident's own facts: an NSAID with an anticoagulant, with poor
kidneys, or with an ACE inhibitor or ARB and a diuretic; falls-risk medicines for a faller, an
antipsychotic in dementia unreviewed, tablets for someone who cannot swallow them, the
paracetamol maximum under 50 kg."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal

from emar.domain.doses import LineFacts
from emar.domain.medicines.knowledge import RenalAdvice, Substance
from emar.domain.review.signals.base import (
    Context,
    Evidence,
    ReviewFacts,
    Severity,
    Signal,
    active,
    daily_mg,
    has_class,
    names,
    plural,
    regular,
    substances,
)

NSAID_ANTICOAGULANT_SOURCE = "PINCER (anticoagulant with an oral NSAID); STOPP/START v3 section C"
TRIPLE_WHAMMY_SOURCE = (
    "PINCER (NSAID with an ACE inhibitor or ARB and a diuretic); MHRA Drug Safety Update "
    "(acute kidney injury); STOPP/START v3"
)
KIDNEY_DOSE_SOURCE = "BNF renal dosing; STOPP/START v3 section E (renal function)"
NSAID_KIDNEY_SOURCE = "BNF NSAIDs (avoid in severe renal impairment); STOPP/START v3 section E"
FALLS_REVIEW_SOURCE = "NICE CG161 (medication review after a fall)"
# Why the reference flags a substance falls-risk: the "falls: ..." note of its source.
FALLS_BASIS = {
    "STOPPFall": "STOPPFall (Seppala 2021)",
    "NICE falls (postural hypotension)": "NICE CG161 (medicines causing postural hypotension)",
}
_FALLS_NOTE = re.compile(r"falls:\s*([^;]+)")
DEMENTIA_SOURCE = (
    "NICE NG97 (antipsychotics in dementia: reassess regularly); NHS England dementia guidance"
)
DYSPHAGIA_SOURCE = "NICE SC1 (crushing or opening needs pharmacist advice); NEWT Guidelines"
PARACETAMOL_SOURCE = "BNF paracetamol (adults under 50 kg: at most 3 g a day)"

TOPICAL = ("topical", "cutaneous", "transdermal", "eye", "ear", "ocular", "otic", "nasal")
# Forms that are easy to swallow or are not swallowed whole.
SOFT_FORMS = ("dispersible", "soluble", "effervescent", "orodispersible", "chewable", "buccal")
SOLID_FORMS = ("tablet", "capsule", "caplet")


def systemic_nsaids(lines: list[LineFacts], ctx: Context) -> list[LineFacts]:
    """NSAIDs taken by mouth or injection; low-dose aspirin (an antiplatelet) is not one here."""
    return [
        line
        for line in lines
        if not any(w in line.route.lower() for w in TOPICAL)
        and any(
            "nsaids" in s.classes and "antiplatelets" not in s.classes
            for s in substances(line, ctx.knowledge)
        )
    ]


def nsaid_anticoagulant(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    lines = active(facts.lines)
    nsaids = systemic_nsaids(lines, ctx)
    anticoagulants = [line for line in lines if has_class(line, ctx.knowledge, "anticoagulants")]
    if not nsaids or not anticoagulants:
        return []
    both = nsaids + anticoagulants
    line_ids = tuple(sorted({line.id for line in both}))
    return [
        Signal(
            "nsaid_anticoagulant",
            facts.resident.id,
            line_ids,
            Severity.URGENT,
            "NSAID with an anticoagulant",
            f"{names(nsaids)} with {names(anticoagulants)}: a high risk of bleeding.",
            tuple(("chart_line", i) for i in line_ids),
            NSAID_ANTICOAGULANT_SOURCE,
        )
    ]


def nsaid_kidney(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    nsaids = systemic_nsaids(active(facts.lines), ctx)
    if not nsaids:
        return []
    evidence, why = kidney_evidence(facts, ctx)
    if not evidence:
        return []
    return [
        Signal(
            "nsaid_kidney",
            facts.resident.id,
            tuple(line.id for line in nsaids),
            Severity.URGENT,
            "NSAID with reduced kidney function",
            f"{names(nsaids)} with {' and '.join(why)}: NSAIDs can worsen kidney function.",
            tuple(evidence),
            NSAID_KIDNEY_SOURCE,
        )
    ]


def kidney_evidence(facts: ReviewFacts, ctx: Context) -> tuple[list[Evidence], list[str]]:
    """Reduced kidney function as the NSAID signals read it: the latest eGFR below
    `nsaid.egfr_below`, or chronic kidney disease; the evidence and its words."""
    evidence: list[Evidence] = []
    why = []
    egfr = facts.latest("egfr")
    limit = ctx.thresholds["nsaid.egfr_below"]
    if egfr is not None and egfr.value is not None and egfr.value < limit:
        evidence.append(("observation", egfr.id))
        why.append(f"eGFR {egfr.value.normalize():f} on {ctx.day(egfr.observed_at):%d %b %Y}")
    if "ckd" in facts.conditions:
        evidence.append(("condition", facts.conditions["ckd"]))
        why.append("chronic kidney disease")
    return evidence, why


def triple_whammy(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    """A systemic NSAID with an ACE inhibitor or ARB and a diuretic: together they can cause
    acute kidney injury. Urgent; the detail says so when kidney function is already reduced
    (which `nsaid_kidney` signals on its own)."""
    lines = active(facts.lines)
    nsaids = systemic_nsaids(lines, ctx)
    raas = [line for line in lines if has_class(line, ctx.knowledge, "ace-inhibitors", "arbs")]
    diuretics = [line for line in lines if has_class(line, ctx.knowledge, "diuretics")]
    if not nsaids or not raas or not diuretics:
        return []
    line_ids = tuple(sorted({line.id for line in (*nsaids, *raas, *diuretics)}))
    evidence, why = kidney_evidence(facts, ctx)
    detail = (
        f"{names(nsaids)} with {names(raas)} and {names(diuretics)} (a diuretic): the "
        "'triple whammy', a risk of acute kidney injury. Stop the NSAID if it can be stopped."
    )
    if why:
        detail += f" Kidney function is already reduced ({' and '.join(why)})."
    return [
        Signal(
            "triple_whammy",
            facts.resident.id,
            line_ids,
            Severity.URGENT,
            "NSAID with an ACE inhibitor or ARB and a diuretic",
            detail,
            tuple(("chart_line", i) for i in line_ids) + tuple(evidence),
            TRIPLE_WHAMMY_SOURCE,
        )
    ]


def kidney_dose(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    """A medicine to avoid or dose down at the resident's latest eGFR (the reference's renal
    table: metformin, nitrofurantoin, DOACs, digoxin, gabapentinoids, lithium...). Urgent when
    it should be avoided; the detail says how old the result is. NSAIDs: `nsaid_kidney`."""
    egfr = facts.latest("egfr")
    if egfr is None or egfr.value is None:
        return []
    age = (ctx.today - ctx.day(egfr.observed_at)).days
    when = f"eGFR {egfr.value.normalize():f} on {ctx.day(egfr.observed_at):%d %b %Y}"
    when += " (today)" if age <= 0 else f" ({plural(age, 'day')} ago)"
    if age > ctx.thresholds["kidney.egfr_recent_days"]:
        when += ": an old result, ask for a new one"
    out = []
    for line in active(facts.lines):
        for sub in substances(line, ctx.knowledge):
            rule = ctx.knowledge.renal_rule(sub.key, egfr.value)
            if rule is None:
                continue
            avoid = rule.advice == RenalAdvice.AVOID
            out.append(
                Signal(
                    "kidney_dose",
                    facts.resident.id,
                    (line.id,),
                    Severity.URGENT if avoid else Severity.ATTENTION,
                    f"{line.medicine}: {rule.advice} (eGFR below {rule.egfr_below.normalize():f})",
                    f"{when}. {sub.name}: {rule.advice} when eGFR is below "
                    f"{rule.egfr_below.normalize():f}.",
                    (("observation", egfr.id), ("chart_line", line.id)),
                    f"{rule.source}; {KIDNEY_DOSE_SOURCE}",
                )
            )
    return out


def falls_basis(substance: Substance) -> str:
    """The source of a substance's falls-risk flag, as its reference row gives it."""
    found = _FALLS_NOTE.search(substance.source)
    if found is None:
        return "eMAR medicines reference (falls-risk flag)"
    note = found.group(1).strip()
    return FALLS_BASIS.get(note, note)


def falls_source(risky: Iterable[Substance]) -> str:
    """The sources of the flags actually used (STOPPFall for the classes it lists, NICE falls
    guidance for antihypertensives' postural hypotension), then the review after a fall."""
    return "; ".join([*sorted({falls_basis(s) for s in risky}), FALLS_REVIEW_SOURCE])


def falls_risk_faller(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    """Two or more falls-risk medicines for a resident with falls (the condition, or a fall
    recorded in the last 12 months)."""
    evidence: list[Evidence] = []
    if "falls" in facts.conditions:
        evidence.append(("condition", facts.conditions["falls"]))
    since = ctx.days_ago("falls.look_back_days")
    falls = [
        o for o in facts.observations if o.kind == "fall" and since <= o.observed_at <= ctx.now
    ]
    evidence.extend(("observation", o.id) for o in sorted(falls, key=lambda o: o.id))
    if not evidence:
        return []
    risky: dict[str, list[LineFacts]] = {}
    flagged: dict[str, Substance] = {}
    for line in active(facts.lines):
        for s in substances(line, ctx.knowledge):
            if s.falls_risk:
                risky.setdefault(s.key, []).append(line)
                flagged[s.key] = s
    if len(risky) < ctx.thresholds["falls.risk_medicines"]:
        return []
    lines = [line for ls in risky.values() for line in ls]
    fell = f"{plural(len(falls), 'fall')} recorded in 12 months" if falls else "a history of falls"
    return [
        Signal(
            "falls_risk_faller",
            facts.resident.id,
            tuple(sorted({line.id for line in lines})),
            Severity.ATTENTION,
            f"{plural(len(risky), 'falls-risk medicine')} for a resident who falls",
            f"{fell.capitalize()}; medicines that add to the risk: {names(lines)}.",
            tuple(evidence),
            falls_source(flagged.values()),
        )
    ]


def antipsychotic_dementia(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    """An antipsychotic for a resident with dementia, not started or changed in 12 weeks."""
    if "dementia" not in facts.conditions:
        return []
    limit = ctx.now - timedelta(weeks=ctx.thresholds.int("antipsychotic.review_weeks"))
    out = []
    for line in active(facts.lines):
        if not has_class(line, ctx.knowledge, "antipsychotics"):
            continue
        changed = facts.line_extra(line.id).changed_at or line.starts_at
        if changed > limit:
            continue
        out.append(
            Signal(
                "antipsychotic_dementia",
                facts.resident.id,
                (line.id,),
                Severity.ATTENTION,
                f"{line.medicine} in dementia: review",
                f"Unchanged since {ctx.day(changed):%d %b %Y}. Antipsychotics in dementia raise "
                "the risk of stroke and death: is it still needed, at the lowest dose?",
                (("condition", facts.conditions["dementia"]), ("chart_line", line.id)),
                DEMENTIA_SOURCE,
            )
        )
    return out


def is_solid_oral(line: LineFacts, form: str) -> bool:
    text = f"{form} {line.medicine}".lower()
    return (
        line.route.lower() == "oral"
        and any(w in text for w in SOLID_FORMS)
        and not any(w in text for w in SOFT_FORMS)
    )


def solid_forms_dysphagia(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    if "dysphagia" not in facts.conditions:
        return []
    lines = [
        line for line in active(facts.lines) if is_solid_oral(line, facts.line_extra(line.id).form)
    ]
    if not lines:
        return []
    return [
        Signal(
            "solid_forms_dysphagia",
            facts.resident.id,
            tuple(line.id for line in lines),
            Severity.ATTENTION,
            "Tablets or capsules for a resident who has difficulty swallowing",
            f"{names(lines)}: ask the pharmacist for a liquid or dispersible form; crushing or "
            "opening changes how some medicines work.",
            (("condition", facts.conditions["dysphagia"]),),
            DYSPHAGIA_SOURCE,
        )
    ]


def paracetamol_low_weight(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    """Regular paracetamol above the under-50 kg maximum (3 g a day) for a resident under 50 kg."""
    weight = facts.latest("weight")
    kg = weight.value if weight is not None else facts.resident.weight_kg
    if kg is None or kg >= ctx.thresholds["weight.low_kg"]:
        return []
    facts_p = ctx.knowledge.substance("paracetamol")
    limit = (
        facts_p.max_daily_under_50kg if facts_p and facts_p.max_daily_under_50kg else Decimal(3000)
    )
    lines = [
        line
        for line in regular(active(facts.lines))
        if daily_mg(line, "paracetamol", ctx.knowledge) > 0
    ]
    total = sum((daily_mg(line, "paracetamol", ctx.knowledge) for line in lines), Decimal(0))
    if total <= limit:
        return []
    evidence: tuple[Evidence, ...] = (("observation", weight.id),) if weight is not None else ()
    return [
        Signal(
            "paracetamol_low_weight",
            facts.resident.id,
            tuple(line.id for line in lines),
            Severity.URGENT,
            "Paracetamol above the maximum for under 50 kg",
            f"Weight {kg.normalize():f} kg; regular paracetamol {total.normalize():f} mg a day "
            f"({names(lines)}), above {limit.normalize():f} mg.",
            evidence + tuple(("chart_line", line.id) for line in lines),
            PARACETAMOL_SOURCE,
        )
    ]
