"""Building the demo home through the services: the home and its units, the staff, the catalogue,
residents admitted, chart lines transcribed by a nurse and checked by a second person with their
PIN, stock booked in. The same rules hold for the demo as for a real home. Only the MAR history
is written in bulk (`emar.demo.history`: it did not happen, and is vouched for as a batch)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.demo.cycle import build_demo_cycle
from emar.demo.data import (
    CATALOGUE,
    CHART_STARTED_DAYS_AGO,
    CHECKER,
    DEMO_HOME_NAME,
    DEMO_STAFF,
    GP_NAME,
    GP_PRACTICE,
    MANAGER,
    PACK_SIZE,
    PACK_SIZES,
    PRESCRIBED_BY,
    PRESCRIBED_IN,
    PRN_MAX_DOSES_24H,
    PRN_MIN_INTERVAL_MINUTES,
    RECEIVED,
    ROOMS_PER_UNIT,
    TRANSCRIBER,
    UNIT_NAMES,
)
from emar.demo.history import HistoryRates, generate_history
from emar.demo.homely import build_demo_homely
from emar.demo.residents import RESIDENTS, DemoLine, DemoResident
from emar.demo.review import REVIEWED, sign_demo_review
from emar.domain.review.line_use import LONG
from emar.domain.synthetic_ids import fake_gtin, fake_nhs_number
from emar.errors import ValidationError
from emar.models import Resident
from emar.services.audit import record_event
from emar.services.charts.catalogue import ProductForm, add_medicine, attach_gtin
from emar.services.charts.editing import LineForm, add_chart_line, check_chart_line
from emar.services.charts.stock import book_in
from emar.services.home import add_unit, create_home, get_home, has_home, list_units
from emar.services.residents.admission import AdmissionForm, admit_resident, start_absence
from emar.services.residents.health import (
    add_monitoring_plan,
    record_condition,
    record_observation,
)
from emar.services.residents.reading import count_residents
from emar.services.staff.accounts import add_staff, list_staff
from emar.services.staff.signing import Signature

PINS = {username: pin for username, _name, _role, _password, pin, _badge in DEMO_STAFF}
UNIT_OF = {spec.key: spec.unit for spec in CATALOGUE}


class Product(NamedTuple):
    """A catalogue product as the demo uses it: its id and its pack barcode."""

    id: int
    gtin: str


def local_time(zone: ZoneInfo, day: date, clock: str = "00:00") -> datetime:
    hh, mm = (int(x) for x in clock.split(":"))
    return datetime.combine(day, time(hh, mm), tzinfo=zone)


@dataclass(frozen=True)
class _Building:
    """What each resident's admission and chart needs from the home being built."""

    staff: dict[str, int]  # username -> id
    products: dict[str, Product]  # catalogue key -> product
    zone: ZoneInfo
    now: datetime
    today: date
    chart_start: datetime  # the day the charts started, when they were checked and stocked


