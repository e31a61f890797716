"""The pharmacist's signed medication reviews and the recommendations that follow them through
to the chart (issue 17, parts 3 and 4). The shapes here are the contract the review screen, the
reports and the CLI use; emar.models.review holds the rows.

A review is signed once with the pharmacist's PIN and never edited. A recommendation moves
proposed -> sent -> accepted or declined (with a reason) -> actioned -> outcome reviewed, each
step a new event; a chart change (a new line, a stop, a change) that cites it moves it to
actioned.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from emar.domain.review.ranking import LastReview
from emar.domain.review.recommendations import (
    ACCEPTED,
    ACTIONED,
    ADDRESSEES,
    KINDS,
    MOVED_BY,
    PROPOSED,
    SENT,
    Mover,
    StepRefused,
    check_step,
    due_date,
    is_open,
    is_overdue,
    waiting_for,
)
from emar.domain.text_rules import LINE, NOTE, SHORT, clean_text, required_text
from emar.errors import ValidationError
from emar.models import (
    ChartLine,
    MedicationReview,
    Medicine,
    Recommendation,
    RecommendationEvent,
    Resident,
    ReviewLineAssessment,
    Staff,
    utcnow,
)
from emar.models.review import ASSESSMENTS, REVIEW_MODES
from emar.services.audit import record_event
from emar.services.home import get_home
from emar.services.permissions import Action, NotPermitted, require
from emar.services.residents.current import current_resident
from emar.services.review.signals import check_may_view
from emar.services.staff.signing import Signature, countersign


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
    due_on: date | None  # set at the review, else two weeks after it was sent to the GP
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


@dataclass(frozen=True)
class WaitingCounts:
    """For the round list and the home's dashboard: open recommendations awaiting the GP (not
    yet sent, or sent and unanswered), awaiting action in the home (accepted, or proposed to
    the home), and open past their due date."""

    awaiting_gp: int
    awaiting_action: int
    overdue: int

    def words(self) -> str:
        """As a manager follows them up."""
        return (
            f"Recommendations: {self.awaiting_gp} awaiting the GP, "
            f"{self.awaiting_action} awaiting action, {self.overdue} overdue"
        )


MOVED_JUST_NOW = "Someone else moved this recommendation just now: it is {status}. Look again."
_ACTION_FOR = {
    Mover.PHARMACIST: Action.REVIEW,
    Mover.HOME: Action.RECORD_RECOMMENDATION_ANSWER,
    Mover.CHART: Action.EDIT_CHARTS,
}


def _choice(value: str, label: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValidationError(f"{label} is one of: {', '.join(allowed)} (not {value!r}).")
    return value


def _clean(session: Session, form: ReviewForm) -> ReviewForm:
    """The form as it will be stored, or a message naming the field that is wrong."""
    line_owner = dict(
        session.execute(
            select(ChartLine.id, ChartLine.resident_id).where(
                ChartLine.id.in_(
                    [a.chart_line_id for a in form.assessments]
                    + [r.chart_line_id for r in form.recommendations if r.chart_line_id]
                )
            )
        ).all()
    )

    def own(line_id: int) -> int:
        if line_owner.get(line_id) != form.resident_id:
            raise ValidationError(f"Chart line {line_id} is not on this resident's chart.")
        return line_id

    seen: set[int] = set()
    assessments = []
    for a in form.assessments:
        if a.chart_line_id in seen:
            raise ValidationError(f"Chart line {a.chart_line_id} is assessed twice.")
        seen.add(own(a.chart_line_id))
        choice = _choice(a.assessment, "An assessment", ASSESSMENTS)
        reason = clean_text(a.reason, "The assessment's reason", limit=LINE, lines=True)
        if choice != "continue" and reason is None:
            raise ValidationError(f"Give the reason to {choice} chart line {a.chart_line_id}.")
        assessments.append(LineAssessment(a.chart_line_id, choice, reason))
    recommendations = [
        RecommendationForm(
            _choice(r.addressed_to, "A recommendation is addressed to", ADDRESSEES),
            _choice(r.kind, "A recommendation's kind", KINDS),
            required_text(r.text, "The recommendation", limit=NOTE),
            own(r.chart_line_id) if r.chart_line_id is not None else None,
            r.due_on,
        )
        for r in form.recommendations
    ]
    return ReviewForm(
        resident_id=form.resident_id,
        mode=_choice(form.mode, "The review's mode", REVIEW_MODES),
        participants=required_text(form.participants, "Who took part", limit=SHORT),
        what_matters=clean_text(form.what_matters, "What matters to me", limit=NOTE, lines=True),
        summary=clean_text(form.summary, "Summary", limit=NOTE, lines=True),
        assessments=tuple(assessments),
        recommendations=tuple(recommendations),
        next_review_on=form.next_review_on,
    )


def sign_review(session: Session, pharmacist: Signature, form: ReviewForm, at: datetime) -> int:
    """Save and sign a review (Action.REVIEW, the pharmacist's PIN); its recommendations start
    "proposed". Returns the review's id."""
    signer = countersign(session, pharmacist, Action.REVIEW, "Medication review", at)
    if signer.role != "pharmacist":  # the matrix says so too: a review is a pharmacist's
        raise NotPermitted(f"{signer.full_name} is not a pharmacist: only a pharmacist signs.")
    resident = current_resident(session, form.resident_id)
    form = _clean(session, form)
    today = at.astimezone(get_home(session).zone).date()
    if form.next_review_on is not None and form.next_review_on <= today:
        raise ValidationError("The next review is after today.")
    review = MedicationReview(
        resident_id=resident.id,
        pharmacist_id=signer.id,
        signed_at=at,
        mode=form.mode,
        participants=form.participants,
        what_matters=form.what_matters,
        summary=form.summary,
        next_review_on=form.next_review_on,
    )
    session.add(review)
    session.flush()
    for a in form.assessments:
        session.add(
            ReviewLineAssessment(
                review_id=review.id,
                chart_line_id=a.chart_line_id,
                assessment=a.assessment,
                reason=a.reason,
            )
        )
    rec_ids = []
    for r in form.recommendations:
        rec = Recommendation(
            review_id=review.id,
            resident_id=resident.id,
            chart_line_id=r.chart_line_id,
            addressed_to=r.addressed_to,
            kind=r.kind,
            text=r.text,
            due_on=r.due_on,
            created_by_id=signer.id,
            created_at=at,
        )
        session.add(rec)
        session.flush()
        session.add(
            RecommendationEvent(
                recommendation_id=rec.id, status=PROPOSED, staff_id=signer.id, at=at
            )
        )
        rec_ids.append(rec.id)
        record_event(
            session,
            "recommendation.proposed",
            staff_id=signer.id,
            entity="recommendation",
            entity_id=rec.id,
            detail={"resident_id": resident.id, "review_id": review.id, "to": r.addressed_to,
                    "kind": r.kind, "chart_line_id": r.chart_line_id},
        )  # fmt: skip
    session.flush()
    record_event(
        session,
        "review.signed",
        staff_id=signer.id,
        entity="medication_review",
        entity_id=review.id,
        detail={
            "resident_id": resident.id,
            "mode": form.mode,
            "assessments": [[a.chart_line_id, a.assessment] for a in form.assessments],
            "recommendations": rec_ids,
        },
    )
    return review.id


def _names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    return dict(
        session.execute(select(Staff.id, Staff.full_name).where(Staff.id.in_(wanted))).all()
    )


def _medicines(session: Session, line_ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in line_ids if i is not None}
    if not wanted:
        return {}
    return {
        line_id: text or med.display_name
        for line_id, text, med in session.execute(
            select(ChartLine.id, ChartLine.medicine_text, Medicine)
            .join(Medicine, Medicine.id == ChartLine.medicine_id)
            .where(ChartLine.id.in_(wanted))
        )
    }


def _views(
    session: Session, recs: Sequence[Recommendation], today: date
) -> list[RecommendationView]:
    if not recs:
        return []
    events: dict[int, list[RecommendationEvent]] = defaultdict(list)
    for e in session.scalars(
        select(RecommendationEvent)
        .where(RecommendationEvent.recommendation_id.in_([r.id for r in recs]))
        .order_by(RecommendationEvent.id)
    ):
        events[e.recommendation_id].append(e)
    names = _names(session, {e.staff_id for es in events.values() for e in es})
    zone = get_home(session).zone
    residents = {
        r.id: r.full_name
        for r in session.scalars(
            select(Resident).where(Resident.id.in_({r.resident_id for r in recs}))
        )
    }
    medicines = _medicines(session, (r.chart_line_id for r in recs))
    out = []
    for r in recs:
        history = tuple(
            StatusStep(e.status, e.at, names.get(e.staff_id, ""), e.reason, e.chart_line_id)
            for e in events[r.id]
        )
        last = history[-1]
        sent = next((step.at for step in history if step.status == SENT), None)
        due = due_date(r.due_on, last.status, sent.astimezone(zone).date() if sent else None)
        out.append(
            RecommendationView(
                id=r.id,
                review_id=r.review_id,
                resident_id=r.resident_id,
                resident=residents.get(r.resident_id, ""),
                chart_line_id=r.chart_line_id,
                medicine=medicines.get(r.chart_line_id) if r.chart_line_id else None,
                addressed_to=r.addressed_to,
                kind=r.kind,
                text=r.text,
                status=last.status,
                status_at=last.at,
                due_on=due,
                overdue=is_overdue(last.status, due, today),
                history=history,
            )
        )
    return out


def _today(session: Session, now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(get_home(session).zone).date()


def reviews_of(session: Session, staff_id: int | None, resident_id: int) -> list[ReviewView]:
    """A resident's signed reviews, newest first."""
    check_may_view(session, staff_id)
    reviews = list(
        session.scalars(
            select(MedicationReview)
            .where(MedicationReview.resident_id == resident_id)
            .order_by(MedicationReview.signed_at.desc(), MedicationReview.id.desc())
        )
    )
    if not reviews:
        return []
    ids = [r.id for r in reviews]
    assessments: dict[int, list[LineAssessment]] = defaultdict(list)
    for a in session.scalars(
        select(ReviewLineAssessment)
        .where(ReviewLineAssessment.review_id.in_(ids))
        .order_by(ReviewLineAssessment.id)
    ):
        assessments[a.review_id].append(LineAssessment(a.chart_line_id, a.assessment, a.reason))
    recs = session.scalars(
        select(Recommendation).where(Recommendation.review_id.in_(ids)).order_by(Recommendation.id)
    ).all()
    by_review: dict[int | None, list[RecommendationView]] = defaultdict(list)
    for view in _views(session, recs, _today(session)):
        by_review[view.review_id].append(view)
    names = _names(session, (r.pharmacist_id for r in reviews))
    return [
        ReviewView(
            id=r.id,
            resident_id=r.resident_id,
            pharmacist=names.get(r.pharmacist_id, ""),
            signed_at=r.signed_at,
            mode=r.mode,
            participants=r.participants,
            what_matters=r.what_matters,
            summary=r.summary,
            next_review_on=r.next_review_on,
            assessments=tuple(assessments[r.id]),
            recommendations=tuple(by_review[r.id]),
        )
        for r in reviews
    ]


def last_reviewed(session: Session, resident_ids: list[int]) -> dict[int, LastReview]:
    """Each resident's last signed review (for the review list): its local date, the next
    review it set and the lines it assessed."""
    if not resident_ids:
        return {}
    zone = get_home(session).zone
    latest = (
        select(MedicationReview.resident_id, func.max(MedicationReview.id).label("review_id"))
        .where(MedicationReview.resident_id.in_(resident_ids))
        .group_by(MedicationReview.resident_id)
        .subquery()
    )
    reviews = {
        r.id: r
        for r in session.scalars(
            select(MedicationReview).join(latest, MedicationReview.id == latest.c.review_id)
        )
    }
    assessed: dict[int, set[int]] = {rid: set() for rid in reviews}
    for review_id, line_id in session.execute(
        select(ReviewLineAssessment.review_id, ReviewLineAssessment.chart_line_id).where(
            ReviewLineAssessment.review_id.in_(list(reviews))
        )
    ):
        assessed[review_id].add(line_id)
    return {
        r.resident_id: LastReview(
            r.signed_at.astimezone(zone).date(), r.next_review_on, frozenset(assessed[r.id])
        )
        for r in reviews.values()
    }


def list_recommendations(
    session: Session,
    staff_id: int | None,
    now: datetime,
    *,
    resident_id: int | None = None,
    open_only: bool = False,
) -> list[RecommendationView]:
    """Recommendations with their status; `open_only`: not yet actioned, declined or reviewed.
    Overdue ones first, then by resident and id."""
    check_may_view(session, staff_id)
    query = select(Recommendation).order_by(Recommendation.id)
    if resident_id is not None:
        query = query.where(Recommendation.resident_id == resident_id)
    views = _views(session, session.scalars(query).all(), _today(session, now))
    if open_only:
        views = [v for v in views if is_open(v.status)]
    return sorted(views, key=lambda v: (not v.overdue, v.resident, v.id))


def recommendations_waiting(session: Session, staff_id: int | None, now: datetime) -> WaitingCounts:
    """How many open recommendations await the GP, await action in the home, and are overdue."""
    views = list_recommendations(session, staff_id, now, open_only=True)
    waits = [waiting_for(v.status, v.addressed_to) for v in views]
    return WaitingCounts(
        awaiting_gp=waits.count("gp"),
        awaiting_action=waits.count("action"),
        overdue=sum(v.overdue for v in views),
    )


def _locked(session: Session, recommendation_id: int) -> tuple[Recommendation, RecommendationEvent]:
    """The recommendation and its latest step, read after taking the row's lock: a second PC
    moving it at the same moment waits here, then sees the first PC's step."""
    rec = session.scalars(
        select(Recommendation)
        .where(Recommendation.id == recommendation_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if rec is None:
        raise ValidationError("No such recommendation.")
    latest = session.scalars(
        select(RecommendationEvent)
        .where(RecommendationEvent.recommendation_id == rec.id)
        .order_by(RecommendationEvent.id.desc())
        .limit(1)
        .execution_options(populate_existing=True)
    ).one()
    return rec, latest


def _step(
    session: Session,
    staff_id: int,
    recommendation_id: int,
    status: str,
    at: datetime,
    reason: str | None,
    *,
    from_status: str | None = None,
    chart_line_id: int | None = None,
    resident_id: int | None = None,
) -> Recommendation:
    if status in MOVED_BY:
        require(session, staff_id, _ACTION_FOR[MOVED_BY[status]])
    reason = clean_text(reason, "Reason", limit=LINE, lines=True)
    rec, latest = _locked(session, recommendation_id)
    if resident_id is not None and rec.resident_id != resident_id:
        raise ValidationError(
            f"Recommendation {rec.id} is for another resident: this chart change cannot cite it."
        )
    if from_status is not None and latest.status != from_status:
        raise StepRefused(MOVED_JUST_NOW.format(status=latest.status))
    if from_status is None and latest.status == status and latest.staff_id != staff_id:
        raise StepRefused(MOVED_JUST_NOW.format(status=latest.status))
    if chart_line_id is not None and latest.status != ACCEPTED:
        raise StepRefused(
            f"Recommendation {rec.id} is {latest.status}, not accepted: a chart change carries "
            "out only an accepted recommendation (record the GP's answer first)."
        )
    check_step(
        latest.status,
        status,
        addressed_to=rec.addressed_to,
        reason=reason,
        chart_line_id=chart_line_id,
    )
    session.add(
        RecommendationEvent(
            recommendation_id=rec.id,
            status=status,
            reason=reason,
            staff_id=staff_id,
            at=at,
            chart_line_id=chart_line_id,
        )
    )
    session.flush()
    record_event(
        session,
        f"recommendation.{status.replace(' ', '_')}",
        staff_id=staff_id,
        entity="recommendation",
        entity_id=rec.id,
        detail={
            "resident_id": rec.resident_id,
            "from": latest.status,
            "to": status,
            "reason": reason,
            "chart_line_id": chart_line_id,
        },
    )
    return rec


def move_recommendation(
    session: Session,
    staff_id: int,
    recommendation_id: int,
    status: str,
    at: datetime,
    reason: str | None = None,
    *,
    from_status: str | None = None,
) -> RecommendationView:
    """The next step of a recommendation (only the steps its status allows; declined needs a
    reason); audited. `from_status`: the status the screen showed; if another PC has moved it
    since, refused with "someone else moved it just now" (as is the same step again by someone
    else)."""
    rec = _step(session, staff_id, recommendation_id, status, at, reason, from_status=from_status)
    return _views(session, [rec], _today(session, at))[0]


def check_citable(session: Session, recommendation_id: int, resident_id: int) -> None:
    """Before a chart change is written: the recommendation it cites exists, is the
    resident's, and is accepted (else a message saying why)."""
    rec = session.get(Recommendation, recommendation_id)
    if rec is None:
        raise ValidationError(f"There is no recommendation {recommendation_id}.")
    if rec.resident_id != resident_id:
        raise ValidationError(
            f"Recommendation {rec.id} is for another resident: this chart change cannot cite it."
        )
    status = session.scalars(
        select(RecommendationEvent.status)
        .where(RecommendationEvent.recommendation_id == rec.id)
        .order_by(RecommendationEvent.id.desc())
        .limit(1)
    ).one()
    if status != ACCEPTED:
        raise StepRefused(
            f"Recommendation {rec.id} is {status}, not accepted: a chart change carries out only "
            "an accepted recommendation (record the GP's answer first)."
        )


def action_by_chart_change(
    session: Session,
    staff_id: int,
    recommendation_id: int,
    resident_id: int,
    chart_line_id: int,
    at: datetime,
) -> None:
    """A chart change (in the caller's transaction) carries out the recommendation it cites:
    the recommendation moves to actioned, naming the chart line."""
    _step(
        session,
        staff_id,
        recommendation_id,
        ACTIONED,
        at,
        None,
        chart_line_id=chart_line_id,
        resident_id=resident_id,
    )
