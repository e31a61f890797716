"""Verify an intended administration (pure: reads, never writes).

Every scan or "give" goes through `verify`: right resident, right medicine, right dose, right
route, right time, not already recorded, PRN limits across shared ingredients, allergies,
line status, pack expiry and the controlled-drug witness. The rules are emar.domain.rights;
this module loads the facts they judge. Recording calls it again inside its own transaction,
so what is recorded is what was checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.domain.doses import LineFacts, ResidentFacts
from emar.domain.gtin import to_gtin14
from emar.domain.medicines.daily_maximum import checked_ingredients
from emar.domain.prn import DAY
from emar.domain.rights.daily_limits import daily_maximum_checks
from emar.domain.rights.dose import dose_checks
from emar.domain.rights.entry_time import entry_time_checks
from emar.domain.rights.giving import (
    go_ahead,
    high_risk_checks,
    needs_witness,
    scan_checks,
    witness_checks,
)
from emar.domain.rights.homely_remedy import homely_checks
from emar.domain.rights.medicine import (
    expiry_question,
    line_for_pack,
    line_status_checks,
    not_on_this_chart,
    not_the_chosen,
    nothing_chosen,
    on_another_chart,
    pack_checks,
    unknown_pack,
    unreadable_pack,
)
from emar.domain.rights.prn_limits import prn_checks
from emar.domain.rights.resident import allergy_checks, resident_checks, unknown_resident
from emar.domain.rights.route import pack_route_checks, route_checks, route_question
from emar.domain.rights.staff import role_checks
from emar.domain.rights.timing import DOSE_SEARCH, time_checks
from emar.domain.verdict import Check, Verdict
from emar.errors import ValidationError
from emar.infra.medicine_reference import load_knowledge
from emar.models import ChartLine, Medicine, Resident, Staff
from emar.services.charts.homely_remedies import protocol_facts
from emar.services.charts.packs import medicines_for_gtin
from emar.services.home import get_home
from emar.services.permissions import Action, allowed
from emar.services.round.facts import (
    load_entries,
    load_lines,
    load_residents,
    medicine_ingredients,
)
from emar.services.round.route_facts import line_form, pack_product


@dataclass(frozen=True)
class PackScan:
    """What a pack's barcode said (GS1 DataMatrix gives all four; EAN-13 only the GTIN)."""

    gtin: str
    batch: str | None = None
    expiry: date | None = None
    serial: str | None = None
    # The scan may hide its expiry (no GS, a batch or serial that could hold AI 17): the carer
    # reads it off the pack (`expiry_read`) or says the pack shows none (`expiry_not_shown`).
    expiry_uncertain: bool = False
    expiry_read: date | None = None
    expiry_not_shown: bool = False

    @property
    def expiry_answered(self) -> bool:
        return self.expiry_read is not None or self.expiry_not_shown

    @property
    def checked_expiry(self) -> date | None:
        """The expiry that is checked and stored: the scan's, or the date read off the pack."""
        return self.expiry_read if self.expiry_uncertain else self.expiry

    @property
    def stored_batch(self) -> str | None:
        """Never a batch (or serial) that may hold the expiry."""
        return None if self.expiry_uncertain else self.batch

    @property
    def stored_serial(self) -> str | None:
        return None if self.expiry_uncertain else self.serial


@dataclass(frozen=True)
class Intent:
    """Someone intends to give something to a resident, now."""

    resident_id: int
    staff_id: int
    at: datetime
    pack: PackScan | None = None
    chart_line_id: int | None = None  # chosen on screen or from a booked-in pack label
    scheduled_at: datetime | None = None  # which dose; None = the one due around `at`
    dose: Decimal | None = None  # None = the line's fixed dose
    route: str | None = None  # without a pack, the route the carer confirmed


