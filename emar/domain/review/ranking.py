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


def review_status(
    last_reviewed: date | None, counts: Counts, today: date, yearly_days: int = 365
) -> tuple[ReviewStatus, date]:
    """The status and the date a review is due by. Never reviewed: due now. Reviewed: due a
    year on, overdue after; an urgent signal makes it due now (overdue if the year has passed)."""
    if last_reviewed is None:
        return ReviewStatus.DUE, today
    due_by = last_reviewed + timedelta(days=yearly_days)
    if due_by < today:
        return ReviewStatus.OVERDUE, due_by
    if counts.urgent:
        return ReviewStatus.DUE, today
    if due_by == today:
        return ReviewStatus.DUE, due_by
    return ReviewStatus.NOT_DUE, due_by


def rank_key(
    status: ReviewStatus, counts: Counts, last_reviewed: date | None, name: str
) -> tuple[int, int, int, int, int, str]:
    """Overdue first, then due; within each the most urgent and most signals; then the longest
    since a review (never reviewed first)."""
    reviewed = last_reviewed.toordinal() if last_reviewed else 0
    return (status.rank, -counts.urgent, -counts.attention, -counts.info, reviewed, name)
