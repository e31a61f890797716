"""A resident's health facts as records, for the pharmacist's signals (issue 17): conditions that
matter to medicines, dated observations (weight, eGFR, INR, lithium level, a fall...) and the
monitoring a high-risk medicine needs; and the home's own signal thresholds.

Like allergies (emar.services.residents.allergies), a record is never edited: a correction, a
resolution, an end or a withdrawal (entered in error) is a new row superseding the one it
replaces, with who, when and why; the database refuses UPDATE and DELETE (migration 0007). Two
PCs superseding one row at once: the unique index on `supersedes_id` lets one through and the
other is told to look again.

Weight has one truth: the latest weight observation. Recording, correcting or withdrawing one
sets `Resident.weight_kg` (read by the paracetamol maximum under 50 kg) with the earlier value
in the audit trail, and a weight typed in the resident's details is recorded as an observation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from emar.domain.review.facts import (
    ENTERED_IN_ERROR,
    condition_key,
    condition_label,
    monitoring_interval,
    observation_kind,
    observation_label,
    parse_value,
    shown_value,
)
from emar.domain.review.thresholds import DEFAULTS as THRESHOLDS
from emar.domain.review.thresholds import Thresholds, check_threshold
from emar.domain.text_rules import LINE, NOTE, clean_text, required_text
from emar.errors import ValidationError
from emar.models import (
    ChartLine,
    Medicine,
    MonitoringPlan,
    Resident,
    ResidentCondition,
    ResidentObservation,
    SignalThreshold,
    Staff,
    utcnow,
)
from emar.services.audit import record_event
from emar.services.permissions import Action, require
from emar.services.residents.current import current_resident

Row = TypeVar("Row", ResidentCondition, ResidentObservation, MonitoringPlan)
THRESHOLD_MAX = Decimal(10000)
_WHAT = {
    ResidentCondition: ("condition", "condition"),
    ResidentObservation: ("observation", "observation"),
    MonitoringPlan: ("monitoring plan", "monitoring"),
}


# --- what the services hand back ----------------------------------------------------------


@dataclass(frozen=True)
class ConditionView:
    id: int
    condition: str  # the key: dementia, ckd...
    label: str  # "chronic kidney disease"
    status: str  # active, resolved, entered-in-error
    noted_on: date | None
    note: str | None
    recorded_at: datetime
    recorded_by: str
    change_reason: str | None
    supersedes_id: int | None


@dataclass(frozen=True)
class ObservationView:
    id: int
    kind: str  # weight, egfr... or entered-in-error (the row withdrawing one)
    label: str
    value: Decimal | None
    unit: str | None
    observed_at: datetime
    note: str | None
    recorded_at: datetime
    recorded_by: str
    change_reason: str | None
    supersedes_id: int | None

    @property
    def shown(self) -> str:
        if self.kind == ENTERED_IN_ERROR:
            return "entered in error"
        if self.value is None:
            return self.label
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.label} {shown_value(self.kind, self.value)}{unit}"


@dataclass(frozen=True)
class PlanView:
    id: int
    kind: str  # the observation kind that satisfies it
    label: str
    every_days: int
    chart_line_id: int | None
    medicine: str | None  # the chart line's medicine, when the plan is for one
    status: str
    recorded_at: datetime
    recorded_by: str
    change_reason: str | None
    supersedes_id: int | None
    last_done: datetime | None  # the latest observation of its kind
    due_on: date | None  # last done + every_days (None: never done: due now)


@dataclass(frozen=True)
class ResidentHealth:
    resident_id: int
    resident: str
    conditions: tuple[ConditionView, ...]  # active, by label
    latest: tuple[ObservationView, ...]  # the latest current observation of each kind
    plans: tuple[PlanView, ...]  # active
    condition_history: tuple[tuple[ConditionView, ...], ...] = ()  # each chain, oldest first
    observations: tuple[ObservationView, ...] = ()  # every row, newest observed first
    plan_history: tuple[tuple[PlanView, ...], ...] = ()

    def latest_of(self, kind: str) -> ObservationView | None:
        return next((o for o in self.latest if o.kind == kind), None)


@dataclass(frozen=True)
class ThresholdChange:
    key: str
    before: Decimal | None
    after: Decimal


# --- shared ---------------------------------------------------------------------------------


def _reason(reason: str | None) -> str:
    return required_text(reason, "Reason", limit=LINE)


def _note(note: str | None) -> str | None:
    return clean_text(note, "Note", limit=NOTE, lines=True)


def _changed_meanwhile(what: str) -> ValidationError:
    return ValidationError(
        f"Someone else changed this {what} just now: look at it again before changing it."
    )


def _append(session: Session, row: Row) -> Row:
    """Add the row; two PCs superseding the same row: the unique index lets one through."""
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        if row.supersedes_id is not None and "supersedes" in str(exc.orig).lower():
            raise _changed_meanwhile(_WHAT[type(row)][0]) from None
        raise
    return row


def _latest(session: Session, model: type[Row], row_id: int) -> Row:
    """The row to supersede: the newest of its chain, and still standing."""
    what = _WHAT[model][0]
    row = session.get(model, row_id)
    if row is None:
        raise ValidationError(f"No such {what}.")
    if session.scalar(select(model.id).where(model.supersedes_id == row.id)) is not None:
        raise _changed_meanwhile(what)
    if isinstance(row, ResidentObservation):
        status = ENTERED_IN_ERROR if row.kind == ENTERED_IN_ERROR else "active"
    else:
        status = row.status
    if status != "active":
        raise ValidationError(f"This {what} is already {status.replace('-', ' ')}.")
    current_resident(session, row.resident_id)
    return row


def _audit(session: Session, action: str, staff_id: int, row: Any, **extra: object) -> None:
    what = _WHAT[type(row)][1]
    detail = {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key != "id"}
    detail.pop("recorded_at", None)
    record_event(
        session,
        f"{what}.{action}",
        staff_id=staff_id,
        entity=row.__tablename__,
        entity_id=row.id,
        detail=detail | extra,
    )


def _when(observed_at: datetime | None, resident: Resident, now: datetime) -> datetime:
    if observed_at is None:
        raise ValidationError("When was it? The date and time are needed.")
    if observed_at.tzinfo is None:
        raise ValidationError("The time needs its time zone.")
    if observed_at > now:
        raise ValidationError("That date and time is in the future: check the clock and the date.")
    if observed_at.date() < resident.date_of_birth:
        raise ValidationError(
            f"That date is before {resident.full_name} was born "
            f"({resident.date_of_birth:%d/%m/%Y})."
        )
    return observed_at


# --- conditions -----------------------------------------------------------------------------


def record_condition(
    session: Session,
    staff_id: int,
    resident_id: int,
    condition: str,
    *,
    noted_on: date | None = None,
    note: str | None = None,
    today: date | None = None,
) -> int:
    """A condition that matters to medicines (dementia, CKD, swallowing difficulty...)."""
    require(session, staff_id, Action.MANAGE_HEALTH)
    key, note = condition_key(condition), _note(note)
    resident = current_resident(session, resident_id)
    _check_noted(noted_on, resident, today)
    current = _current_conditions(session, resident.id)
    if key in {c.condition for c in current}:
        raise ValidationError(f"{resident.full_name} already has {condition_label(key)} recorded.")
    row = _append(
        session,
        ResidentCondition(
            resident_id=resident.id, condition=key, status="active", noted_on=noted_on,
            note=note, recorded_by_id=staff_id,
        ),
    )  # fmt: skip
    _audit(session, "recorded", staff_id, row)
    return row.id


def _check_noted(noted_on: date | None, resident: Resident, today: date | None) -> None:
    if noted_on is None:
        return
    if noted_on > (today or utcnow().date()):
        raise ValidationError("Noted on: that date is in the future.")
    if noted_on < resident.date_of_birth:
        raise ValidationError(f"Noted on: that date is before {resident.full_name} was born.")


def correct_condition(
    session: Session,
    staff_id: int,
    condition_id: int,
    reason: str,
    *,
    noted_on: date | None = None,
    note: str | None = None,
    today: date | None = None,
) -> int:
    """What is recorded about it changes (the date it was diagnosed, the note): a new row."""
    require(session, staff_id, Action.MANAGE_HEALTH)
    why, note = _reason(reason), _note(note)
    old = _latest(session, ResidentCondition, condition_id)
    _check_noted(noted_on, current_resident(session, old.resident_id), today)
    row = _append(session, _next_condition(old, staff_id, "active", why, noted_on, note))
    _audit(session, "corrected", staff_id, row)
    return row.id


def _next_condition(
    old: ResidentCondition,
    staff_id: int,
    status: str,
    why: str,
    noted_on: date | None,
    note: str | None,
) -> ResidentCondition:
    return ResidentCondition(
        resident_id=old.resident_id, condition=old.condition, status=status, noted_on=noted_on,
        note=note, recorded_by_id=staff_id, supersedes_id=old.id, change_reason=why,
    )  # fmt: skip


def _close_condition(
    session: Session, staff_id: int, condition_id: int, status: str, reason: str
) -> int:
    require(session, staff_id, Action.MANAGE_HEALTH)
    why = _reason(reason)
    old = _latest(session, ResidentCondition, condition_id)
    row = _append(session, _next_condition(old, staff_id, status, why, old.noted_on, old.note))
    _audit(session, "withdrawn" if status == ENTERED_IN_ERROR else status, staff_id, row)
    return row.id


def resolve_condition(session: Session, staff_id: int, condition_id: int, reason: str) -> int:
    """No longer so (e.g. delirium cleared): kept, no longer active."""
    return _close_condition(session, staff_id, condition_id, "resolved", reason)


def withdraw_condition(session: Session, staff_id: int, condition_id: int, reason: str) -> int:
    """Recorded in error (the wrong resident, never so): kept, shown as entered in error."""
    return _close_condition(session, staff_id, condition_id, ENTERED_IN_ERROR, reason)


def _current_conditions(session: Session, resident_id: int) -> list[ResidentCondition]:
    rows = list(
        session.scalars(
            select(ResidentCondition).where(ResidentCondition.resident_id == resident_id)
        )
    )
    replaced = {r.supersedes_id for r in rows if r.supersedes_id}
    return [r for r in rows if r.id not in replaced and r.status == "active"]


# --- observations ---------------------------------------------------------------------------


def record_observation(
    session: Session,
    staff_id: int,
    resident_id: int,
    kind: str,
    value: str | Decimal | float | None,
    observed_at: datetime | None,
    *,
    note: str | None = None,
    now: datetime | None = None,
) -> int:
    """A weight, a result or an event (a fall) with when it was observed. A weight becomes the
    resident's weight when it is the latest."""
    require(session, staff_id, Action.RECORD_HEALTH)
    found, amount, note = observation_kind(kind), parse_value(kind, value), _note(note)
    resident = current_resident(session, resident_id)
    at = _when(observed_at, resident, now or utcnow())
    row = _append(
        session,
        ResidentObservation(
            resident_id=resident.id, kind=found.key, value=amount, unit=found.unit or None,
            observed_at=at, note=note, recorded_by_id=staff_id,
        ),
    )  # fmt: skip
    _audit(session, "recorded", staff_id, row)
    if found.key == "weight":
        _weight_follows(session, staff_id, resident)
    return row.id


