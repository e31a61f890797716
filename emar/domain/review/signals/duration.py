"""Signals from how long a medicine has been taken: a hypnotic beyond 4 weeks, a PPI at full
dose beyond 8 weeks."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from emar.domain.review.signals.base import (
    Context,
    ReviewFacts,
    Severity,
    Signal,
    active,
    daily_mg,
    has_class,
    regular,
    since_start,
    substances,
)

HYPNOTIC_SOURCE = "STOPP/START v3 section D (benzodiazepines >= 4 weeks); BNF hypnotics"
PPI_SOURCE = "STOPP/START v3 section F (PPI at full dose > 8 weeks); NICE CG184"

# Full ("standard") daily dose of each PPI: NICE CG184 Gastro-oesophageal reflux disease and
# dyspepsia in adults, appendix A (doses of PPIs). Double dose is above these.
PPI_FULL_DOSE_MG: dict[str, Decimal] = {
    "omeprazole": Decimal(20),
    "esomeprazole": Decimal(40),
    "lansoprazole": Decimal(30),
    "pantoprazole": Decimal(40),
    "rabeprazole": Decimal(20),
}


def _weeks(ctx: Context, key: str) -> timedelta:
    return timedelta(weeks=ctx.thresholds.int(key))


def hypnotic_long(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    """A regular benzodiazepine or Z-drug for longer than 4 weeks."""
    out = []
    limit = ctx.now - _weeks(ctx, "hypnotic.weeks")
    for line in regular(active(facts.lines)):
        started = since_start(line)
        if not has_class(line, ctx.knowledge, "benzodiazepines", "z-drugs") or started > limit:
            continue
        days = (ctx.now - started).days
        out.append(
            Signal(
                "hypnotic_long",
                facts.resident.id,
                (line.id,),
                Severity.ATTENTION,
                f"{line.medicine} for {days // 7} weeks",
                f"Taken regularly since {ctx.day(started):%d %b %Y} ({days} days): beyond "
                f"{ctx.thresholds.int('hypnotic.weeks')} weeks it adds to falls and confusion; "
                "consider a gradual reduction.",
                (("chart_line", line.id),),
                HYPNOTIC_SOURCE,
            )
        )
    return out


def ppi_full_dose_long(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    """A PPI at full dose or more (NICE CG184's table) for longer than 8 weeks."""
    out = []
    limit = ctx.now - _weeks(ctx, "ppi.full_dose_weeks")
    for line in regular(active(facts.lines)):
        started = since_start(line)
        if started > limit:
            continue
        for s in substances(line, ctx.knowledge):
            full = PPI_FULL_DOSE_MG.get(s.key)
            if full is None:
                continue
            mg = daily_mg(line, s.key, ctx.knowledge)
            if mg < full:
                continue
            out.append(
                Signal(
                    "ppi_full_dose_long",
                    facts.resident.id,
                    (line.id,),
                    Severity.ATTENTION,
                    f"{line.medicine}: full dose for {(ctx.now - started).days // 7} weeks",
                    f"{mg.normalize():f} mg a day since {ctx.day(started):%d %b %Y} (full dose "
                    f"{full} mg): consider stepping down to the lowest dose that controls "
                    "symptoms.",
                    (("chart_line", line.id),),
                    PPI_SOURCE,
                )
            )
    return out
