"""Verify an intended administration (pure: reads, never writes).

Every scan or "give" goes through `verify`: right resident, right medicine, right dose, right
route, right time, not already recorded, PRN limits across shared ingredients, allergies,
line status, pack expiry and the controlled-drug witness. Recording calls it again inside its
own transaction, so what is recorded is what was checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.domain.clock_text import clock, minutes_text
from emar.domain.doses import EntryFacts, LineFacts, ResidentFacts
from emar.domain.gtin import to_gtin14
from emar.domain.line_periods import ACTIVE
from emar.domain.mar_entries import dose_entries, given_entries
from emar.domain.prn import DAY, check_prn
from emar.domain.schedule import line_instants
from emar.domain.verdict import Check, CheckCode, Severity, Verdict
from emar.domain.windows import Window, next_opening, overdue_until, window_minutes
from emar.domain.wording import dose_text, format_amount, unit_text
from emar.errors import ValidationError
from emar.models import ChartLine, Medicine, MedicineGtin, Resident, Staff
from emar.services.home import HomeSettings, get_home
from emar.services.permissions import Action, allowed
from emar.services.round.facts import load_entries, load_lines, load_residents

FUTURE_TOLERANCE = timedelta(minutes=1)  # an administration time in the future is refused
DOSE_SEARCH = timedelta(hours=12)
# An entry made this long after the administration it records is a late entry: it needs a
# reason and is flagged. Older than LATE_ENTRY_LIMIT it is not taken at all.
RECORDED_LATE_AFTER = timedelta(minutes=5)
LATE_ENTRY_LIMIT = timedelta(days=7)


@dataclass(frozen=True)
class PackScan:
    """What a pack's barcode said (GS1 DataMatrix gives all four; EAN-13 only the GTIN)."""

    gtin: str
    batch: str | None = None
    expiry: date | None = None
    serial: str | None = None


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
    route: str | None = None


def block(code: CheckCode, message: str) -> Check:
    return Check(code, Severity.BLOCK, message)


def warn(code: CheckCode, message: str) -> Check:
    return Check(code, Severity.WARN, message)