def correct_observation(
    session: Session,
    staff_id: int,
    observation_id: int,
    value: str | Decimal | float | None,
    observed_at: datetime | None,
    reason: str,
    *,
    note: str | None = None,
    now: datetime | None = None,
) -> int:
    """The value or the time was wrong: a new row of the same kind supersedes it."""
    require(session, staff_id, Action.MANAGE_HEALTH)
    why, note = _reason(reason), _note(note)
    old = _latest(session, ResidentObservation, observation_id)
    amount = parse_value(old.kind, value)
    resident = current_resident(session, old.resident_id)
    at = _when(observed_at, resident, now or utcnow())
    row = _append(
        session,
        ResidentObservation(
            resident_id=old.resident_id, kind=old.kind, value=amount, unit=old.unit,
            observed_at=at, note=note, recorded_by_id=staff_id, supersedes_id=old.id,
            change_reason=why,
        ),
    )  # fmt: skip
    _audit(session, "corrected", staff_id, row)
    if old.kind == "weight":
        _weight_follows(session, staff_id, resident)
    return row.id


def withdraw_observation(session: Session, staff_id: int, observation_id: int, reason: str) -> int:
    """Recorded in error (the wrong resident, a fall that was not one): kept; the row that
    withdraws it has the kind `entered-in-error`, so nothing counts it any more."""
    require(session, staff_id, Action.MANAGE_HEALTH)
    why = _reason(reason)
    old = _latest(session, ResidentObservation, observation_id)
    resident = current_resident(session, old.resident_id)
    row = _append(
        session,
        ResidentObservation(
            resident_id=old.resident_id, kind=ENTERED_IN_ERROR, value=None, unit=None,
            observed_at=old.observed_at, note=old.note, recorded_by_id=staff_id,
            supersedes_id=old.id, change_reason=why,
        ),
    )  # fmt: skip
    _audit(session, "withdrawn", staff_id, row, withdrawn_kind=old.kind)
    if old.kind == "weight":
        _weight_follows(session, staff_id, resident)
    return row.id


