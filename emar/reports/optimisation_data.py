"""The home's medicines-optimisation report for a period: residents reviewed, the signals now
(by type), the recommendations made in the period by status and their acceptance, medicines
stopped (and those stops that carry out a recommendation), the change in average
anticholinergic burden and regular medicines per resident between the period's start and end,
PRN use and refusals week by week.

Read in one transaction with a fixed number of set-based queries: reviews, recommendations and
their events, stop events, the chart lines of every resident (their active periods say what
was on the chart at each date), the current MAR entries' refusals and PRN doses. The
scheduled doses come from the chart lines' schedules (the same instants the round uses), so
refusals are per 100 doses the chart asked for, whether or not anything was recorded."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from emar.domain.codes import REFUSED
from emar.domain.doses import LineFacts
from emar.domain.medicines.knowledge import Knowledge
from emar.domain.review.signals.base import substances
from emar.domain.schedule import line_instants, local_instant
from emar.infra.medicine_reference import load_knowledge
from emar.models import Administration, ChartLine, ChartLineEvent, Medicine, Resident, Staff
from emar.models.review import RECOMMENDATION_STATUSES, MedicationReview, Recommendation
from emar.reports.review_letter_data import RecommendationRow, recommendations_of
from emar.services.home import HomeSettings, get_home
from emar.services.review.signals import signals_for
from emar.services.round.facts import load_lines

# A signal kind in plain words, for the chart of signals by type.
KIND_LABELS = {
    "refused_often": "Refused often",
    "not_given_often": "Often not given (other reasons)",
    "prn_often": "PRN given most days",
    "prn_unused": "PRN not used for 90 days",
    "never_given": "Regular medicine never given",
    "time_critical_late": "Time-critical doses late",
    "polypharmacy": "Many medicines",
    "anticholinergic_burden": "Anticholinergic burden 3+",
    "same_class": "Two medicines of one class",
    "hypnotic_long": "Benzodiazepine or Z-drug beyond 4 weeks",
    "ppi_full_dose_long": "PPI full dose beyond 8 weeks",
    "nsaid_anticoagulant": "NSAID with an anticoagulant",
    "nsaid_kidney": "NSAID with poor kidney function",
    "triple_whammy": "NSAID, ACE inhibitor or ARB and diuretic",
    "kidney_dose": "Kidney function and dose",
    "same_ingredient": "Same ingredient on two lines",
    "falls_risk_faller": "Falls-risk medicines, resident falls",
    "antipsychotic_dementia": "Antipsychotic in dementia",
    "solid_forms_dysphagia": "Tablets but cannot swallow",
    "paracetamol_low_weight": "Paracetamol dose under 50 kg",
    "monitoring_no_plan": "High-risk medicine, no monitoring plan",
    "monitoring_overdue": "Monitoring overdue",
    "line_review_passed": "Line or PRN protocol review date passed",
    "covert_review_passed": "Covert review date passed",
    "course_ended": "Course ended, line still active",
    "stopped_in_stock": "Stopped but still in stock",
}
ANSWERED_YES = {"accepted", "actioned", "outcome reviewed"}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


@dataclass(frozen=True)
class Reviewed:
    resident: str
    room: str
    signed_at: datetime
    pharmacist: str
    mode: str
    recommendations: int


@dataclass(frozen=True)
class Stopped:
    at: datetime
    resident: str
    medicine: str
    reason: str
    recommendation_id: int | None
    recommendation: str | None


@dataclass(frozen=True)
class Burden:
    at: datetime
    residents: int
    average_acb: Decimal
    average_regular: Decimal


@dataclass(frozen=True)
class Week:
    first: date  # Monday, or the period's first day
    days: int
    scheduled: int
    refused: int
    prn_given: int
    resident_days: int

    @property
    def refusals_per_100(self) -> float:
        return 100 * self.refused / self.scheduled if self.scheduled else 0.0

    @property
    def prn_per_resident_day(self) -> float:
        return self.prn_given / self.resident_days if self.resident_days else 0.0


@dataclass(frozen=True)
class OptimisationData:
    home: HomeSettings
    start: datetime
    end: datetime  # the period's end, or the moment printed if earlier
    now: datetime
    residents_now: int
    reviewed: list[Reviewed]
    signals_by_kind: list[tuple[str, int, int]]  # label, signals, residents
    signals_total: int
    residents_with_signals: int
    recommendations: list[RecommendationRow]
    stopped: list[Stopped]
    new_lines_citing: int  # new chart lines that carry out a recommendation
    before: Burden
    after: Burden
    weeks: list[Week]

    @property
    def by_status(self) -> list[tuple[str, int]]:
        counts = Counter(r.status for r in self.recommendations)
        return [(s, counts[s]) for s in RECOMMENDATION_STATUSES]

    @property
    def accepted(self) -> int:
        return sum(
            1
            for r in self.recommendations
            if r.status != "declined" and ANSWERED_YES & set(r.history)
        )

    @property
    def declined(self) -> int:
        return sum(1 for r in self.recommendations if r.status == "declined")

    @property
    def acceptance(self) -> Decimal | None:
        """Accepted / (accepted + declined), as a percentage to one place; None: none answered."""
        answered = self.accepted + self.declined
        if not answered:
            return None
        return (Decimal(100 * self.accepted) / answered).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def stops_citing(self) -> int:
        return sum(1 for s in self.stopped if s.recommendation_id is not None)

    def total(self, name: str) -> int:
        return int(sum(getattr(w, name) for w in self.weeks))


def optimisation_data(
    session: Session, start: datetime, end: datetime, now: datetime
) -> OptimisationData:
    home = get_home(session)
    end = min(end, now)
    names: dict[int, tuple[str, str]] = {}
    residents: list[tuple[int, datetime, str]] = []
    for rid, given, family, room, admitted, status in session.execute(
        select(
            Resident.id,
            Resident.given_name,
            Resident.family_name,
            Resident.room,
            Resident.admitted_at,
            Resident.status,
        )
    ):
        names[rid] = (f"{given} {family}", room)
        residents.append((rid, admitted, status))

    reviewed = _reviewed(session, start, end, names)
    signals = signals_for(session, now)
    kinds: Counter[str] = Counter(s.kind for s in signals)
    who: dict[str, set[int]] = defaultdict(set)
    for s in signals:
        who[s.kind].add(s.resident_id)
    by_kind = sorted(
        ((kind_label(k), n, len(who[k])) for k, n in kinds.items()), key=lambda x: (-x[1], x[0])
    )
    recs = recommendations_of(session, None, end, since=start)
    stopped = _stopped(session, start, end, names)
    new_lines_citing = int(
        session.scalar(
            select(func.count(ChartLine.id)).where(
                ChartLine.recommendation_id.is_not(None),
                ChartLine.recorded_at >= start,
                ChartLine.recorded_at < end,
            )
        )
        or 0
    )
    lines = load_lines(session, [r[0] for r in residents], end, since=start - timedelta(days=1))
    knowledge = load_knowledge()
    before, after = _burdens(start, end - timedelta(microseconds=1), residents, lines, knowledge)
    after = Burden(end, after.residents, after.average_acb, after.average_regular)
    weeks = _weeks(session, home, start, end, residents, lines)
    return OptimisationData(
        home,
        start,
        end,
        now,
        sum(1 for _, _, status in residents if status == "resident"),
        reviewed,
        by_kind,
        len(signals),
        len({s.resident_id for s in signals}),
        recs,
        stopped,
        new_lines_citing,
        before,
        after,
        weeks,
    )


def _reviewed(
    session: Session, start: datetime, end: datetime, names: dict[int, tuple[str, str]]
) -> list[Reviewed]:
    counts = dict(
        session.execute(
            select(Recommendation.review_id, func.count(Recommendation.id))
            .join(MedicationReview, MedicationReview.id == Recommendation.review_id)
            .where(MedicationReview.signed_at >= start, MedicationReview.signed_at < end)
            .group_by(Recommendation.review_id)
        ).all()
    )
    return [
        Reviewed(names[rid][0], names[rid][1], signed, pharmacist, mode, counts.get(rev_id, 0))
        for rev_id, rid, signed, pharmacist, mode in session.execute(
            select(
                MedicationReview.id,
                MedicationReview.resident_id,
                MedicationReview.signed_at,
                Staff.full_name,
                MedicationReview.mode,
            )
            .join(Staff, Staff.id == MedicationReview.pharmacist_id)
            .where(MedicationReview.signed_at >= start, MedicationReview.signed_at < end)
            .order_by(MedicationReview.signed_at, MedicationReview.id)
        )
    ]


def _stopped(
    session: Session, start: datetime, end: datetime, names: dict[int, tuple[str, str]]
) -> list[Stopped]:
    return [
        Stopped(at, names[rid][0], text or med, reason or "", rec_id, rec_text)
        for at, rid, text, med, reason, rec_id, rec_text in session.execute(
            select(
                ChartLineEvent.effective_at,
                ChartLine.resident_id,
                ChartLine.medicine_text,
                Medicine.name,
                ChartLineEvent.reason,
                ChartLineEvent.recommendation_id,
                Recommendation.text,
            )
            .join(ChartLine, ChartLine.id == ChartLineEvent.chart_line_id)
            .join(Medicine, Medicine.id == ChartLine.medicine_id)
            .outerjoin(Recommendation, Recommendation.id == ChartLineEvent.recommendation_id)
            .where(
                ChartLineEvent.kind == "stopped",
                ChartLineEvent.effective_at >= start,
                ChartLineEvent.effective_at < end,
            )
            .order_by(ChartLineEvent.effective_at, ChartLineEvent.id)
        )
    ]


def _active_at(line: LineFacts, at: datetime) -> bool:
    return any(a <= at and (b is None or at < b) for a, b in line.active_periods)


def _active_by_resident(at: datetime, lines: Iterable[LineFacts]) -> dict[int, list[LineFacts]]:
    active: dict[int, list[LineFacts]] = defaultdict(list)
    for line in lines:
        if _active_at(line, at):
            active[line.resident_id].append(line)
    return active


def _here(
    at: datetime,
    residents: Sequence[tuple[int, datetime, str]],
    active: Mapping[int, list[LineFacts]],
) -> set[int]:
    """Residents with a chart line active then (those since gone too), and current residents
    admitted by then."""
    return {
        rid
        for rid, admitted, status in residents
        if rid in active or (status == "resident" and admitted <= at)
    }


def _burdens(
    start: datetime,
    end: datetime,
    residents: Sequence[tuple[int, datetime, str]],
    lines: Sequence[LineFacts],
    knowledge: Knowledge,
) -> tuple[Burden, Burden]:
    """Average ACB (the distinct substances of every active line, PRN too, as the ACB signal
    counts) and average regular medicines per resident at the start and at the end, over the
    same residents: those here at both. (Averages over whoever lived here at each moment
    would move with admissions and deaths, not with what the review changed.)"""
    at_start, at_end = _active_by_resident(start, lines), _active_by_resident(end, lines)
    both = _here(start, residents, at_start) & _here(end, residents, at_end)
    return (
        _burden(start, both, at_start, knowledge),
        _burden(end, both, at_end, knowledge),
    )


def _burden(
    at: datetime, counted: set[int], active: Mapping[int, list[LineFacts]], knowledge: Knowledge
) -> Burden:
    if not counted:
        return Burden(at, 0, Decimal(0), Decimal(0))
    acb = 0
    regular = 0
    for rid in counted:
        lines = active.get(rid, [])
        found = {s.key: s.acb for line in lines for s in substances(line, knowledge)}
        acb += sum(found.values())
        regular += len({line.medicine_id for line in lines if not line.is_prn})
    n = Decimal(len(counted))
    two = Decimal("0.01")
    return Burden(
        at, len(counted), (acb / n).quantize(two, ROUND_HALF_UP), (regular / n).quantize(two)
    )


def _weeks(
    session: Session,
    home: HomeSettings,
    start: datetime,
    end: datetime,
    residents: Sequence[tuple[int, datetime, str]],
    lines: Sequence[LineFacts],
) -> list[Week]:
    zone = home.zone
    first = start.astimezone(zone).date()
    last = (end - timedelta(microseconds=1)).astimezone(zone).date()
    if last < first:
        return []

    def week_of(day: date) -> date:
        return max(first, day - timedelta(days=day.weekday()))

    scheduled: Counter[date] = Counter()
    for line in lines:
        if line.is_prn:
            continue
        for at in line_instants(line, zone, start, end):
            scheduled[week_of(at.astimezone(zone).date())] += 1
    later = aliased(Administration)
    current = ~exists().where(later.supersedes_id == Administration.id)
    refused: Counter[date] = Counter()
    for (due,) in session.execute(
        select(Administration.scheduled_at).where(
            Administration.scheduled_at >= start,
            Administration.scheduled_at < end,
            Administration.outcome == "not_given",
            Administration.not_given_code == REFUSED,
            current,
        )
    ):
        if due is not None:
            refused[week_of(due.astimezone(zone).date())] += 1
    prn: Counter[date] = Counter()
    for (at,) in session.execute(
        select(Administration.administered_at).where(
            and_(Administration.scheduled_at.is_(None), Administration.outcome == "given"),
            Administration.administered_at >= start,
            Administration.administered_at < end,
            current,
        )
    ):
        prn[week_of(at.astimezone(zone).date())] += 1
    # resident-days: a resident counts on a day when a line of theirs was active at noon
    by_resident: dict[int, list[LineFacts]] = defaultdict(list)
    for line in lines:
        by_resident[line.resident_id].append(line)
    resident_days: Counter[date] = Counter()
    days: Counter[date] = Counter()
    day = first
    while day <= last:
        noon = local_instant(day, time(12), zone)
        days[week_of(day)] += 1
        resident_days[week_of(day)] += sum(
            1 for rid, ls in by_resident.items() if any(_active_at(x, noon) for x in ls)
        )
        day += timedelta(days=1)
    return [
        Week(w, days[w], scheduled[w], refused[w], prn[w], resident_days[w]) for w in sorted(days)
    ]
