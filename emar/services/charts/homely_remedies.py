"""Homely remedies: the home's list of over-the-counter remedies with their protocol, each
resident's authorisation by their GP, and the home's own stock book of them.

An authorisation writes a PRN chart line (source "homely remedy", prescriber the GP, the
protocol's dose, interval and maximum in 24 hours) so the round's scan, limit and daily-maximum
checks apply unchanged and the MAR shows it. Like any line it is pending until a second person
checks it (NICE SC1): the authorisation may carry that check (`checker`), else it is checked
from the chart like any other line. The protocol's own rules (in force, review date, maximum
duration) are emar.domain.homely_remedies, which the round's verification consults.

The stock is the home's, not the resident's: received, given (each administration of the
remedy, by recording), counted, disposed; append-only, the balance is the sum of its rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from emar.domain.homely_remedies import Authorisation
from emar.domain.line_periods import ENDED, STOPPED, Event, status_at
from emar.domain.mar_entries import given_entries
from emar.domain.text_rules import SHORT, clean_text, required_text
from emar.domain.wording import dose_text
from emar.errors import ValidationError
from emar.models import (
    ChartLine,
    HomelyAuthorisation,
    HomelyRemedy,
    HomelyStock,
    Medicine,
    Resident,
)
from emar.services.audit import record_event
from emar.services.charts.editing import LineForm, add_chart_line, check_chart_line, stop_line
from emar.services.home import get_home
from emar.services.permissions import Action, require
from emar.services.round.facts import load_entries
from emar.services.staff.signing import Signature

SOURCE = "homely remedy"


@dataclass
class RemedyForm:
    medicine_id: int
    indication: str
    dose_min: Decimal
    dose_max: Decimal
    min_interval_minutes: int
    max_doses_24h: int
    max_duration_hours: int = 48
    directions: str | None = None


@dataclass(frozen=True)
class RemedyRow:
    id: int
    medicine: str
    indication: str
    dose: str  # "1-2 tablet"
    min_interval_minutes: int
    max_doses_24h: int
    max_duration_hours: int
    balance: Decimal


@dataclass(frozen=True)
class AuthorisationRow:
    id: int
    resident_id: int
    resident: str
    remedy_id: int
    medicine: str
    chart_line_id: int
    gp_name: str
    authorised_on: date
    review_date: date
    max_duration_hours: int
    review_due: bool  # past its review date today: refused on the round


@dataclass(frozen=True)
class StockRow:
    id: int
    kind: str
    quantity: Decimal
    balance: Decimal  # after this row
    counted: Decimal | None
    batch: str | None
    expiry: date | None
    reason: str | None
    occurred_at: datetime


@dataclass(frozen=True)
class HomelyLine:
    """What the round needs of a chart line written by an authorisation."""

    remedy_id: int
    authorisation: Authorisation


def add_remedy(session: Session, staff_id: int, form: RemedyForm) -> int:
    """A remedy on the home's list, with its protocol (a nurse or the manager)."""
    require(session, staff_id, Action.EDIT_CHARTS)
    indication = required_text(form.indication, "What it is for")
    directions = clean_text(form.directions, "Directions", lines=True)
    medicine = session.get(Medicine, form.medicine_id)
    if medicine is None:
        raise ValidationError("Choose the remedy from the catalogue.")
    if form.dose_min <= 0 or form.dose_max < form.dose_min:
        raise ValidationError("The dose must be more than zero, and a range low to high.")
    if form.min_interval_minutes <= 0 or form.max_doses_24h <= 0:
        raise ValidationError("Give the minimum time between doses and the maximum in 24 hours.")
    if form.max_duration_hours <= 0:
        raise ValidationError("Give the longest it may be given before the GP is told.")
    remedy = HomelyRemedy(
        medicine_id=medicine.id,
        indication=indication,
        dose_min=form.dose_min,
        dose_max=form.dose_max,
        min_interval_minutes=form.min_interval_minutes,
        max_doses_24h=form.max_doses_24h,
        max_duration_hours=form.max_duration_hours,
        directions=directions,
        staff_id=staff_id,
    )
    session.add(remedy)
    session.flush()
    record_event(
        session,
        "homely.remedy_added",
        staff_id=staff_id,
        entity="homely_remedy",
        entity_id=remedy.id,
        detail={"medicine": medicine.name, "max_duration_hours": form.max_duration_hours},
    )
    return remedy.id