def _current_observations(
    session: Session, resident_ids: list[int], kind: str | None = None
) -> list[ResidentObservation]:
    """The rows standing (not superseded, not withdrawals), newest observed first."""
    query = select(ResidentObservation).where(ResidentObservation.resident_id.in_(resident_ids))
    rows = list(
        session.scalars(
            query.order_by(ResidentObservation.observed_at.desc(), ResidentObservation.id.desc())
        )
    )
    replaced = {r.supersedes_id for r in rows if r.supersedes_id}
    return [
        r
        for r in rows
        if r.id not in replaced and r.kind != ENTERED_IN_ERROR and (kind is None or r.kind == kind)
    ]


def latest_weights(
    session: Session, resident_ids: list[int]
) -> dict[int, tuple[Decimal, datetime]]:
    """Each resident's latest weight observation: (kg, when observed)."""
    found: dict[int, tuple[Decimal, datetime]] = {}
    if not resident_ids:
        return found
    for row in _current_observations(session, resident_ids, "weight"):
        if row.value is not None:
            found.setdefault(row.resident_id, (row.value, row.observed_at))
    return found


def _weight_follows(session: Session, staff_id: int, resident: Resident) -> None:
    """The resident's weight is the latest weight observation (none left: not known), changed
    as `update_resident` changes it: with the earlier value in the audit trail."""
    latest = latest_weights(session, [resident.id]).get(resident.id)
    after = None if latest is None else Decimal(latest[0]).quantize(Decimal("0.1"))
    before = resident.weight_kg
    if before is not None and after is not None and Decimal(before) == after:
        return
    if before is None and after is None:
        return
    resident.weight_kg = after
    session.flush()
    record_event(
        session,
        "resident.updated",
        staff_id=staff_id,
        entity="resident",
        entity_id=resident.id,
        detail={"before": {"weight_kg": before}, "after": {"weight_kg": after}},
    )


