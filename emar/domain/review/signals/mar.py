"""Signals from how the MAR says each medicine is actually taken: refused or not given often,
PRN used most days or not at all, a regular line never given, time-critical doses late."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from emar.domain.codes import ENTERED_IN_ERROR, IN_HOSPITAL, ON_LEAVE, REFUSED
from emar.domain.doses import DoseState, EntryFacts, LineFacts, effective_entries
from emar.domain.line_doses import line_doses
from emar.domain.mar_entries import dose_entries
from emar.domain.review.signals.base import (
    Context,
    ReviewFacts,
    Severity,
    Signal,
    active,
    current_doses,
    ids,
    plural,
    regular,
    since_start,
)

SC1 = "NICE SC1 (records of doses not given); NICE NG5"
PRN_SOURCE = "NICE SC1 (PRN medicines: review their use); NICE NG5"
TIME_CRITICAL_SOURCE = "Parkinson's UK Get It On Time; NICE SC1 (time-sensitive medicines)"
# Not counted as "not given" for a signal: refusals (their own signal), the resident away,
# a voided entry, a dose recorded on paper.
ASIDE = {REFUSED, IN_HOSPITAL, ON_LEAVE, ENTERED_IN_ERROR, "P"}
WEEK = timedelta(days=7)
FOUR_WEEKS = timedelta(days=28)


def _often(
    facts: ReviewFacts,
    ctx: Context,
    kind: str,
    prefix: str,
    counts: bool,  # True: refusals; False: other reasons
) -> list[Signal]:
    out = []
    month = ctx.now - FOUR_WEEKS
    week = ctx.now - WEEK
    doses = current_doses(facts.entries, month)
    for line in regular(active(facts.lines)):
        chosen = [
            e
            for e in doses.get(line.id, ())
            if not e.is_given
            and e.scheduled_at is not None
            and e.scheduled_at < ctx.now
            and ((e.code == REFUSED) if counts else (e.code not in ASIDE))
        ]
        if not chosen:
            continue
        in_week = [e for e in chosen if e.scheduled_at is not None and e.scheduled_at >= week]
        days = {ctx.day(e.scheduled_at) for e in chosen if e.scheduled_at is not None}
        active_days = max(1, min(28, (ctx.now - max(since_start(line), month)).days))
        share = len(days) * 100 / active_days
        # The share of days says little of a line a few days old (one missed dose of a 3-day-old
        # line is "1 of 3 days"): it applies once the line has been seen long enough and often.
        share_counts = (
            active_days >= ctx.thresholds[f"{prefix}.share_min_days"]
            and len(chosen) >= ctx.thresholds[f"{prefix}.share_min_doses"]
            and share >= float(ctx.thresholds[f"{prefix}.share_of_28_days"])
        )
        if len(in_week) < ctx.thresholds[f"{prefix}.in_7_days"] and not share_counts:
            continue
        what = "Refused" if counts else "Not given"
        detail = (
            f"{what} {plural(len(in_week), 'time')} in the last 7 days; on {len(days)} of the "
            f"last {active_days} days."
        )
        if not counts:
            reasons = Counter(e.code_label or e.code or "?" for e in chosen)
            detail += " Reasons: " + "; ".join(f"{r} x{n}" for r, n in reasons.most_common()) + "."
        notes = [f"{ctx.day(e.administered_at):%d %b} {e.note}" for e in chosen if e.note]
        if notes:
            detail += " Carers' notes: " + " | ".join(notes)
        out.append(
            Signal(
                kind,
                facts.resident.id,
                (line.id,),
                Severity.ATTENTION,
                f"{line.medicine}: {what.lower()} often",
                detail,
                ids(chosen),
                SC1,
            )
        )
    return out


def refused_often(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    """A regular medicine refused >= 3 times in 7 days, or on >= 30% of the last 28 days (of the
    days it was active, once it has been active 7 days and refused 3 times)."""
    return _often(facts, ctx, "refused_often", "refused", counts=True)


def not_given_often(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    """A regular medicine often withheld or not given for another reason (not refusal, not away)."""
    return _often(facts, ctx, "not_given_often", "not_given", counts=False)


def _prn_given(facts: ReviewFacts, line: LineFacts) -> list[EntryFacts]:
    return [
        e
        for e in effective_entries(facts.entries)
        if e.chart_line_id == line.id and e.is_given and e.scheduled_at is None
    ]


def prn_often(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    """A PRN given on most days (>= 14 of the last 21): should it be regular?"""
    out = []
    since = ctx.days_ago("prn.often_window")
    for line in active(facts.lines):
        if not line.is_prn:
            continue
        given = [e for e in _prn_given(facts, line) if since <= e.administered_at <= ctx.now]
        days = {ctx.day(e.administered_at) for e in given}
        if len(days) < ctx.thresholds["prn.often_days"]:
            continue
        window = ctx.thresholds.int("prn.often_window")
        out.append(
            Signal(
                "prn_often",
                facts.resident.id,
                (line.id,),
                Severity.ATTENTION,
                f"{line.medicine} (PRN) given most days",
                f"Given on {len(days)} of the last {window} days ({plural(len(given), 'dose')}"
                f", for {line.prn_indication or 'its reason'}): should it be a regular medicine?",
                ids(given),
                PRN_SOURCE,
            )
        )
    return out


def prn_unused(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    """A PRN on the chart for 90 days or more and not given in them: is it still needed?"""
    out = []
    since = ctx.days_ago("prn.unused_days")
    for line in active(facts.lines):
        if not line.is_prn or since_start(line) > since:
            continue
        last = facts.last_prn_given.get(line.id)
        if last is not None and last >= since:
            continue
        when = f"last given {ctx.day(last):%d %b %Y}" if last else "never given"
        out.append(
            Signal(
                "prn_unused",
                facts.resident.id,
                (line.id,),
                Severity.INFO,
                f"{line.medicine} (PRN) not used",
                f"Not given in the last {ctx.thresholds.int('prn.unused_days')} days ({when}): "
                "is it still needed?",
                (("chart_line", line.id),),
                PRN_SOURCE,
            )
        )
    return out


def never_given(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    """A regular line active for the whole of the last 28 days and not given once in them."""
    out: list[Signal] = []
    days = ctx.thresholds.int("never_given.days")
    since = ctx.now - timedelta(days=days)
    if facts.resident.away_at(ctx.now):
        return out
    doses = current_doses(facts.entries, since)
    for line in regular(active(facts.lines)):
        covered = any(a <= since and (b is None or b >= ctx.now) for a, b in line.active_periods)
        recorded = [
            e for e in doses.get(line.id, ()) if e.scheduled_at and e.scheduled_at < ctx.now
        ]
        if not covered or any(e.is_given for e in recorded):
            continue
        reasons = Counter(e.code_label or e.code or "?" for e in recorded)
        said = "; ".join(f"{r} x{n}" for r, n in reasons.most_common()) or "nothing recorded"
        out.append(
            Signal(
                "never_given",
                facts.resident.id,
                (line.id,),
                Severity.ATTENTION,
                f"{line.medicine}: not given in {days} days",
                f"Active all of the last {days} days and never given (the MAR says: {said}). "
                "Is it still needed, or is something stopping it?",
                ids(recorded) or (("chart_line", line.id),),
                SC1,
            )
        )
    return out


def time_critical_late(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    """Time-critical doses late or missed >= 3 times in the last 7 days."""
    out = []
    since = ctx.now - WEEK
    recorded = dose_entries(facts.entries)
    for line in regular(active(facts.lines)):
        if not line.time_critical:
            continue
        doses = line_doses(
            line, ctx.zone, ctx.windows, since, ctx.now, ctx.now, recorded, facts.resident.away_at
        )
        late = [d for d in doses if d.late_minutes > 0]
        missed = [d for d in doses if d.state == DoseState.MISSED]
        if len(late) + len(missed) < ctx.thresholds["time_critical.late_in_7_days"]:
            continue
        out.append(
            Signal(
                "time_critical_late",
                facts.resident.id,
                (line.id,),
                Severity.URGENT,
                f"{line.medicine}: time-critical doses late",
                f"In the last 7 days {plural(len(late), 'dose')} given late and "
                f"{len(missed)} missed. Late doses of this medicine can cause harm.",
                ids(d.entry for d in late if d.entry is not None)
                + tuple(("chart_line", line.id) for _ in missed[:1]),
                TIME_CRITICAL_SOURCE,
            )
        )
    return out
