"""Signals for high-risk medicines that need blood monitoring: warfarin (INR), lithium (level),
methotrexate (blood tests). No active monitoring plan, or the latest result older than the
plan allows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from emar.domain.review.signals.base import (
    Context,
    ReviewFacts,
    Severity,
    Signal,
    active,
    substances,
)


@dataclass(frozen=True, slots=True)
class Monitoring:
    kind: str  # the observation kind that satisfies it
    what: str
    source: str


# substance key -> the monitoring it needs
MONITORED: dict[str, Monitoring] = {
    "warfarin": Monitoring("inr", "INR", "NPSA/2007/18 oral anticoagulants; BNF warfarin"),
    "lithium": Monitoring(
        "lithium", "lithium level", "NPSA/2009/PSA005 lithium; NICE CG185 (levels every 3 months)"
    ),
    "methotrexate": Monitoring(
        "methotrexate_bloods", "blood tests", "NPSA/2006/13 oral methotrexate; BNF methotrexate"
    ),
}


def high_risk_monitoring(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    out = []
    for line in active(facts.lines):
        for s in substances(line, ctx.knowledge):
            need = MONITORED.get(s.key)
            if need is None:
                continue
            plans = [p for p in facts.plans if p.kind == need.kind]
            if not plans:
                out.append(
                    Signal(
                        "monitoring_no_plan",
                        facts.resident.id,
                        (line.id,),
                        Severity.ATTENTION,
                        f"{line.medicine}: no monitoring plan",
                        f"{s.name} needs regular {need.what}; no monitoring plan is recorded.",
                        (("chart_line", line.id),),
                        need.source,
                    )
                )
                continue
            plan = min(plans, key=lambda p: p.every_days)
            latest = facts.latest(need.kind)
            due = ctx.now - timedelta(days=plan.every_days)
            if latest is not None and latest.observed_at >= due:
                continue
            last = f"last on {ctx.day(latest.observed_at):%d %b %Y}" if latest else "none recorded"
            evidence = [("plan", plan.id)]
            if latest is not None:
                evidence.append(("observation", latest.id))
            out.append(
                Signal(
                    "monitoring_overdue",
                    facts.resident.id,
                    (line.id,),
                    Severity.URGENT,
                    f"{line.medicine}: {need.what} overdue",
                    f"{need.what} due every {plan.every_days} days ({last}).",
                    tuple(evidence),
                    need.source,
                )
            )
    return out
