"""The pharmacist's medication review and its recommendations (issue 17). Append-only: a review
is signed once and never edited; a recommendation moves on by new status events, and the chart
change that carries it out cites it."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from emar.models.base import Base, UTCDateTime, utcnow

REVIEW_MODES = ("in person", "remote")
ASSESSMENTS = ("continue", "stop", "reduce", "change", "monitor", "refer")
ADDRESSEES = ("gp", "home")
RECOMMENDATION_STATUSES = (
    "proposed",
    "sent",
    "accepted",
    "declined",
    "actioned",
    "outcome reviewed",
)


class MedicationReview(Base):
    """A structured medication review, signed by the pharmacist with their PIN."""

    __tablename__ = "medication_review"
    __table_args__ = (CheckConstraint(f"mode IN {REVIEW_MODES!r}", name="mode"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    pharmacist_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    mode: Mapped[str] = mapped_column(String(20))
    participants: Mapped[str] = mapped_column(Text)  # who took part: nurse, resident, family...
    what_matters: Mapped[str | None] = mapped_column(Text)  # "what matters to me"
    summary: Mapped[str | None] = mapped_column(Text)
    next_review_on: Mapped[date | None] = mapped_column(Date)


class ReviewLineAssessment(Base):
    """The pharmacist's assessment of one chart line in a review, with its reason."""

    __tablename__ = "review_line_assessment"
    __table_args__ = (CheckConstraint(f"assessment IN {ASSESSMENTS!r}", name="assessment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("medication_review.id"), index=True)
    chart_line_id: Mapped[int] = mapped_column(ForeignKey("chart_line.id"))
    assessment: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)


class Recommendation(Base):
    """A recommendation to the GP/prescriber or to the home; its status is its latest event."""

    __tablename__ = "recommendation"
    __table_args__ = (CheckConstraint(f"addressed_to IN {ADDRESSEES!r}", name="addressed_to"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("medication_review.id"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    chart_line_id: Mapped[int | None] = mapped_column(ForeignKey("chart_line.id"))
    addressed_to: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30))  # stop, reduce, change, start, monitor...
    text: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date)  # when an answer or action is expected
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecommendationEvent(Base):
    """A step of a recommendation: proposed -> sent -> accepted or declined (with reason) ->
    actioned (by a chart change that cites it) -> outcome reviewed."""

    __tablename__ = "recommendation_event"
    __table_args__ = (
        CheckConstraint(f"status IN {RECOMMENDATION_STATUSES!r}", name="status"),
        CheckConstraint("status <> 'declined' OR reason IS NOT NULL", name="declined_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    chart_line_id: Mapped[int | None] = mapped_column(ForeignKey("chart_line.id"))
