"""Signed reviews and recommendations inserted straight through the models (the review
records' service is another job): what the reports read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from emar.models import ChartLineEvent
from emar.models.review import (
    MedicationReview,
    Recommendation,
    RecommendationEvent,
    ReviewLineAssessment,
)


def add_review(
    session: Any,
    resident_id: int,
    pharmacist_id: int,
    signed_at: datetime,
    *,
    mode: str = "in person",
    participants: str = "Nina Patel (nurse), the resident, her daughter",
    what_matters: str | None = "To stay well enough to go to her granddaughter's wedding",
    summary: str | None = "Fewer tablets; fewer refusals.",
    assessments: Sequence[tuple[int, str, str | None]] = (),
    next_review_on: date | None = None,
) -> int:
    review = MedicationReview(
        resident_id=resident_id,
        pharmacist_id=pharmacist_id,
        signed_at=signed_at,
        mode=mode,
        participants=participants,
        what_matters=what_matters,
        summary=summary,
        next_review_on=next_review_on,
    )
    session.add(review)
    session.flush()
    for line_id, assessment, reason in assessments:
        session.add(
            ReviewLineAssessment(
                review_id=review.id, chart_line_id=line_id, assessment=assessment, reason=reason
            )
        )
    session.flush()
    return review.id


def add_recommendation(
    session: Any,
    *,
    resident_id: int,
    by: int,
    created_at: datetime,
    text: str,
    review_id: int | None = None,
    addressed_to: str = "gp",
    kind: str = "stop",
    chart_line_id: int | None = None,
    due_on: date | None = None,
    steps: Sequence[tuple[str, datetime] | tuple[str, datetime, str]] = (),
) -> int:
    """A recommendation, "proposed" when made, then each (status, at[, reason]) step."""
    rec = Recommendation(
        review_id=review_id,
        resident_id=resident_id,
        chart_line_id=chart_line_id,
        addressed_to=addressed_to,
        kind=kind,
        text=text,
        due_on=due_on,
        created_by_id=by,
        created_at=created_at,
    )
    session.add(rec)
    session.flush()
    session.add(
        RecommendationEvent(recommendation_id=rec.id, status="proposed", staff_id=by, at=created_at)
    )
    for step in steps:
        status, at = step[0], step[1]
        reason = step[2] if len(step) > 2 else None  # type: ignore[misc]
        session.add(
            RecommendationEvent(
                recommendation_id=rec.id, status=status, staff_id=by, at=at, reason=reason
            )
        )
    session.flush()
    return rec.id


def stop_line(
    session: Any, chart_line_id: int, at: datetime, staff_id: int, reason: str, rec: int | None
) -> None:
    """A stop event on a chart line, citing the recommendation it carries out."""
    session.add(
        ChartLineEvent(
            chart_line_id=chart_line_id,
            kind="stopped",
            effective_at=at,
            reason=reason,
            staff_id=staff_id,
            recorded_at=at,
            recommendation_id=rec,
        )
    )
    session.flush()