def weight_from_details(
    session: Session, staff_id: int, resident: Resident, kg: Decimal | None, at: datetime
) -> None:
    """A weight typed in the resident's details or at admission (whose service has checked who
    may): recorded as a weight observation at `at`, so the latest observation stays the one
    truth. Clearing it there is refused once weights are recorded: withdraw the wrong one."""
    if kg is None:
        if latest_weights(session, [resident.id]):
            raise ValidationError(
                "Weight: to take a weight away, mark the wrong weight as entered in error "
                "(Manage > Health)."
            )
        return
    row = _append(
        session,
        ResidentObservation(
            resident_id=resident.id, kind="weight", value=kg, unit="kg", observed_at=at,
            recorded_by_id=staff_id, note="from the resident's details",
        ),
    )  # fmt: skip
    _audit(session, "recorded", staff_id, row)


# --- monitoring plans -----------------------------------------------------------------------


def add_monitoring_plan(
    session: Session,
    staff_id: int,
    resident_id: int,
    kind: str,
    every_days: int | str | None = None,
    *,
    chart_line_id: int | None = None,
) -> int:
    """How often a result is needed (INR every 28 days...), for the resident or for one of
    their chart lines; the interval defaults to the usual one for the kind."""
    require(session, staff_id, Action.MANAGE_HEALTH)
    days = monitoring_interval(kind, every_days)
    resident = current_resident(session, resident_id)
    if chart_line_id is not None:
        line = session.get(ChartLine, chart_line_id)
        if line is None or line.resident_id != resident.id:
            raise ValidationError(f"That chart line is not {resident.full_name}'s.")
    for plan in _current_plans(session, resident.id):
        if plan.kind == kind and plan.chart_line_id == chart_line_id:
            raise ValidationError(
                f"{resident.full_name} already has {observation_label(kind)} monitoring every "
                f"{plan.every_days} days: end it first to change it."
            )
    row = _append(
        session,
        MonitoringPlan(
            resident_id=resident.id, chart_line_id=chart_line_id, kind=kind, every_days=days,
            status="active", recorded_by_id=staff_id,
        ),
    )  # fmt: skip
    _audit(session, "planned", staff_id, row)
    return row.id