def list_remedies(session: Session) -> list[RemedyRow]:
    rows = session.execute(
        select(HomelyRemedy, Medicine).join(Medicine).order_by(Medicine.name, HomelyRemedy.id)
    ).all()
    return [
        RemedyRow(
            r.id,
            m.display_name,
            r.indication,
            dose_text(r.dose_min, r.dose_max, m.dose_unit),
            r.min_interval_minutes,
            r.max_doses_24h,
            r.max_duration_hours,
            balance(session, r.id),
        )
        for r, m in rows
    ]


def _remedy(session: Session, remedy_id: int) -> HomelyRemedy:
    remedy = session.get(HomelyRemedy, remedy_id)
    if remedy is None:
        raise ValidationError("No such homely remedy.")
    return remedy


def _withdrawn_ids(session: Session) -> set[int]:
    return set(
        session.scalars(
            select(HomelyAuthorisation.withdraws_id).where(HomelyAuthorisation.kind == "withdrawn")
        )
    )


def authorise(
    session: Session,
    staff_id: int,
    resident_id: int,
    remedy_id: int,
    *,
    gp_name: str,
    authorised_on: date,
    review_date: date,
    max_duration_hours: int | None = None,
    checker: Signature | None = None,
    at: datetime,
) -> int:
    """Record the GP's authorisation of a remedy for a resident and write its PRN chart line
    (checked at once when `checker`, a second person, signs). Returns the authorisation id."""
    require(session, staff_id, Action.EDIT_CHARTS)
    gp = required_text(gp_name, "GP", limit=SHORT)
    remedy = _remedy(session, remedy_id)
    resident = session.get(Resident, resident_id)
    if resident is None or resident.status != "resident":
        raise ValidationError("Homely remedies can only be authorised for current residents.")
    if review_date < authorised_on:
        raise ValidationError("The review date must be on or after the date authorised.")
    hours = remedy.max_duration_hours if max_duration_hours is None else max_duration_hours
    if hours <= 0:
        raise ValidationError("Give the longest it may be given before the GP is told.")
    current = current_authorisations(session, resident_id=resident_id, today=authorised_on)
    if any(a.remedy_id == remedy_id for a in current):
        raise ValidationError(
            "This resident already has an authorisation for this remedy: withdraw it first."
        )
    zone = get_home(session).zone
    starts = datetime.combine(authorised_on, time(0), tzinfo=zone)
    line_id = add_chart_line(
        session,
        staff_id,
        resident_id,
        LineForm(
            medicine_id=remedy.medicine_id,
            dose_min=remedy.dose_min,
            dose_max=remedy.dose_max,
            timing="prn",
            starts_at=starts,
            prescriber=gp,
            source=SOURCE,
            directions=remedy.directions,
            # said wherever the line is shown (the round's list, the verdict, the MAR): it is
            # the home's stock under a protocol, not a prescription
            prn_indication=f"{remedy.indication} (homely remedy, the home's stock)",
            prn_min_interval_minutes=remedy.min_interval_minutes,
            prn_max_doses_24h=remedy.max_doses_24h,
        ),
    )
    row = HomelyAuthorisation(
        kind="authorised",
        resident_id=resident_id,
        remedy_id=remedy.id,
        chart_line_id=line_id,
        gp_name=gp,
        authorised_on=authorised_on,
        review_date=review_date,
        max_duration_hours=hours,
        staff_id=staff_id,
    )
    session.add(row)
    session.flush()
    record_event(
        session,
        "homely.authorised",
        staff_id=staff_id,
        entity="homely_authorisation",
        entity_id=row.id,
        detail={
            "resident_id": resident_id,
            "remedy_id": remedy.id,
            "chart_line_id": line_id,
            "gp": gp,
            "review_date": review_date.isoformat(),
            "max_duration_hours": hours,
        },
    )
    if checker is not None:
        check_chart_line(session, checker, line_id, at)
    return row.id


def withdraw(
    session: Session, staff_id: int, authorisation_id: int, reason: str, at: datetime
) -> int:
    """End an authorisation (a new row) and stop its chart line from `at`."""
    require(session, staff_id, Action.EDIT_CHARTS)
    why = required_text(reason, "Reason")
    original = session.get(HomelyAuthorisation, authorisation_id)
    if original is None or original.kind != "authorised":
        raise ValidationError("No such homely remedy authorisation.")
    if authorisation_id in _withdrawn_ids(session):
        raise ValidationError("This authorisation has already been withdrawn.")
    row = HomelyAuthorisation(
        kind="withdrawn",
        resident_id=original.resident_id,
        remedy_id=original.remedy_id,
        withdraws_id=original.id,
        reason=why,
        staff_id=staff_id,
    )
    session.add(row)
    session.flush()
    assert original.chart_line_id is not None
    line = session.get(ChartLine, original.chart_line_id)
    assert line is not None
    events = [Event(e.id, e.kind, e.effective_at, e.reason) for e in line.events]
    state, _ = status_at(line.starts_at, line.ends_at, events, at)
    if state not in (STOPPED, ENDED):  # stopped on the chart already: it stays as it is
        stop_line(session, staff_id, line.id, f"Homely remedy withdrawn: {why}", at)
    record_event(
        session,
        "homely.withdrawn",
        staff_id=staff_id,
        entity="homely_authorisation",
        entity_id=original.id,
        detail={"reason": why, "withdrawal_id": row.id},
    )
    return row.id