def build_demo_home(
    session: Session, now: datetime, *, force: bool = False, history_days: int = 0
) -> dict[str, int]:
    """Seed the demo home; refuses a database that already has residents unless forced.

    With `history_days`, the home has a past, as `emar demo` makes it: the MAR is filled for
    that many past days up to the current round (doses whose window closed more than an hour
    ago are recorded: a few refused, late or missed; some lines refused or never needed more
    often), the residents' health facts are recorded (conditions, falls, weights, results,
    monitoring plans) and the pharmacist's review is signed and followed up
    (`emar.demo.review`). Without it, only the residents and their charts as transcribed.
    """
    if count_residents(session) and not force:
        raise ValidationError(
            "This database already has residents; the demo home would mix with them. "
            "Use an empty database (or --force to add it anyway)."
        )
    if session.scalar(select(Resident.id).where(Resident.nhs_number == fake_nhs_number(1))):
        raise ValidationError("The demo home is already in this database.")
    home = (
        get_home(session) if has_home(session) else create_home(session, DEMO_HOME_NAME, demo=True)
    )
    existing_units = {u.name: u.id for u in list_units(session, include_retired=True)}
    staff = ensure_demo_staff(session)
    units = [
        existing_units.get(name) or add_unit(session, staff[MANAGER], home.id, name).id
        for name in UNIT_NAMES
    ]
    today = now.astimezone(home.zone).date()
    building = _Building(
        staff,
        build_catalogue(session, staff[TRANSCRIBER]),
        home.zone,
        now,
        today,
        local_time(home.zone, today - timedelta(days=CHART_STARTED_DAYS_AGO)),
    )
    rooms = [0] * len(UNIT_NAMES)
    line_rates: dict[int, HistoryRates] = {}
    charts: dict[str, tuple[int, dict[str, int]]] = {}  # family name -> resident, lines
    for number, person in enumerate(RESIDENTS, start=1):
        rooms[person.unit] += 1
        room = f"{ROOMS_PER_UNIT[person.unit]}{rooms[person.unit]:02d}"
        resident_id = _admit(session, building, person, number, units[person.unit], room)
        line_ids = _write_chart(session, building, resident_id, person.chart)
        for line, line_id in zip(person.chart, line_ids, strict=True):
            if line.refuse_rate is not None or line.prn_per_day is not None:
                line_rates[line_id] = _rates(line)
        lines = {
            line.medicine: line_id for line, line_id in zip(person.chart, line_ids, strict=True)
        }
        if history_days:
            _health(session, building, resident_id, person, lines)
        charts[person.family] = (resident_id, lines)
    if history_days:
        resident_id, lines = charts[REVIEWED]
        sign_demo_review(session, building.staff, home.zone, today, resident_id, lines)
    counts = {"residents": len(RESIDENTS), "chart_lines": sum(len(p.chart) for p in RESIDENTS)}
    if history_days:
        session.flush()
        start = max(building.chart_start, now - timedelta(days=history_days))
        counts |= generate_history(
            session,
            start=start,
            end=now - timedelta(minutes=home.dose_window_minutes + 60),
            line_rates=line_rates,
        )
        # The lines taken since before the demo chart have their MAR back to the review's long
        # strip too, else the pharmacist would see weeks of doses "not recorded" (a separate
        # draw, so the home's last two weeks stay as they were).
        earlier = [charts[p.family][0] for p in RESIDENTS if _started_before(p, building)]
        if earlier:
            before = generate_history(
                session,
                start=now - timedelta(days=LONG),
                end=start,
                seed=2,
                resident_ids=earlier,
                line_rates=line_rates,
                spare_stock=0,
                top_up=False,
            )
            counts = {k: v + before.get(k, 0) for k, v in counts.items()}
    if history_days:
        counts |= build_demo_cycle(
            session,
            building.staff,
            {key: (p.id, p.gtin) for key, p in building.products.items()},
            UNIT_OF,
            home.zone,
            now,
            building.chart_start,
        )
        counts |= build_demo_homely(
            session,
            building.staff,
            {key: p.id for key, p in building.products.items()},
            {family: resident_id for family, (resident_id, _lines) in charts.items()},
            home.zone,
            building.chart_start,
        )
    record_event(session, "demo.created", entity="care_home", entity_id=home.id, detail=counts)
    return counts


def _started_before(person: DemoResident, building: _Building) -> bool:
    return any(
        line.started_days_ago
        and building.today - timedelta(days=line.started_days_ago) < building.chart_start.date()
        for line in person.chart
    )


def ensure_demo_staff(session: Session) -> dict[str, int]:
    """The demo staff (README logins), added where missing; username -> id."""
    existing = {s.username: s.id for s in list_staff(session)}
    # added while the home is being set up, until its manager is: then by the manager
    by: int | None = existing.get(MANAGER)
    for username, full_name, role, password, pin, badge in DEMO_STAFF:
        if username not in existing:
            existing[username] = add_staff(
                session,
                username=username,
                full_name=full_name,
                role=role,
                password=password,
                pin=pin,
                badge_code=badge,
                added_by_id=by,
            ).id
            if by is None and role == "manager":
                by = existing[username]
    return existing


def build_catalogue(session: Session, staff_id: int) -> dict[str, Product]:
    """The demo products, each with its pack barcode; catalogue key -> product."""
    products: dict[str, Product] = {}
    for index, spec in enumerate(CATALOGUE, start=1):
        product = ProductForm(
            name=spec.name,
            form=spec.form,
            route=spec.route,
            dose_unit=spec.unit,
            strength=spec.strength,
            ingredients=[(n, Decimal(a), u, group) for n, a, u, group in spec.ingredients],
            cd_schedule=spec.cd,
            time_critical=spec.time_critical,
            high_risk=spec.high_risk,
            generic_id=products[spec.generic].id if spec.generic else None,
            supplier=spec.supplier,
        )
        medicine_id = add_medicine(session, staff_id, product)
        gtin = attach_gtin(
            session, staff_id, medicine_id, fake_gtin(index), PACK_SIZES.get(spec.unit, PACK_SIZE)
        )
        products[spec.key] = Product(medicine_id, gtin)
    return products


