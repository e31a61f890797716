"""Transcribing chart lines, and the second person's check (NICE SC1).

A new line is pending until a different, authorised person checks it; pending lines are visible
but cannot be given. A change is stop-old + start-new, linked by `replaces_id`. Stops and
suspensions need a reason and take effect at a chosen time. Nothing is ever rubbed out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from emar.domain.line_periods import ENDED, STOPPED, Event, status_at
from emar.domain.rights.route import unlicensed_route
from emar.domain.schedule import parse_times, parse_weekdays
from emar.domain.text_rules import SHORT, clean_text, required_text
from emar.errors import ValidationError
from emar.models import ChartLine, ChartLineEvent, Medicine, Resident, utcnow
from emar.services.audit import record_event
from emar.services.charts.allergy_checks import (
    AllergyStop,
    AllergyWarning,
    line_allergy_conflicts,
    medicine_allergy_conflicts,
    stops_text,
)
from emar.services.permissions import Action, require
from emar.services.review.records import action_by_chart_change, check_citable
from emar.services.staff.signing import Signature, countersign


@dataclass
class LineForm:
    medicine_id: int
    dose_min: Decimal
    dose_max: Decimal
    timing: str  # times_of_day | weekdays | every_n_days | every_n_hours | prn
    starts_at: datetime
    prescriber: str
    source: str
    times_of_day: str | None = None
    weekdays: str | None = None
    every_n_days: int | None = None
    every_n_hours: int | None = None
    route: str | None = None  # default: the product's route
    directions: str | None = None
    ends_at: datetime | None = None
    course_days: int | None = None
    dose_choice: str | None = None
    prn_indication: str | None = None
    prn_min_interval_minutes: int | None = None
    prn_max_doses_24h: int | None = None
    # Why it is transcribed although the resident is recorded as allergic (the prescriber
    # confirmed it...): without it, an allergy stop refuses the line.
    allergy_acknowledged: str | None = None
    # The pharmacist's recommendation this line carries out (accepted, the resident's): it
    # moves to actioned with the line.
    recommendation_id: int | None = None


def _clean(form: LineForm) -> LineForm:
    """The form's text as it will be stored, or a message saying which field is wrong."""
    return replace(
        form,
        prescriber=clean_text(form.prescriber, "Prescriber", limit=SHORT) or "",
        source=clean_text(form.source, "Source", limit=SHORT) or "",
        route=clean_text(form.route, "Route", limit=50),
        directions=clean_text(form.directions, "Directions", lines=True),
        dose_choice=clean_text(form.dose_choice, "Choosing the dose", lines=True),
        prn_indication=clean_text(form.prn_indication, "PRN: for"),
        allergy_acknowledged=clean_text(form.allergy_acknowledged, "Why despite the allergy"),
    )


def _validate(form: LineForm) -> None:
    if form.dose_min <= 0 or form.dose_max < form.dose_min:
        raise ValidationError("The dose must be more than zero, and a range low to high.")
    if not form.prescriber.strip() or not form.source.strip():
        raise ValidationError(
            "Say who prescribed it and where it came from (GP letter, hospital discharge...)."
        )
    clock_timed = form.timing in ("times_of_day", "weekdays", "every_n_days")
    if clock_timed and not parse_times(form.times_of_day):
        raise ValidationError("Give the times of day (HH:MM).")
    if form.timing == "weekdays" and not parse_weekdays(form.weekdays):
        raise ValidationError("Choose the days of the week.")
    if form.timing == "every_n_days" and not (form.every_n_days and form.every_n_days >= 1):
        raise ValidationError("Every how many days?")
    if form.timing == "every_n_hours" and not (form.every_n_hours and form.every_n_hours >= 1):
        raise ValidationError("Every how many hours?")
    if form.timing == "prn":
        if not (form.prn_indication or "").strip():
            raise ValidationError("A PRN line needs what it is for (the indication).")
        if not form.prn_min_interval_minutes or form.prn_min_interval_minutes <= 0:
            raise ValidationError("A PRN line needs the minimum time between doses.")
        if not form.prn_max_doses_24h or form.prn_max_doses_24h <= 0:
            raise ValidationError("A PRN line needs its maximum doses in 24 hours.")
    if form.timing not in ("times_of_day", "weekdays", "every_n_days", "every_n_hours", "prn"):
        raise ValidationError(f"Unknown timing {form.timing!r}.")
    if form.ends_at is not None and form.ends_at <= form.starts_at:
        raise ValidationError("The end must be after the start.")