def current_authorisations(
    session: Session, *, resident_id: int | None = None, today: date
) -> list[AuthorisationRow]:
    """The authorisations not withdrawn (those past their review date too, flagged)."""
    withdrawn = _withdrawn_ids(session)
    query = (
        select(HomelyAuthorisation, Resident, Medicine)
        .join(Resident, HomelyAuthorisation.resident_id == Resident.id)
        .join(HomelyRemedy, HomelyAuthorisation.remedy_id == HomelyRemedy.id)
        .join(Medicine, HomelyRemedy.medicine_id == Medicine.id)
        .where(HomelyAuthorisation.kind == "authorised")
        .order_by(Resident.family_name, Resident.given_name, Medicine.name)
    )
    if resident_id is not None:
        query = query.where(HomelyAuthorisation.resident_id == resident_id)
    rows = []
    for a, r, m in session.execute(query).all():
        if a.id in withdrawn:
            continue
        assert a.chart_line_id and a.gp_name and a.authorised_on and a.review_date
        rows.append(
            AuthorisationRow(
                a.id,
                r.id,
                f"{r.given_name} {r.family_name}",
                a.remedy_id,
                m.display_name,
                a.chart_line_id,
                a.gp_name,
                a.authorised_on,
                a.review_date,
                a.max_duration_hours or 0,
                today > a.review_date,
            )
        )
    return rows


def homely_line(session: Session, chart_line_id: int) -> HomelyLine | None:
    """The authorisation behind a chart line, as the round's rule judges it; None when the line
    is not a homely remedy's."""
    a = session.scalar(
        select(HomelyAuthorisation).where(
            HomelyAuthorisation.chart_line_id == chart_line_id,
            HomelyAuthorisation.kind == "authorised",
        )
    )
    if a is None:
        return None
    assert a.gp_name and a.authorised_on and a.review_date and a.max_duration_hours
    remedy = _remedy(session, a.remedy_id)
    medicine = session.get(Medicine, remedy.medicine_id)
    return HomelyLine(
        remedy.id,
        Authorisation(
            remedy=medicine.display_name if medicine else "the remedy",
            gp_name=a.gp_name,
            authorised_on=a.authorised_on,
            review_date=a.review_date,
            max_duration=timedelta(hours=a.max_duration_hours),
            withdrawn=a.id in _withdrawn_ids(session),
        ),
    )


def protocol_facts(
    session: Session, chart_line_id: int, resident_id: int, at: datetime
) -> tuple[Authorisation, list[datetime]] | None:
    """For a homely remedy's line, what emar.domain.homely_remedies judges at `at`: the
    authorisation and the times of the line's doses (effective "given" entries) before `at`. An
    episode holding `at` began at most its maximum duration and a day before (no dose is given
    past the duration), so the doses of the two days before that are enough. None when the line
    is not a homely remedy's."""
    homely = homely_line(session, chart_line_id)
    if homely is None:
        return None
    since = at - homely.authorisation.max_duration - timedelta(days=2)
    given = [
        e.administered_at
        for e in given_entries(load_entries(session, [resident_id], since, at))
        if e.chart_line_id == chart_line_id
    ]
    return homely.authorisation, given


def homely_line_ids(session: Session, chart_line_ids: list[int]) -> set[int]:
    """Those of `chart_line_ids` written by a homely remedy authorisation: their stock is the
    home's, so they are neither ordered from the pharmacy nor counted in a resident's stock."""
    if not chart_line_ids:
        return set()
    return {
        i
        for i in session.scalars(
            select(HomelyAuthorisation.chart_line_id).where(
                HomelyAuthorisation.chart_line_id.in_(chart_line_ids)
            )
        )
        if i is not None
    }


# The stock book ---------------------------------------------------------------------------


def balance(session: Session, remedy_id: int) -> Decimal:
    total = session.scalar(
        select(func.sum(HomelyStock.quantity)).where(HomelyStock.remedy_id == remedy_id)
    )
    return Decimal(total or 0)