def verify(session: Session, intent: Intent, now: datetime) -> Verdict:
    home = get_home(session)
    zone = home.zone
    staff = session.get(Staff, intent.staff_id)
    may_record = staff is not None and staff.active and allowed(staff.role, Action.ADMINISTER)
    checks = role_checks(staff.full_name if staff else None, may_record)
    checks += entry_time_checks(intent.at, now, zone)
    found = load_residents(session, resident_ids=[intent.resident_id])
    if not found:
        checks.append(unknown_resident())
        return Verdict(tuple(checks), intent.resident_id, "unknown", None, None, None, None, False)
    resident = found[0]
    checks += resident_checks(resident, intent.at)

    lines = load_lines(session, [resident.id], intent.at)
    line = _resolve_line(session, intent, resident, lines, checks)
    if line is None:
        return Verdict(tuple(checks), resident.id, resident.name, None, None, None, None, False)

    checks += line_status_checks(line)
    dose, found_in_dose = dose_checks(line, intent.dose)
    checks += found_in_dose
    checks += route_checks(line, intent.route)
    pack = intent.pack
    if pack is not None:
        product = pack_product(session, list(medicines_for_gtin(session, pack.gtin)), line)
        if product is not None:
            checks += pack_route_checks(line, line_form(session, line), product)
    elif intent.route is None:
        checks.append(route_question(line))

    times = (intent.at, intent.scheduled_at or intent.at)
    entries = load_entries(
        session, [resident.id], min(times) - DAY - DOSE_SEARCH, max(times) + DOSE_SEARCH + DAY
    )
    scheduled, window = None, None
    knowledge = load_knowledge()
    if line.is_prn:
        capped = checked_ingredients(line, knowledge)
        checks += prn_checks(line, lines, entries, intent.at, dose, zone, now, capped)
        checks += _homely_checks(session, resident.id, line, intent.at, zone)
    else:
        scheduled, window, found_in_time = time_checks(
            line, entries, home.windows, zone, intent.at, intent.scheduled_at, now
        )
        checks += found_in_time
    checks += daily_maximum_checks(
        line,
        lines,
        entries,
        intent.at,
        scheduled,
        dose,
        knowledge,
        resident.weight_kg,
        zone,
        now,
        timedelta(minutes=home.windows.minutes),
    )
    checks += allergy_checks(resident, line.medicine, line.ingredients, knowledge)
    checks += pack_checks(pack.checked_expiry if pack else None, zone, intent.at)
    if pack is not None:
        checks += expiry_question(pack.expiry_uncertain, pack.expiry_answered)
    checks += scan_checks(pack is not None)
    checks += witness_checks(line, home.witness_policy)
    checks += high_risk_checks(line)
    checks += go_ahead(checks, line, dose, resident.name)
    witness = needs_witness(line.cd_schedule, home.witness_policy)
    return Verdict(
        tuple(checks), resident.id, resident.name, line, scheduled, window, dose, witness
    )


def _homely_checks(
    session: Session, resident_id: int, line: LineFacts, at: datetime, zone: ZoneInfo
) -> list[Check]:
    """A homely remedy's protocol (emar.domain.homely_remedies), for a line an authorisation
    wrote; nothing for any other line."""
    facts = protocol_facts(session, line.id, resident_id, at)
    if facts is None:
        return []
    return homely_checks(*facts, at, at.astimezone(zone).date())


def _resolve_line(
    session: Session,
    intent: Intent,
    resident: ResidentFacts,
    lines: list[LineFacts],
    checks: list[Check],
) -> LineFacts | None:
    """The chart line meant, from the line chosen and/or the pack scanned; else None, with the
    check that says why."""
    by_id = {line.id: line for line in lines}
    if intent.pack is None:
        if intent.chart_line_id is None:
            checks.append(nothing_chosen())
            return None
        if intent.chart_line_id not in by_id:
            owner = session.execute(
                select(Resident.given_name, Resident.family_name)
                .join(ChartLine, ChartLine.resident_id == Resident.id)
                .where(ChartLine.id == intent.chart_line_id)
            ).first()
            checks.append(
                on_another_chart(f"{owner[0]} {owner[1]}" if owner else None, resident.name)
            )
            return None
        return by_id[intent.chart_line_id]

    try:
        medicines = medicines_for_gtin(session, intent.pack.gtin)
    except ValidationError as exc:
        checks.append(unreadable_pack(str(exc)))
        return None
    if not medicines:
        checks.append(unknown_pack(to_gtin14(intent.pack.gtin)))
        return None
    pack_medicine = next(iter(medicines.values()))
    if intent.chart_line_id is not None:
        chosen = by_id.get(intent.chart_line_id)
        if chosen is None or chosen.medicine_id not in medicines:
            checks.append(not_the_chosen(pack_medicine, chosen))
            return None
        return chosen
    line = line_for_pack([line for line in lines if line.medicine_id in medicines])
    if line is None:
        # On no line of theirs, yet an allergy still comes first: "not on the chart" alone
        # would leave it to the carer to wonder why.
        ingredients = medicine_ingredients(session, medicines)
        checks += allergy_checks(resident, pack_medicine, ingredients, load_knowledge())
        checks.append(
            not_on_this_chart(
                pack_medicine, _other_holders(session, medicines, resident), resident.name
            )
        )
    return line


def _other_holders(
    session: Session, medicines: dict[int, str], resident: ResidentFacts
) -> list[tuple[str, str]]:
    """(resident, medicine as on their chart) for the other residents whose chart holds one of
    `medicines`, in the database's order."""
    rows = session.execute(
        select(Resident.given_name, Resident.family_name, Medicine.name, Medicine.strength)
        .join(ChartLine, ChartLine.resident_id == Resident.id)
        .join(Medicine, ChartLine.medicine_id == Medicine.id)
        .where(
            ChartLine.medicine_id.in_(list(medicines)),
            Resident.status == "resident",
            Resident.id != resident.id,
        )
        .distinct()
    ).all()
    return [(f"{g} {f}", f"{name} {strength or ''}".strip()) for g, f, name, strength in rows]
