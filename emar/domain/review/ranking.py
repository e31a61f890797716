"""Who most needs a review: each resident's status (NICE NG5/SC1: a medication review at least
yearly, sooner when signals appear) and the order of the review list."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from emar.domain.review.signals.base import Severity, Signal


class ReviewStatus(StrEnum):
    OVERDUE = "overdue"
    DUE = "due"
    NOT_DUE = "not due"

    @property
    def rank(self) -> int:
        return {"overdue": 0, "due": 1, "not due": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Counts:
    urgent: int = 0
    attention: int = 0
    info: int = 0

    @classmethod
    def of(cls, signals: Iterable[Signal]) -> Counts:
        found = [s.severity for s in signals]
        urgent, attention = found.count(Severity.URGENT), found.count(Severity.ATTENTION)
        return cls(urgent, attention, found.count(Severity.INFO))


@dataclass(frozen=True, slots=True)
class LastReview:
    """A resident's last signed review: when, the next review the pharmacist set, and the
    chart lines it assessed."""

    on: date
    next_review_on: date | None = None
    assessed_lines: frozenset[int] = frozenset()


def new_urgent(last: LastReview | None, signals: Iterable[Signal]) -> list[Signal]:
    """The urgent signals the last review has not seen: on a line it did not assess (or one
    added since), or about the resident as a whole. One on a line it assessed was weighed
    there (and followed up by its recommendations), so it does not call the review again."""
    return [
        s
        for s in signals
        if s.severity == Severity.URGENT
        and (
            last is None
            or not s.chart_line_ids
            or any(line not in last.assessed_lines for line in s.chart_line_ids)
        )
    ]


def review_status(
    last: LastReview | None, signals: Iterable[Signal], today: date, yearly_days: int = 365
) -> tuple[ReviewStatus, date, str]:
    """The status, the date a review is due by, and why. Never reviewed: due now. Reviewed:
    due at the next review the pharmacist set (else a year on), overdue after; an urgent
    signal the review has not seen makes it due now."""
    if last is None:
        return ReviewStatus.DUE, today, "no review recorded yet"
    due_by = last.next_review_on or last.on + timedelta(days=yearly_days)
    if due_by < today:
        return ReviewStatus.OVERDUE, due_by, f"next review was due {due_by:%d %b %Y}"
    unseen = new_urgent(last, signals)
    if unseen:
        return ReviewStatus.DUE, today, f"new since the review: {unseen[0].title}"
    if due_by == today:
        return ReviewStatus.DUE, due_by, "next review due today"
    return ReviewStatus.NOT_DUE, due_by, f"next review {due_by:%d %b %Y}"


def rank_key(
    status: ReviewStatus, counts: Counts, last_reviewed: date | None, name: str
) -> tuple[int, int, int, int, int, str]:
    """Overdue first, then due; within each the most urgent and most signals; then the longest
    since a review (never reviewed first)."""
    reviewed = last_reviewed.toordinal() if last_reviewed else 0
    return (status.rank, -counts.urgent, -counts.attention, -counts.info, reviewed, name)