def verify(session: Session, intent: Intent, now: datetime) -> Verdict:
    home = get_home(session)
    checks: list[Check] = []
    staff = session.get(Staff, intent.staff_id)
    if staff is None or not staff.active or not allowed(staff.role, Action.ADMINISTER):
        who = staff.full_name if staff else "This user"
        checks.append(block(CheckCode.ROLE, f"{who} may not record administrations."))
    if intent.at > now + FUTURE_TOLERANCE:
        checks.append(
            block(
                CheckCode.TIME_INVALID,
                f"The time {clock(intent.at, home.zone, now)} is in the future.",
            )
        )
    if intent.at < now - LATE_ENTRY_LIMIT:
        checks.append(
            block(
                CheckCode.TIME_INVALID,
                "That time is more than 7 days ago: a manager can add a note to the MAR, "
                "but not a dose.",
            )
        )
    elif intent.at < now - RECORDED_LATE_AFTER:
        checks.append(
            warn(
                CheckCode.LATE_ENTRY,
                f"Late entry: given at {clock(intent.at, home.zone, now)}, recorded now. "
                "Say why it is recorded late (flagged for review).",
            )
        )
    found = load_residents(session, resident_ids=[intent.resident_id])
    if not found:
        checks.append(block(CheckCode.RESIDENT, "Unknown resident: scan their label again."))
        return Verdict(tuple(checks), intent.resident_id, "unknown", None, None, None, None, False)
    resident = found[0]
    if resident.status != "resident":
        checks.append(block(CheckCode.RESIDENT, f"{resident.name} is {resident.status}."))
    away = resident.away_at(intent.at)
    if away:
        checks.append(block(CheckCode.ABSENT, f"{resident.name} is recorded as in {away}."))

    lines = load_lines(session, [resident.id], intent.at)
    line = _resolve_line(session, intent, resident, lines, checks)
    if line is None:
        return Verdict(tuple(checks), resident.id, resident.name, None, None, None, None, False)

    if line.status != ACTIVE:
        reason = f": {line.status_reason}" if line.status_reason else ""
        checks.append(
            block(CheckCode.LINE_STATUS, f"{line.medicine} is {line.status}{reason}. Do not give.")
        )
    dose = _check_dose(intent, line, checks)
    if intent.route and intent.route.strip().lower() != line.route.lower():
        checks.append(
            block(
                CheckCode.ROUTE, f"{line.medicine} is prescribed {line.route}, not {intent.route}."
            )
        )

    times = (intent.at, intent.scheduled_at or intent.at)
    entries = load_entries(
        session, [resident.id], min(times) - DAY - DOSE_SEARCH, max(times) + DOSE_SEARCH + DAY
    )
    scheduled, window = None, None
    if line.is_prn:
        _check_prn(line, lines, entries, intent.at, dose, home.zone, now, checks)
    else:
        scheduled, window = _check_time(home, line, entries, intent, now, checks)
    _check_allergies(resident, line, checks)
    _check_pack(intent.pack, home.zone, intent.at, checks)
    if intent.pack is None:
        checks.append(
            warn(
                CheckCode.NO_SCAN, "No pack scanned: say why (for example, no barcode on the pack)."
            )
        )
    if line.controlled:
        checks.append(
            warn(
                CheckCode.WITNESS,
                "Controlled drug: a second member of staff must witness with their PIN.",
            )
        )
    if line.high_risk:
        checks.append(
            Check(
                CheckCode.HIGH_RISK,
                Severity.OK,
                f"High-risk medicine: double-check the dose of {line.medicine}.",
            )
        )
    if not any(c.severity == Severity.BLOCK for c in checks):
        amount = dose_text(dose, dose, line.dose_unit) if dose is not None else "?"
        checks.append(
            Check(
                CheckCode.RIGHTS,
                Severity.OK,
                f"Give {amount} of {line.medicine} {line.route} to {resident.name}.",
            )
        )
    return Verdict(
        tuple(checks), resident.id, resident.name, line, scheduled, window, dose, line.controlled
    )


def _resolve_line(
    session: Session,
    intent: Intent,
    resident: ResidentFacts,
    lines: list[LineFacts],
    checks: list[Check],
) -> LineFacts | None:
    by_id = {line.id: line for line in lines}
    if intent.pack is None:
        if intent.chart_line_id is None:
            checks.append(block(CheckCode.NOT_ON_CHART, "Scan the pack or choose the medicine."))
            return None
        if intent.chart_line_id not in by_id:
            owner = session.execute(
                select(Resident.given_name, Resident.family_name)
                .join(ChartLine, ChartLine.resident_id == Resident.id)
                .where(ChartLine.id == intent.chart_line_id)
            ).first()
            whose = f"{owner[0]} {owner[1]}'s" if owner else "another"
            checks.append(
                block(
                    CheckCode.WRONG_RESIDENT,
                    f"That medicine is on {whose} chart, not {resident.name}'s.",
                )
            )
            return None
        return by_id[intent.chart_line_id]

    try:
        gtin = to_gtin14(intent.pack.gtin)
    except ValidationError as exc:
        checks.append(block(CheckCode.UNKNOWN_PACK, f"Unreadable pack barcode: {exc}"))
        return None
    medicines = dict(
        session.execute(
            select(Medicine.id, Medicine.name)
            .join(MedicineGtin, MedicineGtin.medicine_id == Medicine.id)
            .where(MedicineGtin.gtin == gtin)
        ).all()
    )
    if not medicines:
        checks.append(
            block(
                CheckCode.UNKNOWN_PACK,
                f"Unknown pack (barcode {gtin}): it is not in the medicine catalogue.",
            )
        )
        return None
    candidates = [line for line in lines if line.medicine_id in medicines]
    if intent.chart_line_id is not None:
        chosen = by_id.get(intent.chart_line_id)
        if chosen is None or chosen.medicine_id not in medicines:
            picked = chosen.medicine if chosen else "the chosen medicine"
            checks.append(
                block(
                    CheckCode.NOT_ON_CHART,
                    f"This pack is {next(iter(medicines.values()))}, not {picked}.",
                )
            )
            return None
        return chosen
    if not candidates:
        checks.append(block(*_wrong_resident(session, medicines, resident)))
        return None
    # Prefer an active regular line, then an active PRN line, then anything (to say why not).
    candidates.sort(key=lambda ln: (ln.status != ACTIVE, ln.is_prn, ln.id))
    return candidates[0]