def add_chart_line(
    session: Session,
    staff_id: int,
    resident_id: int,
    form: LineForm,
    *,
    replaces_id: int | None = None,
) -> int:
    require(session, staff_id, Action.EDIT_CHARTS)
    form = _clean(form)
    _validate(form)
    resident = session.get(Resident, resident_id)
    if resident is None or resident.status != "resident":
        raise ValidationError("Charts can only be written for current residents.")
    med = session.get(Medicine, form.medicine_id)
    if med is None:
        raise ValidationError("Choose the medicine from the catalogue.")
    if form.route and med.routes:  # a product that lists its licensed routes (dm+d)
        problem = unlicensed_route(med.display_name, form.route, med.routes)
        if problem:
            raise ValidationError(problem)
    allergy = _allergy_gate(session, resident_id, med.id, form.allergy_acknowledged)
    if form.recommendation_id is not None:
        check_citable(session, form.recommendation_id, resident_id)
    ends_at = form.ends_at
    if form.course_days:
        ends_at = form.starts_at + timedelta(days=form.course_days)
    line = ChartLine(
        resident_id=resident_id,
        medicine_id=med.id,
        medicine_text=med.display_name,  # kept as written when a dm+d release renames it
        dose_min=form.dose_min,
        dose_max=form.dose_max,
        dose_unit=med.dose_unit,
        dose_choice=form.dose_choice,
        route=form.route or med.route,
        timing=form.timing,
        times_of_day=form.times_of_day,
        weekdays=form.weekdays,
        every_n_days=form.every_n_days,
        every_n_hours=form.every_n_hours,
        directions=form.directions,
        starts_at=form.starts_at,
        ends_at=ends_at,
        prescriber=form.prescriber.strip(),
        source=form.source.strip(),
        prn_indication=form.prn_indication,
        prn_min_interval_minutes=form.prn_min_interval_minutes,
        prn_max_doses_24h=form.prn_max_doses_24h,
        replaces_id=replaces_id,
        transcribed_by_id=staff_id,
        recommendation_id=form.recommendation_id,
    )
    session.add(line)
    session.flush()
    cites = {"recommendation_id": form.recommendation_id} if form.recommendation_id else {}
    record_event(
        session,
        "chart.line_added",
        staff_id=staff_id,
        entity="chart_line",
        entity_id=line.id,
        detail={"resident_id": resident_id, "medicine": med.name, "replaces": replaces_id}
        | allergy
        | cites,
    )
    if form.recommendation_id is not None:
        action_by_chart_change(
            session, staff_id, form.recommendation_id, resident_id, line.id, utcnow()
        )
    return line.id


def _allergy_gate(
    session: Session, resident_id: int, medicine_id: int, acknowledged: str | None
) -> dict[str, object]:
    """An allergy stop refuses the line unless the transcriber says why (kept in the audit
    trail); a caution is only shown. What the audit event says about it."""
    found = medicine_allergy_conflicts(session, resident_id, medicine_id)
    if any(w.stop for w in found) and not acknowledged:
        raise AllergyStop(
            f"{stops_text(found)} Not transcribed: to write it anyway, say why (e.g. the "
            "prescriber confirmed it knowing of the allergy).",
            found,
        )
    if not found:
        return {}
    return {"allergy": [w.message for w in found], "allergy_acknowledged": acknowledged}


@dataclass(frozen=True)
class Transcribed:
    line_id: int
    allergy: tuple[AllergyWarning, ...]  # the stops acknowledged and the cautions, to show


def transcribe_line(
    session: Session, staff_id: int, resident_id: int, form: LineForm
) -> Transcribed:
    """`add_chart_line`, with the allergy conflicts the screen shows after saving."""
    line_id = add_chart_line(session, staff_id, resident_id, form)
    found = medicine_allergy_conflicts(session, resident_id, form.medicine_id)
    return Transcribed(line_id, tuple(found))


def _line(session: Session, line_id: int) -> ChartLine:
    line = session.get(ChartLine, line_id)
    if line is None:
        raise ValidationError("No such chart line.")
    return line


