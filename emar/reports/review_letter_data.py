"""The medication review letter's content: one resident's signed review (the latest, or one
chosen by id) for their GP, read straight from the review records (emar.models.review), with
the chart as it is now, the signals the MAR showed when the review was signed (with their
evidence in words), allergies, conditions, the latest weight and eGFR, and the
recommendations with their status (the latest of their events)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session, aliased

from emar.domain.codes import REFUSED
from emar.domain.doses import LineFacts
from emar.domain.line_periods import ENDED, STOPPED
from emar.domain.review.facts import CONDITIONS, OBSERVATIONS
from emar.domain.review.signals import Signal
from emar.domain.wording import dose_text, format_amount
from emar.errors import ValidationError
from emar.models import (
    Administration,
    ChartLine,
    Medicine,
    MonitoringPlan,
    Resident,
    ResidentCondition,
    ResidentObservation,
    Staff,
)
from emar.models.review import (
    MedicationReview,
    Recommendation,
    RecommendationEvent,
    ReviewLineAssessment,
)
from emar.reports.data import code_labels
from emar.services.home import HomeSettings, get_home
from emar.services.review.signals import signals_for
from emar.services.round.facts import load_allergies, load_lines

MAX_EVIDENCE = 12  # entries spelled out per signal; the rest counted


def _current(model: Any, resident_ids: Sequence[int]) -> Select[Any]:
    """Rows of an append-only fact no later row supersedes."""
    later: Any = aliased(model)
    return select(model).where(
        model.resident_id.in_(resident_ids), ~exists().where(later.supersedes_id == model.id)
    )


@dataclass(frozen=True)
class LetterLine:
    medicine: str
    dose: str
    when: str
    status: str  # active, suspended, stopped...
    assessment: str  # continue, stop, ... or "" (not assessed)
    reason: str


@dataclass(frozen=True)
class LetterSignal:
    title: str
    severity: str
    detail: str
    evidence: str  # the entries and facts behind it, in words
    source: str


@dataclass(frozen=True)
class LetterRecommendation:
    id: int
    addressed_to: str  # gp / home
    kind: str
    medicine: str | None
    text: str
    status: str
    status_at: datetime
    status_reason: str | None
    due_on: date | None


@dataclass(frozen=True)
class ReviewLetterData:
    home: HomeSettings
    resident_id: int
    name: str
    date_of_birth: date
    nhs_number: str | None
    room: str
    gp: str
    review_id: int
    signed_at: datetime
    pharmacist: str
    pharmacist_role: str
    mode: str
    participants: str
    what_matters: str | None
    summary: str | None
    next_review_on: date | None
    lines: list[LetterLine]
    signals: list[LetterSignal]
    allergies: list[str]
    no_known_allergies: bool
    conditions: list[str]
    weight: str | None  # "48.5 kg on 01 Jun 2026"
    egfr: str | None
    to_gp: list[LetterRecommendation]
    to_home: list[LetterRecommendation]


def review_letter_data(
    session: Session, resident_id: int, review_id: int | None, now: datetime
) -> ReviewLetterData:
    home = get_home(session)
    zone = home.zone
    resident = session.get(Resident, resident_id)
    if resident is None:
        raise ValidationError(f"No resident with id {resident_id}.")
    name = f"{resident.given_name} {resident.family_name}"
    query = select(MedicationReview).where(
        MedicationReview.resident_id == resident_id, MedicationReview.signed_at <= now
    )
    if review_id is not None:
        query = query.where(MedicationReview.id == review_id)
    review = session.scalars(
        query.order_by(MedicationReview.signed_at.desc(), MedicationReview.id.desc()).limit(1)
    ).first()
    if review is None:
        if review_id is not None:
            raise ValidationError(
                f"No signed review {review_id} for {name} (resident {resident_id})."
            )
        raise ValidationError(
            f"No signed review for {name} (resident {resident_id}): a pharmacist must sign a "
            "medication review before its letter can be printed."
        )
    pharmacist = session.get(Staff, review.pharmacist_id)
    assessments = {
        a.chart_line_id: a
        for a in session.scalars(
            select(ReviewLineAssessment)
            .where(ReviewLineAssessment.review_id == review.id)
            .order_by(ReviewLineAssessment.id)
        )
    }
    lines = load_lines(session, [resident_id], now)
    shown = [
        line for line in lines if line.status not in (STOPPED, ENDED) or line.id in assessments
    ]
    letter_lines = [
        LetterLine(
            line.medicine,
            dose_text(line.dose_min, line.dose_max, line.dose_unit),
            _when(line),
            line.status,
            assessments[line.id].assessment if line.id in assessments else "",
            (assessments[line.id].reason or "") if line.id in assessments else "",
        )
        for line in sorted(shown, key=lambda x: (x.is_prn, x.medicine.lower(), x.id))
    ]
    medicines = {line.id: line.medicine for line in lines}
    # what the MAR showed when the pharmacist signed
    signals = signals_for(session, review.signed_at, [resident_id])
    letter_signals = [
        LetterSignal(s.title, s.severity.value, s.detail, words, s.source)
        for s, words in zip(signals, evidence_words(session, signals, home, medicines), strict=True)
    ]
    allergies = [
        a.substance + (f" ({a.reaction})" if a.reaction else "")
        for a in load_allergies(session, [resident_id]).get(resident_id, [])
    ]
    conditions = [
        CONDITIONS.get(c.condition, c.condition)
        + (f" (since {c.noted_on:%d %b %Y})" if c.noted_on else "")
        for c in session.scalars(
            _current(ResidentCondition, [resident_id])
            .where(ResidentCondition.status == "active")
            .order_by(ResidentCondition.id)
        )
    ]
    latest: dict[str, ResidentObservation] = {}
    for o in session.scalars(
        _current(ResidentObservation, [resident_id])
        .where(ResidentObservation.kind.in_(("weight", "egfr")))
        .order_by(ResidentObservation.observed_at, ResidentObservation.id)
    ):
        latest[o.kind] = o

    def observed(kind: str) -> str | None:
        o = latest.get(kind)
        if o is None or o.value is None:
            if kind == "weight" and resident.weight_kg is not None:
                return f"{format_amount(Decimal(resident.weight_kg))} kg (on the resident's record)"
            return None
        unit = OBSERVATIONS[kind].unit or ""
        value = format_amount(Decimal(o.value))
        return f"{value} {unit} on {o.observed_at.astimezone(zone):%d %b %Y}"

    recs = recommendations_of(session, [review.id], now)
    return ReviewLetterData(
        home,
        resident_id,
        name,
        resident.date_of_birth,
        resident.nhs_number,
        resident.room,
        ", ".join(p for p in (resident.gp_name, resident.gp_practice) if p) or "not recorded",
        review.id,
        review.signed_at,
        pharmacist.full_name if pharmacist else f"staff {review.pharmacist_id}",
        pharmacist.role if pharmacist else "pharmacist",
        review.mode,
        review.participants,
        review.what_matters,
        review.summary,
        review.next_review_on,
        letter_lines,
        letter_signals,
        allergies,
        bool(resident.no_known_allergies),
        conditions,
        observed("weight"),
        observed("egfr"),
        [_letter(r, medicines) for r in recs if r.addressed_to == "gp"],
        [_letter(r, medicines) for r in recs if r.addressed_to != "gp"],
    )


def _letter(r: RecommendationRow, medicines: dict[int, str]) -> LetterRecommendation:
    return LetterRecommendation(
        r.id,
        r.addressed_to,
        r.kind,
        medicines.get(r.chart_line_id) if r.chart_line_id is not None else None,
        r.text,
        r.status,
        r.status_at,
        r.status_reason,
        r.due_on,
    )


@dataclass(frozen=True)
class RecommendationRow:
    id: int
    review_id: int | None
    resident_id: int
    chart_line_id: int | None
    addressed_to: str
    kind: str
    text: str
    created_at: datetime
    status: str
    status_at: datetime
    status_reason: str | None
    due_on: date | None
    history: tuple[str, ...]  # every status it went through, in order


def recommendations_of(
    session: Session,
    review_ids: Sequence[int] | None,
    now: datetime,
    *,
    since: datetime | None = None,
) -> list[RecommendationRow]:
    """Recommendations of these reviews (None: every one created from `since`), each with its
    status as at `now`: the latest of its events up to then."""
    query = select(Recommendation)
    if review_ids is not None:
        query = query.where(Recommendation.review_id.in_(review_ids))
    if since is not None:
        query = query.where(Recommendation.created_at >= since)
    query = query.where(Recommendation.created_at < now).order_by(Recommendation.id)
    recs = list(session.scalars(query))
    steps: dict[int, list[RecommendationEvent]] = defaultdict(list)
    ids = [r.id for r in recs]
    for i in range(0, len(ids), 900):
        for e in session.scalars(
            select(RecommendationEvent)
            .where(
                RecommendationEvent.recommendation_id.in_(ids[i : i + 900]),
                RecommendationEvent.at <= now,
            )
            .order_by(RecommendationEvent.at, RecommendationEvent.id)
        ):
            steps[e.recommendation_id].append(e)
    out = []
    for r in recs:
        history = steps.get(r.id, [])
        last = history[-1] if history else None
        out.append(
            RecommendationRow(
                r.id,
                r.review_id,
                r.resident_id,
                r.chart_line_id,
                r.addressed_to,
                r.kind,
                r.text,
                r.created_at,
                last.status if last else "proposed",
                last.at if last else r.created_at,
                last.reason if last else None,
                r.due_on,
                tuple(e.status for e in history),
            )
        )
    return out


def _when(line: LineFacts) -> str:
    t = line.timing
    if t.kind == "prn":
        return f"when required ({line.prn_indication})" if line.prn_indication else "when required"
    times = ", ".join(f"{x:%H:%M}" for x in t.times)
    if t.kind == "every_n_hours":
        return f"every {t.every_n_hours} hours"
    if t.kind == "every_n_days":
        return f"every {t.every_n_days} days at {times}"
    if t.kind == "weekdays":
        days = ", ".join(
            ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[d - 1] for d in sorted(t.weekdays)
        )
        return f"{days} at {times}"
    return f"daily at {times}"


def evidence_words(
    session: Session, signals: Sequence[Signal], home: HomeSettings, medicines: dict[int, str]
) -> list[str]:
    """Each signal's evidence as a sentence: the MAR entries (date, time, what), observations,
    conditions, plans and chart lines it rests on."""
    zone = home.zone
    wanted: dict[str, set[int]] = defaultdict(set)
    for s in signals:
        for kind, ident in s.evidence:
            wanted[kind].add(ident)
    labels = code_labels(session) if wanted["administration"] else {}
    entries: dict[int, str] = {}
    ids = sorted(wanted["administration"])
    for i in range(0, len(ids), 900):
        for aid, sched, given_at, outcome, code, note in session.execute(
            select(
                Administration.id,
                Administration.scheduled_at,
                Administration.administered_at,
                Administration.outcome,
                Administration.not_given_code,
                Administration.note,
            ).where(Administration.id.in_(ids[i : i + 900]))
        ):
            local = (sched or given_at).astimezone(zone)
            if outcome == "given":
                what = "given" if sched is not None else "PRN given"
            elif code == REFUSED:
                what = "refused"
            else:
                what = f"not given ({labels.get(code or '', code)})"
            entries[aid] = f"{local:%d/%m %H:%M} {what}" + (f' ("{note}")' if note else "")
    observations = (
        {
            o.id: f"{OBSERVATIONS[o.kind].label if o.kind in OBSERVATIONS else o.kind}"
            + (
                f" {format_amount(Decimal(o.value))} {OBSERVATIONS[o.kind].unit or ''}".rstrip()
                if o.value is not None and o.kind in OBSERVATIONS
                else ""
            )
            + f" on {o.observed_at.astimezone(zone):%d/%m/%Y}"
            for o in session.scalars(
                select(ResidentObservation).where(
                    ResidentObservation.id.in_(sorted(wanted["observation"]))
                )
            )
        }
        if wanted["observation"]
        else {}
    )
    conditions = (
        {
            c.id: CONDITIONS.get(c.condition, c.condition)
            for c in session.scalars(
                select(ResidentCondition).where(
                    ResidentCondition.id.in_(sorted(wanted["condition"]))
                )
            )
        }
        if wanted["condition"]
        else {}
    )
    plans = (
        {
            p.id: f"{p.kind} every {p.every_days} days"
            for p in session.scalars(
                select(MonitoringPlan).where(MonitoringPlan.id.in_(sorted(wanted["plan"])))
            )
        }
        if wanted["plan"]
        else {}
    )
    missing_lines = wanted["chart_line"] - medicines.keys()
    if missing_lines:
        for lid, text, med in session.execute(
            select(ChartLine.id, ChartLine.medicine_text, Medicine.name)
            .join(Medicine, Medicine.id == ChartLine.medicine_id)
            .where(ChartLine.id.in_(sorted(missing_lines)))
        ):
            medicines[lid] = text or med
    out = []
    for s in signals:
        parts: list[str] = []
        doses = [entries[i] for k, i in s.evidence if k == "administration" and i in entries]
        if doses:
            shown = "; ".join(doses[:MAX_EVIDENCE])
            more = f" and {len(doses) - MAX_EVIDENCE} more" if len(doses) > MAX_EVIDENCE else ""
            parts.append(f"{len(doses)} MAR entr{'y' if len(doses) == 1 else 'ies'}: {shown}{more}")
        for kind, table in (
            ("observation", observations),
            ("condition", conditions),
            ("plan", plans),
        ):
            found = [table[i] for k, i in s.evidence if k == kind and i in table]
            if found:
                parts.append(
                    f"{kind}s: " + "; ".join(found) if len(found) > 1 else f"{kind}: {found[0]}"
                )
        chart = [medicines[i] for k, i in s.evidence if k == "chart_line" and i in medicines]
        if chart:
            parts.append("chart lines: " + "; ".join(chart))
        out.append(". ".join(p[0].upper() + p[1:] for p in parts))
    return out