def _wrong_resident(
    session: Session, medicines: dict[int, str], resident: ResidentFacts
) -> tuple[CheckCode, str]:
    owners = session.execute(
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
    if owners:
        med = f"{owners[0][2]} {owners[0][3] or ''}".strip()
        names = sorted({f"{g} {f}" for g, f, _, _ in owners})
        shown = ", ".join(names[:3]) + (" and others" if len(names) > 3 else "")
        return CheckCode.WRONG_RESIDENT, f"This is {med} for {shown}, not for {resident.name}."
    med = next(iter(medicines.values()))
    return CheckCode.NOT_ON_CHART, f"{med} is not on {resident.name}'s chart."


def _check_dose(intent: Intent, line: LineFacts, checks: list[Check]) -> Decimal | None:
    dose = intent.dose
    if dose is None:
        if line.dose_min != line.dose_max:
            checks.append(
                block(
                    CheckCode.DOSE_CHOICE,
                    f"Which dose? {line.medicine}, "
                    f"{dose_text(line.dose_min, line.dose_max, line.dose_unit)}: choose below.",
                )
            )
            return None
        return line.dose_min
    if not line.dose_min <= dose <= line.dose_max:
        prescribed = dose_text(line.dose_min, line.dose_max, line.dose_unit)
        checks.append(
            block(
                CheckCode.DOSE,
                f"{format_amount(dose)} {unit_text(line.dose_unit, dose)} is outside "
                f"the prescribed {prescribed}.",
            )
        )
    return dose


def _check_time(
    home: HomeSettings,
    line: LineFacts,
    entries: list[EntryFacts],
    intent: Intent,
    now: datetime,
    checks: list[Check],
) -> tuple[datetime | None, Window | None]:
    zone = home.zone
    minutes = window_minutes(home.windows, line)
    around = intent.scheduled_at or intent.at
    instants = line_instants(line, zone, around - DOSE_SEARCH, around + DOSE_SEARCH)
    recorded = dose_entries(entries)
    if intent.scheduled_at is not None:
        if intent.scheduled_at not in instants:
            checks.append(
                block(
                    CheckCode.NO_DOSE_DUE,
                    f"No dose of {line.medicine} is scheduled at "
                    f"{clock(intent.scheduled_at, zone, now)}.",
                )
            )
            return None, None
        scheduled = intent.scheduled_at
    else:
        picked = _pick_dose(instants, recorded, line.id, intent.at, minutes)
        if picked is None:
            upcoming = [t for t in instants if t > intent.at]
            when = f"; next at {clock(upcoming[0], zone, now)}" if upcoming else ""
            checks.append(
                block(CheckCode.NO_DOSE_DUE, f"No dose of {line.medicine} is due now{when}.")
            )
            return None, None
        scheduled = picked
    window = Window.around(scheduled, minutes)
    index = instants.index(scheduled)
    missed_from = overdue_until(window, scheduled, next_opening(instants, index, minutes))
    if now >= missed_from and intent.at >= now - RECORDED_LATE_AFTER:
        checks.append(
            warn(
                CheckCode.LATE_ENTRY,
                f"Late entry: the {clock(scheduled, zone, now)} dose was missed. "
                "Say why it is recorded only now (flagged for review).",
            )
        )
    entry = recorded.get((line.id, scheduled))
    if entry is not None:
        what = "given" if entry.is_given else f"recorded as not given ({entry.code})"
        checks.append(
            block(
                CheckCode.ALREADY,
                f"Already {what} by {entry.staff_name} at "
                f"{clock(entry.administered_at, zone, now)}.",
            )
        )
    due = clock(scheduled, zone, now)
    if intent.at < window.opens:
        checks.append(
            block(
                CheckCode.EARLY,
                f"Too early: {line.medicine} is due at {due}; the window opens in "
                f"{minutes_text(window.opens - intent.at)}.",
            )
        )
    elif intent.at > window.closes:
        lateness = minutes_text(intent.at - window.closes)
        urgent = " TIME-CRITICAL: tell the nurse in charge." if line.time_critical else ""
        checks.append(
            warn(CheckCode.LATE, f"Late: due at {due}, {lateness} after the window.{urgent}")
        )
    return scheduled, window


def _pick_dose(
    instants: list[datetime],
    recorded: dict[tuple[int, datetime], EntryFacts],
    line_id: int,
    at: datetime,
    minutes: int,
) -> datetime | None:
    """The dose meant: one whose window holds `at`, else the latest unrecorded one before it,
    else the next one (which the time check will call early)."""
    half = timedelta(minutes=minutes)
    open_doses = [t for t in instants if (line_id, t) not in recorded]
    in_window = [t for t in open_doses if t - half <= at <= t + half]
    if in_window:
        return min(in_window, key=lambda t: abs(t - at))
    in_window_recorded = [t for t in instants if t - half <= at <= t + half]
    if in_window_recorded:  # the current dose is already recorded: say so
        return in_window_recorded[0]
    before = [t for t in open_doses if t < at]
    if before:
        return before[-1]
    after = [t for t in open_doses if t > at]
    return after[0] if after else None


def _check_prn(
    line: LineFacts,
    lines: list[LineFacts],
    entries: list[EntryFacts],
    at: datetime,
    dose: Decimal | None,
    zone: ZoneInfo,
    now: datetime,
    checks: list[Check],
) -> None:
    result = check_prn(line, lines, given_entries(entries), at, dose or line.dose_min)
    for b in result.blocks:
        until = clock(b.until, zone, now)
        if b.kind == "interval" and result.last_given is not None:
            last = result.last_given
            checks.append(
                block(
                    CheckCode.PRN_INTERVAL,
                    f"Too soon: {result.last_medicine} was given at "
                    f"{clock(last.administered_at, zone, now)} by {last.staff_name}; "
                    f"next {line.medicine} allowed at {until}.",
                )
            )
        elif b.kind == "count":
            checks.append(
                block(
                    CheckCode.PRN_MAXIMUM,
                    f"Limit reached: {line.prn_max_24h} of {line.prn_max_24h} doses "
                    f"of {line.medicine} in 24 hours already; next allowed at {until}.",
                )
            )
        elif b.kind == "ingredient":
            checks.append(
                block(
                    CheckCode.PRN_MAXIMUM,
                    f"{(b.ingredient or '').capitalize()} limit: "
                    f"{format_amount(b.given or Decimal(0))} {b.unit} already given in "
                    f"24 hours (maximum {format_amount(b.ceiling or Decimal(0))} "
                    f"{b.unit}); next allowed at {until}.",
                )
            )


def _norm(word: str) -> str:
    word = word.strip().lower()
    return word[:-1] if word.endswith("s") else word


def _check_allergies(resident: ResidentFacts, line: LineFacts, checks: list[Check]) -> None:
    names = {_norm(line.medicine.split()[0])}
    for ing in line.ingredients:
        names.add(_norm(ing.name))
        if ing.allergen_group:
            names.add(_norm(ing.allergen_group))
    for allergy in resident.allergies:
        if _norm(allergy) in names or any(_norm(allergy) in n for n in names):
            checks.append(
                block(
                    CheckCode.ALLERGY,
                    f"ALLERGY: {resident.name} is allergic to {allergy}; "
                    f"{line.medicine} matches it.",
                )
            )


def _check_pack(pack: PackScan | None, zone: ZoneInfo, at: datetime, checks: list[Check]) -> None:
    if pack is None or pack.expiry is None:
        return
    today = at.astimezone(zone).date()
    if pack.expiry < today:
        checks.append(
            block(
                CheckCode.EXPIRED, f"This pack expired on {pack.expiry:%d %b %Y}: use another pack."
            )
        )
    elif pack.expiry == today:
        checks.append(warn(CheckCode.EXPIRED, "This pack expires today."))