def end_monitoring_plan(
    session: Session, staff_id: int, plan_id: int, reason: str, *, in_error: bool = False
) -> int:
    """No longer needed (the medicine stopped), or entered in error: kept, no longer active."""
    require(session, staff_id, Action.MANAGE_HEALTH)
    why = _reason(reason)
    old = _latest(session, MonitoringPlan, plan_id)
    status = ENTERED_IN_ERROR if in_error else "resolved"
    row = _append(
        session,
        MonitoringPlan(
            resident_id=old.resident_id, chart_line_id=old.chart_line_id, kind=old.kind,
            every_days=old.every_days, status=status, recorded_by_id=staff_id,
            supersedes_id=old.id, change_reason=why,
        ),
    )  # fmt: skip
    _audit(session, "withdrawn" if in_error else "ended", staff_id, row)
    return row.id


def _current_plans(session: Session, resident_id: int) -> list[MonitoringPlan]:
    rows = list(
        session.scalars(select(MonitoringPlan).where(MonitoringPlan.resident_id == resident_id))
    )
    replaced = {r.supersedes_id for r in rows if r.supersedes_id}
    return [r for r in rows if r.id not in replaced and r.status == "active"]


# --- signal thresholds ----------------------------------------------------------------------


def set_signal_threshold(
    session: Session, staff_id: int, key: str, value: str | Decimal | int
) -> ThresholdChange:
    """The home's own threshold for a signal, with the earlier value in the audit trail: one of
    the signals' keys (emar.domain.review.thresholds) and a value its rule allows
    (`check_threshold`); "default" sets the signal's default again."""
    require(session, staff_id, Action.SET_THRESHOLDS)
    key = (key or "").strip()
    if key not in THRESHOLDS:
        raise ValidationError(
            f"Threshold {key!r} is not one the signals use; they are: "
            f"{', '.join(sorted(THRESHOLDS))}."
        )
    if str(value).strip().lower() == "default":
        value = THRESHOLDS[key].default
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(f"Threshold {key}: {value!r} is not a number.") from None
    if not amount.is_finite() or not 0 <= amount <= THRESHOLD_MAX:
        raise ValidationError(f"Threshold {key}: 0 to {THRESHOLD_MAX}, not {amount}.")
    current = Thresholds.of(signal_thresholds(session))
    amount = check_threshold(key, amount, current).quantize(Decimal("0.01"))
    row = session.get(SignalThreshold, key)
    before = None if row is None else Decimal(row.value)
    if row is None:
        row = SignalThreshold(key=key, value=amount, changed_by_id=staff_id)
        session.add(row)
    else:
        row.value, row.changed_by_id, row.changed_at = amount, staff_id, utcnow()
    session.flush()
    record_event(
        session,
        "threshold.changed",
        staff_id=staff_id,
        entity="signal_threshold",
        entity_id=key,
        detail={"before": before, "after": amount},
    )
    return ThresholdChange(key, before, amount)


def signal_thresholds(session: Session) -> dict[str, Decimal]:
    """The thresholds the home has set (absent: the signal's default)."""
    return {t.key: Decimal(t.value) for t in session.scalars(select(SignalThreshold))}


# --- reading --------------------------------------------------------------------------------