def _stock(
    session: Session,
    staff_id: int,
    remedy_id: int,
    kind: str,
    quantity: Decimal,
    at: datetime,
    **extra: object,
) -> int:
    row = HomelyStock(
        remedy_id=remedy_id,
        kind=kind,
        quantity=quantity,
        staff_id=staff_id,
        occurred_at=at,
        **extra,
    )
    session.add(row)
    session.flush()
    record_event(
        session,
        f"homely.stock_{kind}",
        staff_id=staff_id,
        entity="homely_stock",
        entity_id=row.id,
        detail={"remedy_id": remedy_id, "quantity": str(quantity)}
        # "stock_" before each: a bare "batch" in an audit row means a bulk batch (audit.bulk)
        | {f"stock_{k}": str(v) for k, v in extra.items() if v is not None},
    )
    return row.id


def receive(
    session: Session,
    staff_id: int,
    remedy_id: int,
    quantity: Decimal,
    at: datetime,
    *,
    batch: str | None = None,
    expiry: date | None = None,
) -> int:
    require(session, staff_id, Action.MANAGE_STOCK)
    _remedy(session, remedy_id)
    if quantity <= 0:
        raise ValidationError("How many were received? (more than zero)")
    batch = clean_text(batch, "Batch", limit=20)
    if expiry is not None and expiry < at.date():
        raise ValidationError("This stock is already past its expiry: do not book it in.")
    return _stock(
        session, staff_id, remedy_id, "received", quantity, at, batch=batch, expiry=expiry
    )


def count(
    session: Session,
    staff_id: int,
    remedy_id: int,
    counted: Decimal,
    at: datetime,
    *,
    reason: str | None = None,
) -> Decimal:
    """Record a count; a count that disagrees with the balance needs a reason and becomes the
    balance. Returns the difference (counted - balance before)."""
    require(session, staff_id, Action.MANAGE_STOCK)
    _remedy(session, remedy_id)
    if counted < 0:
        raise ValidationError("A count cannot be less than zero.")
    why = clean_text(reason, "Reason")
    difference = counted - balance(session, remedy_id)
    if difference != 0 and not why:
        raise ValidationError(
            f"The count differs from the stock book by {difference.normalize():f}: say why."
        )
    _stock(session, staff_id, remedy_id, "counted", difference, at, counted=counted, reason=why)
    return difference


def dispose(
    session: Session,
    staff_id: int,
    remedy_id: int,
    quantity: Decimal,
    reason: str,
    at: datetime,
) -> int:
    require(session, staff_id, Action.MANAGE_STOCK)
    _remedy(session, remedy_id)
    why = required_text(reason, "Reason")
    if quantity <= 0:
        raise ValidationError("How many were disposed of? (more than zero)")
    if quantity > balance(session, remedy_id):
        raise ValidationError("That is more than the stock book holds: count the stock first.")
    return _stock(session, staff_id, remedy_id, "disposed", -quantity, at, reason=why)


def record_given(
    session: Session,
    staff_id: int,
    remedy_id: int,
    quantity: Decimal,
    at: datetime,
    *,
    resident_id: int,
    administration_id: int,
    batch: str | None,
    expiry: date | None,
    reason: str | None = None,
) -> int:
    """The round's administration takes the dose from the home's stock (called by recording,
    inside its transaction); a correction takes or gives back the difference, with its reason."""
    return _stock(
        session, staff_id, remedy_id, "given", -quantity, at, resident_id=resident_id,
        administration_id=administration_id, batch=batch, expiry=expiry, reason=reason,
    )  # fmt: skip


def stock_book(session: Session, remedy_id: int) -> list[StockRow]:
    """Every row of the remedy's stock book as recorded, with the running balance."""
    _remedy(session, remedy_id)
    rows = session.scalars(
        select(HomelyStock)
        .where(HomelyStock.remedy_id == remedy_id)
        .order_by(HomelyStock.id)  # as recorded: a count's difference is from the balance then
    ).all()
    running = Decimal(0)
    book = []
    for r in rows:
        running += r.quantity
        book.append(
            StockRow(
                r.id,
                r.kind,
                r.quantity,
                running,
                r.counted,
                r.batch,
                r.expiry,
                r.reason,
                r.occurred_at,
            )
        )
    return book


@dataclass(frozen=True)
class HomelyOverview:
    """What the Manage window's homely remedies tab shows in one read."""

    remedies: list[RemedyRow]
    authorisations: list[AuthorisationRow]


def homely_overview(session: Session, now: datetime) -> HomelyOverview:
    today = now.astimezone(get_home(session).zone).date()
    return HomelyOverview(list_remedies(session), current_authorisations(session, today=today))
