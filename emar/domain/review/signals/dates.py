"""Signals from dates on the chart: a line's review date or the covert-administration review
date passed, a course that should have ended, a stopped medicine still in stock."""

from __future__ import annotations

import re
from datetime import timedelta

from emar.domain.line_periods import ENDED, STOPPED
from emar.domain.review.signals.base import Context, ReviewFacts, Severity, Signal, active, regular
from emar.domain.wording import format_amount, unit_text

SC1 = "NICE SC1 (reviewing medicines; covert administration reviewed at the agreed date)"
COURSE_SOURCE = "NICE SC1; NICE NG15 (antimicrobial stewardship: course length)"
STOCK_SOURCE = "NICE SC1 (disposing of medicines no longer needed); NHSBSA care home metrics"

# "for 7 days", "7 day course", "five-day course"
_WORDS = {"three": 3, "five": 5, "seven": 7, "ten": 10, "fourteen": 14}
_COURSE = re.compile(
    r"\bfor (\d+|three|five|seven|ten|fourteen) days?\b|\b(\d+|three|five|seven|ten|fourteen)"
    r"[- ]days? course\b",
    re.IGNORECASE,
)


def course_days(directions: str) -> int | None:
    """How many days the directions say the course lasts, if they say."""
    m = _COURSE.search(directions)
    if m is None:
        return None
    word = (m.group(1) or m.group(2)).lower()
    return int(word) if word.isdigit() else _WORDS[word]


def line_review_passed(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    out = []
    for line in active(facts.lines):
        review = facts.line_extra(line.id).review_date
        if review is None or review >= ctx.today:
            continue
        out.append(
            Signal(
                "line_review_passed",
                facts.resident.id,
                (line.id,),
                Severity.ATTENTION,
                f"{line.medicine}: {'PRN protocol' if line.is_prn else 'line'} review date passed",
                f"The chart says review by {review:%d %b %Y}."
                + (
                    " (a when-required line's protocol: is it still needed, and how?)"
                    if line.is_prn
                    else ""
                ),
                (("chart_line", line.id),),
                SC1,
            )
        )
    return out


def covert_review_passed(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    review = facts.covert_review_date
    if review is None or review >= ctx.today:
        return []
    return [
        Signal(
            "covert_review_passed",
            facts.resident.id,
            (),
            Severity.URGENT,
            "Covert administration review date passed",
            f"Covert administration was to be reviewed by {review:%d %b %Y} (with the GP, "
            "pharmacist and family or advocate).",
            (),
            SC1,
        )
    ]


def course_ended(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    """A regular line whose directions give a course length ("for 7 days") that has run out,
    with no end date, still active."""
    out = []
    for line in regular(active(facts.lines)):
        days = course_days(line.directions)
        if days is None or line.ends_at is not None:
            continue
        ended = line.starts_at + timedelta(days=days)
        if ended > ctx.now:
            continue
        out.append(
            Signal(
                "course_ended",
                facts.resident.id,
                (line.id,),
                Severity.ATTENTION,
                f"{line.medicine}: course ended, line still active",
                f"'{line.directions}' from {ctx.day(line.starts_at):%d %b %Y}: the course ended "
                f"on {ctx.day(ended):%d %b %Y} but the line has no end date.",
                (("chart_line", line.id),),
                COURSE_SOURCE,
            )
        )
    return out


def stopped_in_stock(facts: ReviewFacts, ctx: Context) -> list[Signal]:
    out = []
    for line in facts.lines:
        stock = facts.line_extra(line.id).stock
        if line.status not in (STOPPED, ENDED) or stock <= 0:
            continue
        out.append(
            Signal(
                "stopped_in_stock",
                facts.resident.id,
                (line.id,),
                Severity.INFO,
                f"{line.medicine}: stopped, still in stock",
                f"{format_amount(stock)} {unit_text(line.dose_unit, stock)} still held for a "
                f"line that is {line.status}: return or dispose of it.",
                (("chart_line", line.id),),
                STOCK_SOURCE,
            )
        )
    return out