def resident_health(
    session: Session, resident_id: int, *, include_history: bool = False
) -> ResidentHealth:
    """The resident's active conditions, the latest observation of each kind and the active
    monitoring plans (each with its last result and when the next is due); on request every
    record, with who, when and why."""
    resident = session.get(Resident, resident_id)
    if resident is None:
        raise ValidationError("No such resident.")
    names = dict(session.execute(select(Staff.id, Staff.full_name)).all())
    conditions = [
        _condition_view(c, names)
        for c in session.scalars(
            select(ResidentCondition)
            .where(ResidentCondition.resident_id == resident_id)
            .order_by(ResidentCondition.id)
        )
    ]
    observations = [
        _observation_view(o, names)
        for o in session.scalars(
            select(ResidentObservation)
            .where(ResidentObservation.resident_id == resident_id)
            .order_by(ResidentObservation.observed_at.desc(), ResidentObservation.id.desc())
        )
    ]
    medicines = _line_medicines(session, resident_id)
    plan_rows = list(
        session.scalars(
            select(MonitoringPlan)
            .where(MonitoringPlan.resident_id == resident_id)
            .order_by(MonitoringPlan.id)
        )
    )
    replaced_obs = {o.supersedes_id for o in observations if o.supersedes_id}
    standing = [o for o in observations if o.id not in replaced_obs and o.kind != ENTERED_IN_ERROR]
    latest: dict[str, ObservationView] = {}
    for o in standing:  # newest observed first
        latest.setdefault(o.kind, o)
    plans = [_plan_view(p, names, medicines, latest.get(p.kind)) for p in plan_rows]
    active_conditions = sorted(_standing(conditions), key=lambda c: c.label.lower())
    return ResidentHealth(
        resident.id,
        resident.full_name,
        tuple(active_conditions),
        tuple(sorted(latest.values(), key=lambda o: o.label.lower())),
        tuple(sorted(_standing(plans), key=lambda p: p.label.lower())),
        _chains(conditions) if include_history else (),
        tuple(observations) if include_history else (),
        _chains(plans) if include_history else (),
    )


V = TypeVar("V", ConditionView, PlanView)


def _standing(views: list[V]) -> list[V]:
    replaced = {v.supersedes_id for v in views if v.supersedes_id}
    return [v for v in views if v.id not in replaced and v.status == "active"]


def _chains(views: list[V]) -> tuple[tuple[V, ...], ...]:
    chains: dict[int, list[V]] = defaultdict(list)
    root: dict[int, int] = {}
    for v in views:  # in id order: an earlier row's root is known first
        root[v.id] = root.get(v.supersedes_id, v.id) if v.supersedes_id else v.id
        chains[root[v.id]].append(v)
    return tuple(tuple(chain) for _, chain in sorted(chains.items()))


def _line_medicines(session: Session, resident_id: int) -> dict[int, str]:
    return dict(
        session.execute(
            select(ChartLine.id, Medicine.name)
            .join(Medicine, ChartLine.medicine_id == Medicine.id)
            .where(ChartLine.resident_id == resident_id)
        ).all()
    )


def _condition_view(c: ResidentCondition, names: dict[int, str]) -> ConditionView:
    return ConditionView(
        c.id, c.condition, condition_label(c.condition), c.status, c.noted_on, c.note,
        c.recorded_at, names.get(c.recorded_by_id, ""), c.change_reason, c.supersedes_id,
    )  # fmt: skip


def _observation_view(o: ResidentObservation, names: dict[int, str]) -> ObservationView:
    label = "entered in error" if o.kind == ENTERED_IN_ERROR else observation_label(o.kind)
    return ObservationView(
        o.id, o.kind, label, None if o.value is None else Decimal(o.value), o.unit,
        o.observed_at, o.note, o.recorded_at, names.get(o.recorded_by_id, ""), o.change_reason,
        o.supersedes_id,
    )  # fmt: skip


def _plan_view(
    p: MonitoringPlan,
    names: dict[int, str],
    medicines: dict[int, str],
    last: ObservationView | None,
) -> PlanView:
    done = last.observed_at if last else None
    due = (done + timedelta(days=p.every_days)).date() if done else None
    return PlanView(
        p.id, p.kind, observation_label(p.kind), p.every_days, p.chart_line_id,
        medicines.get(p.chart_line_id) if p.chart_line_id else None, p.status, p.recorded_at,
        names.get(p.recorded_by_id, ""), p.change_reason, p.supersedes_id, done, due,
    )  # fmt: skip
