"""The demo's medication review (issue 17): Philippa Grant's signed review of Reg Bennett, with
recommendations in every status. Each step is recorded through the services by the person who
would record it: the pharmacist proposes (signing with her PIN) and reviews the outcome; the
nurse or the manager records sending to the GP and the GP's answer; the nurse carries out two
accepted recommendations by stopping the lines, citing them (which actions them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.demo.data import DEMO_STAFF
from emar.domain.review.recommendations import ACTIONED
from emar.models import Recommendation
from emar.services.charts.editing import stop_line
from emar.services.review.records import (
    LineAssessment,
    RecommendationForm,
    ReviewForm,
    move_recommendation,
    sign_review,
)
from emar.services.staff.signing import Signature

PHARMACIST = "phil"
REVIEWED = "Bennett"  # the resident reviewed (family name in emar.demo.residents)
REVIEWED_DAYS_AGO = 21


@dataclass(frozen=True)
class DemoRecommendation:
    to: str  # "gp" or "home"
    kind: str
    medicine: str | None  # the catalogue key of the chart line it concerns
    text: str
    # the steps after "proposed": status, who (username), days ago, reason; "actioned" is the
    # nurse stopping the line, citing the recommendation
    steps: tuple[tuple[str, str, int, str | None], ...] = ()
    due_days: int | None = None  # due this many days after the review


RECOMMENDATIONS = (
    DemoRecommendation(
        "gp",
        "reduce",
        "diazepam",
        "Diazepam 2 mg at night for 6 weeks, with two falls: reduce by 1 mg every two weeks "
        "and stop; sleep hygiene plan with the home.",
    ),
    DemoRecommendation(
        "gp",
        "stop",
        "naproxen",
        "Stop naproxen: with apixaban and eGFR 27 the risk of bleeding and of kidney harm "
        "outweighs the benefit. Regular paracetamol for the knee instead.",
        steps=(("sent", "nina", 20, None),),
        due_days=14,
    ),
    DemoRecommendation(
        "home",
        "monitor",
        None,
        "Lying and standing blood pressure weekly for 4 weeks (falls; ramipril and "
        "furosemide): tell the GP if it drops by 20 or more on standing.",
        steps=(("accepted", "nina", 20, None),),
        due_days=28,
    ),
    DemoRecommendation(
        "gp",
        "stop",
        "amitriptyline",
        "Amitriptyline (anticholinergic burden 3, falls): consider stopping, or a switch for "
        "his nerve pain.",
        steps=(
            ("sent", "nina", 20, None),
            (
                "declined",
                "mark",
                13,
                "GP: nerve pain well controlled at 10 mg; to reconsider at the next review",
            ),
        ),
    ),
    DemoRecommendation(
        "gp",
        "stop",
        "senna",
        "Stop regular senna: bowels open daily, often declined by Reg; PRN if needed.",
        steps=(
            ("sent", "nina", 20, None),
            ("accepted", "mark", 16, None),
            (ACTIONED, "nina", 15, "Stopped as agreed with the GP (bowels regular)"),
        ),
    ),
    DemoRecommendation(
        "gp",
        "stop",
        "atorvastatin",
        "Stop atorvastatin: at 94, with his priorities of comfort and fewer tablets, it is "
        "unlikely to bring benefit.",
        steps=(
            ("sent", "nina", 20, None),
            ("accepted", "mark", 18, None),
            (ACTIONED, "nina", 17, "Stopped on the GP's advice (fewer tablets)"),
            (
                "outcome reviewed",
                PHARMACIST,
                3,
                "No ill effects two weeks on; Reg pleased to have fewer tablets",
            ),
        ),
    ),
)


def _at(zone: ZoneInfo, today: date, days_ago: int, hour: int) -> datetime:
    return datetime.combine(today - timedelta(days=days_ago), time(hour), tzinfo=zone)


def sign_demo_review(
    session: Session,
    staff: dict[str, int],
    zone: ZoneInfo,
    today: date,
    resident_id: int,
    lines: dict[str, int],
) -> int:
    """The review signed three weeks ago and its recommendations moved on since; its id."""
    pins = {username: pin for username, _name, _role, _password, pin, _badge in DEMO_STAFF}
    signed = _at(zone, today, REVIEWED_DAYS_AGO, 11)
    form = ReviewForm(
        resident_id=resident_id,
        mode="in person",
        participants="Nina Patel (nurse), Reg, his son Paul",
        what_matters="To stay on his feet and walk to the garden; fewer tablets at night.",
        summary=(
            "Two falls this quarter on diazepam and amitriptyline; naproxen with apixaban, "
            "ramipril and furosemide at eGFR 27, and metformin below its limit. Twelve regular "
            "medicines: aim to stop what no longer helps."
        ),
        assessments=(
            LineAssessment(lines["apixaban"], "continue", "Atrial fibrillation; dose right"),
            LineAssessment(lines["naproxen"], "stop", "Bleeding and kidney risk"),
            LineAssessment(lines["diazepam"], "reduce", "Falls; beyond 4 weeks"),
            LineAssessment(lines["amitriptyline"], "change", "Anticholinergic; falls"),
            LineAssessment(lines["senna"], "stop", "Bowels regular"),
            LineAssessment(lines["atorvastatin"], "stop", "Little benefit now"),
            LineAssessment(
                lines["metformin"], "refer", "eGFR 27: below 30, metformin to stop; GP to review"
            ),
            LineAssessment(lines["ramipril"], "monitor", "With furosemide and naproxen: kidneys"),
            LineAssessment(lines["furosemide"], "monitor", "Lying and standing BP; U&Es"),
        ),
        recommendations=tuple(
            RecommendationForm(
                addressed_to=r.to,
                kind=r.kind,
                text=r.text,
                chart_line_id=lines[r.medicine] if r.medicine else None,
                due_on=signed.date() + timedelta(days=r.due_days) if r.due_days else None,
            )
            for r in RECOMMENDATIONS
        ),
        next_review_on=signed.date() + timedelta(days=182),
    )
    review_id = sign_review(session, Signature(PHARMACIST, pins[PHARMACIST]), form, signed)
    rec_ids = session.scalars(
        select(Recommendation.id)
        .where(Recommendation.review_id == review_id)
        .order_by(Recommendation.id)
    ).all()
    for rec, rec_id in zip(RECOMMENDATIONS, rec_ids, strict=True):
        for status, who, days_ago, reason in rec.steps:
            at = _at(zone, today, days_ago, 14)
            if status == ACTIONED:
                assert rec.medicine is not None
                line_id = lines[rec.medicine]
                stop_line(session, staff[who], line_id, reason or "", at, recommendation_id=rec_id)
            else:
                move_recommendation(session, staff[who], rec_id, status, at, reason)
    return review_id