def check_chart_line(
    session: Session,
    checker: Signature,
    line_id: int,
    at: datetime,
    *,
    allergy_confirmed: bool = False,
) -> None:
    """The second signature: a different authorised person, signing with their PIN (also when
    they are the one signed in: the check is a signature); the line becomes active. The checker
    has seen the allergy conflicts (`line_allergy_conflicts`); a stop needs their confirmation
    (`allergy_confirmed`), which the audit trail keeps."""
    line = _line(session, line_id)
    signer = countersign(
        session,
        checker,
        Action.CHECK_CHARTS,
        "Check",
        at,
        not_by=line.transcribed_by_id,
        same_person="The check must be by a different person from the one who transcribed "
        "the line.",
    )
    if any(e.kind == "checked" for e in line.events):
        raise ValidationError("This line has already been checked.")
    allergy = line_allergy_conflicts(session, line.id)
    if any(w.stop for w in allergy) and not allergy_confirmed:
        raise AllergyStop(
            f"{stops_text(allergy)} Not checked: the checker must confirm the allergy was seen "
            "and the prescriber asked.",
            allergy,
        )
    session.add(
        ChartLineEvent(chart_line_id=line.id, kind="checked", effective_at=at, staff_id=signer.id)
    )
    session.flush()
    record_event(
        session,
        "chart.line_checked",
        staff_id=signer.id,
        entity="chart_line",
        entity_id=line.id,
        detail={"allergy": [w.message for w in allergy], "allergy_confirmed": allergy_confirmed}
        if allergy
        else None,
    )


def _status_event(
    session: Session,
    staff_id: int,
    line_id: int,
    kind: str,
    reason: str,
    effective_at: datetime,
    recommendation_id: int | None = None,
    *,
    actions: bool = True,
) -> None:
    require(session, staff_id, Action.EDIT_CHARTS)
    if not (reason or "").strip():
        raise ValidationError(f"Say why the line is {kind}.")
    reason = required_text(reason, "Reason", limit=500)
    line = _line(session, line_id)
    if recommendation_id is not None:
        check_citable(session, recommendation_id, line.resident_id)
    events = [Event(e.id, e.kind, e.effective_at, e.reason) for e in line.events]
    state, _ = status_at(line.starts_at, line.ends_at, events, effective_at)
    if state in (STOPPED, ENDED):
        raise ValidationError(f"The line is already {state}.")
    session.add(
        ChartLineEvent(
            chart_line_id=line.id,
            kind=kind,
            effective_at=effective_at,
            reason=reason.strip(),
            staff_id=staff_id,
            recommendation_id=recommendation_id,
        )
    )
    session.flush()
    detail: dict[str, object] = {"reason": reason.strip(), "effective_at": effective_at.isoformat()}
    if recommendation_id is not None:
        detail["recommendation_id"] = recommendation_id
    record_event(
        session,
        f"chart.line_{kind}",
        staff_id=staff_id,
        entity="chart_line",
        entity_id=line.id,
        detail=detail,
    )
    if recommendation_id is not None and actions:
        action_by_chart_change(
            session, staff_id, recommendation_id, line.resident_id, line.id, effective_at
        )


def stop_line(
    session: Session,
    staff_id: int,
    line_id: int,
    reason: str,
    effective_at: datetime,
    *,
    recommendation_id: int | None = None,
) -> None:
    """`recommendation_id`: the accepted recommendation the stop carries out (it is actioned)."""
    _status_event(session, staff_id, line_id, "stopped", reason, effective_at, recommendation_id)


def suspend_line(
    session: Session,
    staff_id: int,
    line_id: int,
    reason: str,
    effective_at: datetime,
    *,
    recommendation_id: int | None = None,
) -> None:
    _status_event(session, staff_id, line_id, "suspended", reason, effective_at, recommendation_id)


def resume_line(
    session: Session, staff_id: int, line_id: int, reason: str, effective_at: datetime
) -> None:
    _status_event(session, staff_id, line_id, "resumed", reason, effective_at)


def change_line(
    session: Session,
    staff_id: int,
    line_id: int,
    form: LineForm,
    reason: str,
    effective_at: datetime,
    *,
    recommendation_id: int | None = None,
) -> int:
    """A change of dose or timing: the old line stops and a new, pending line replaces it.
    `recommendation_id`: the accepted recommendation it carries out: the stop and the new line
    cite it, and it is actioned with the new line."""
    old = _line(session, line_id)
    _status_event(
        session, staff_id, line_id, "stopped", f"Changed: {reason}", effective_at,
        recommendation_id, actions=False,
    )  # fmt: skip
    form.starts_at = max(form.starts_at, effective_at)
    if recommendation_id is not None:
        form.recommendation_id = recommendation_id
    return add_chart_line(session, staff_id, old.resident_id, form, replaces_id=old.id)