def _admit(
    session: Session, building: _Building, person: DemoResident, number: int, unit: int, room: str
) -> int:
    nurse = building.staff[TRANSCRIBER]
    review = person.covert_review_days
    form = AdmissionForm(
        given_name=person.given,
        family_name=person.family,
        date_of_birth=person.born,
        unit_id=unit,
        room=room,
        nhs_number=fake_nhs_number(number),
        preferred_name=person.preferred,
        gp_name=GP_NAME,
        gp_practice=GP_PRACTICE,
        allergies=[(substance, reaction) for substance, reaction in person.allergies],
        no_known_allergies=not person.allergies,
        medicine_preferences=person.medicine_preferences,
        swallowing_needs=person.swallowing_needs,
        covert_authorised=person.covert_details is not None,
        covert_details=person.covert_details,
        covert_review_date=(building.today + timedelta(days=review)) if review else None,
    )
    resident_id = admit_resident(session, nurse, form)
    if person.in_hospital:
        days, note = person.in_hospital
        away_since = building.now - timedelta(days=days)
        start_absence(session, nurse, resident_id, "hospital", away_since, note)
    return resident_id


def _write_chart(
    session: Session, building: _Building, resident_id: int, chart: tuple[DemoLine, ...]
) -> list[int]:
    """Each line transcribed by the nurse, checked by the senior carer with their PIN, and a
    cycle's supply booked in, on the day the chart started (or the line, if earlier)."""
    nurse = building.staff[TRANSCRIBER]
    checker = Signature(CHECKER, PINS[CHECKER])
    line_ids = []
    for line in chart:
        product = building.products[line.medicine]
        form = line_form(line, product.id, building.chart_start, building.zone, building.today)
        started = min(form.starts_at, building.chart_start)
        line_id = add_chart_line(session, nurse, resident_id, form)
        check_chart_line(session, checker, line_id, started)
        book_in(session, nurse, line_id, product.gtin, RECEIVED[UNIT_OF[line.medicine]], started)
        line_ids.append(line_id)
    return line_ids


def _rates(line: DemoLine) -> HistoryRates:
    """The history rates of a line that has its own."""
    rates = HistoryRates()
    if line.refuse_rate is not None:
        rates = replace(rates, refused=line.refuse_rate)
    if line.prn_per_day is not None:
        rates = replace(rates, prn_per_day=line.prn_per_day)
    return rates


def _health(
    session: Session,
    building: _Building,
    resident_id: int,
    person: DemoResident,
    lines: dict[str, int],
) -> None:
    """The resident's conditions, dated observations and monitoring plans, recorded by the
    nurse."""
    nurse = building.staff[TRANSCRIBER]
    for condition in person.conditions:
        record_condition(session, nurse, resident_id, condition, today=building.today)
    for kind, value, days_ago in person.observations:
        at = local_time(building.zone, building.today - timedelta(days=days_ago), "10:00")
        record_observation(session, nurse, resident_id, kind, value, at, now=building.now)
    for kind, every_days, medicine in person.monitoring:
        add_monitoring_plan(
            session, nurse, resident_id, kind, every_days, chart_line_id=lines[medicine]
        )


def line_form(
    line: DemoLine, medicine_id: int, chart_start: datetime, zone: ZoneInfo, today: date
) -> LineForm:
    """The transcription form for a demo chart line, as a nurse would fill it in."""
    starts_at = chart_start
    if line.started_days_ago:  # a medicine taken since before the demo chart
        starts_at = local_time(zone, today - timedelta(days=line.started_days_ago))
    if line.course_days:  # a short course started three days ago
        starts_at = local_time(zone, today - timedelta(days=3))
    if line.every_n_hours:  # patch applied at 09:00 two days ago
        starts_at = local_time(zone, today - timedelta(days=2), "09:00")
    prn = line.prn is not None
    return LineForm(
        medicine_id=medicine_id,
        dose_min=Decimal(line.dose),
        dose_max=Decimal(line.dose_max or line.dose),
        timing=line.timing,
        starts_at=starts_at,
        prescriber=PRESCRIBED_BY,
        source=PRESCRIBED_IN,
        times_of_day=line.times,
        weekdays=line.weekdays,
        every_n_hours=line.every_n_hours,
        directions=line.directions,
        course_days=line.course_days,
        dose_choice=line.dose_choice,
        prn_indication=line.prn,
        prn_min_interval_minutes=PRN_MIN_INTERVAL_MINUTES if prn else None,
        prn_max_doses_24h=PRN_MAX_DOSES_24H if prn else None,
    )
