"""The pharmacist's signed medication reviews and the recommendations that follow them through
to the chart (issue 17, parts 3 and 4). The shapes here are the contract the review screen, the
reports and the CLI use; emar.models.review holds the rows.

A review is signed once with the pharmacist's PIN and never edited. A recommendation moves
proposed -> sent -> accepted or declined (with a reason) -> actioned -> outcome reviewed, each
step a new event; a chart change (a new line, a stop, a change) that cites it moves it to
actioned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from emar.services.staff.signing import Signature


@dataclass(frozen=True)
class LineAssessment:
    chart_line_id: int
    assessment: str  # continue, stop, reduce, change, monitor, refer
    reason: str | None = None


@dataclass(frozen=True)
class RecommendationForm:
    addressed_to: str  # "gp" (the prescriber) or "home"
    kind: str  # stop, reduce, change, start, monitor, review, other
    text: str
    chart_line_id: int | None = None
    due_on: date | None = None


@dataclass(frozen=True)
class ReviewForm:
    resident_id: int
    mode: str  # "in person" or "remote"
    participants: str  # who took part: "Nina Patel (nurse), the resident, daughter"
    what_matters: str | None = None  # "what matters to me", from the resident or family
    summary: str | None = None
    assessments: tuple[LineAssessment, ...] = ()
    recommendations: tuple[RecommendationForm, ...] = ()
    next_review_on: date | None = None


@dataclass(frozen=True)
class StatusStep:
    status: str
    at: datetime
    by: str
    reason: str | None
    chart_line_id: int | None  # the chart change that carried it out (actioned)


@dataclass(frozen=True)
class RecommendationView:
    id: int
    review_id: int | None
    resident_id: int
    resident: str
    chart_line_id: int | None
    medicine: str | None
    addressed_to: str
    kind: str
    text: str
    status: str  # the latest step's
    status_at: datetime
    due_on: date | None
    overdue: bool  # still open after due_on
    history: tuple[StatusStep, ...]


@dataclass(frozen=True)
class ReviewView:
    id: int
    resident_id: int
    pharmacist: str
    signed_at: datetime
    mode: str
    participants: str
    what_matters: str | None
    summary: str | None
    next_review_on: date | None
    assessments: tuple[LineAssessment, ...]
    recommendations: tuple[RecommendationView, ...]


def sign_review(session: Session, pharmacist: Signature, form: ReviewForm, at: datetime) -> int:
    """Save and sign a review (Action.REVIEW, the pharmacist's PIN); its recommendations start
    "proposed". Returns the review's id."""
    raise NotImplementedError


def reviews_of(session: Session, staff_id: int | None, resident_id: int) -> list[ReviewView]:
    """A resident's signed reviews, newest first."""
    raise NotImplementedError


def last_reviewed(session: Session, resident_ids: list[int]) -> dict[int, date]:
    """The local date of each resident's last signed review (for the review list)."""
    raise NotImplementedError


def list_recommendations(
    session: Session,
    staff_id: int | None,
    now: datetime,
    *,
    resident_id: int | None = None,
    open_only: bool = False,
) -> list[RecommendationView]:
    """Recommendations with their status; `open_only`: not yet actioned, declined or reviewed."""
    raise NotImplementedError


def move_recommendation(
    session: Session,
    staff_id: int,
    recommendation_id: int,
    status: str,
    at: datetime,
    reason: str | None = None,
) -> RecommendationView:
    """The next step of a recommendation (only the steps its status allows; declined needs a
    reason); audited."""
    raise NotImplementedError
