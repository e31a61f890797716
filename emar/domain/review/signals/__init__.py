"""The pharmacist's signals: pure rules over one resident's facts, one module per family."""

from __future__ import annotations

from collections.abc import Callable

from emar.domain.review.signals import burden, conditions, dates, duration, mar, monitoring
from emar.domain.review.signals.base import (
    Context,
    Evidence,
    LineExtra,
    Observation,
    Plan,
    ReviewFacts,
    Severity,
    Signal,
)

Rule = Callable[[ReviewFacts, Context], list[Signal]]

RULES: tuple[Rule, ...] = (
    mar.refused_often,
    mar.not_given_often,
    mar.prn_often,
    mar.prn_unused,
    mar.never_given,
    mar.time_critical_late,
    burden.polypharmacy,
    burden.anticholinergic_burden,
    burden.same_class,
    burden.same_ingredient,
    duration.hypnotic_long,
    duration.ppi_full_dose_long,
    conditions.nsaid_anticoagulant,
    conditions.nsaid_kidney,
    conditions.triple_whammy,
    conditions.kidney_dose,
    conditions.falls_risk_faller,
    conditions.antipsychotic_dementia,
    conditions.solid_forms_dysphagia,
    conditions.paracetamol_low_weight,
    monitoring.high_risk_monitoring,
    dates.line_review_passed,
    dates.covert_review_passed,
    dates.course_ended,
    dates.stopped_in_stock,
)


def resident_signals(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    """Every signal one resident shows, most severe first."""
    found = [s for rule in RULES for s in rule(facts, ctx)]
    return sorted(found, key=lambda s: (-s.severity.rank, s.kind, s.chart_line_ids))


__all__ = [
    "RULES",
    "Context",
    "Evidence",
    "LineExtra",
    "Observation",
    "Plan",
    "ReviewFacts",
    "Severity",
    "Signal",
    "resident_signals",
]
