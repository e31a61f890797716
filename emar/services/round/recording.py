"""Record administrations: each call is the body of one write transaction.

The caller commits (Database.write) before telling anyone "recorded". Nothing here updates or
deletes: a correction is a new entry that supersedes the old one. Two PCs recording the same
dose: PostgreSQL serialises on the resident's row lock, SQLite on its write lock, and the unique
index on (chart line, scheduled time) is the last word either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from emar.domain.clock_text import clock
from emar.domain.codes import ENTERED_IN_ERROR
from emar.domain.mar_entries import given_entries
from emar.domain.prn import DAY, check_prn
from emar.domain.text_rules import NOTE, clean_text
from emar.domain.verdict import CheckCode, Verdict
from emar.errors import EmarError, ValidationError
from emar.models import (
    Administration,
    ChartLine,
    NotGivenCode,
    PrnOutcome,
    Resident,
    Staff,
    StockMovement,
)
from emar.models.administration import PRN_EFFECTS
from emar.services.audit import record_event, row_digest
from emar.services.home import get_home
from emar.services.permissions import Action, require
from emar.services.round.facts import load_entries, load_lines
from emar.services.round.verification import Intent, verify
from emar.services.staff.signing import check_pin_signature, who_for_username


class Blocked(EmarError):
    """The verdict stops this administration; nothing was recorded."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(verdict.headline)
        self.verdict = verdict


class AlreadyRecorded(EmarError):
    """Another entry for this dose got there first (another PC, or a double tap)."""


@dataclass(frozen=True)
class Signature:
    """A second person signing with their username and PIN: a witness, or a senior
    overriding a block (checked, throttled and audited by emar.services.staff.signing)."""

    username: str
    pin: str


@dataclass(frozen=True)
class Override:
    by: Signature
    reason: str


@dataclass(frozen=True)
class Recorded:
    administration_id: int
    message: str
    verdict: Verdict | None = None


def _signer(
    session: Session, signature: Signature, action: Action, meaning: str, now: datetime
) -> Staff:
    return check_pin_signature(session, signature.username, signature.pin, action, meaning, now)


def _late_reason(verdict: Verdict, reason: str | None) -> str | None:
    """A late entry's reason (required), or None for an entry made on time."""
    if not verdict.has(CheckCode.LATE_ENTRY):
        return None
    if not (reason or "").strip():
        raise ValidationError("This is a late entry: say why it is recorded late.")
    return (reason or "").strip()


def _lock_resident(session: Session, resident_id: int) -> None:
    """Serialise recordings for one resident (PRN limits span lines). SQLite's write transaction
    is already exclusive; PostgreSQL takes the resident's row lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Resident.id).where(Resident.id == resident_id).with_for_update())


def _insert(session: Session, entry: Administration) -> Administration:
    """Insert under a savepoint so a lost race can still be reported by name."""
    try:
        with session.begin_nested():
            session.add(entry)
            session.flush()
    except IntegrityError:
        raise AlreadyRecorded(_who_recorded(session, entry)) from None
    return entry


def _who_recorded(session: Session, entry: Administration) -> str:
    row = session.execute(
        select(
            Administration.outcome,
            Administration.not_given_code,
            Staff.full_name,
            Administration.administered_at,
        )
        .join(Staff, Administration.staff_id == Staff.id)
        .where(
            Administration.chart_line_id == entry.chart_line_id,
            Administration.scheduled_at == entry.scheduled_at,
            Administration.supersedes_id.is_(None),
        )
    ).first()
    if row is None:
        return "This dose was recorded at the same moment elsewhere; refresh and check."
    zone = get_home(session).zone
    what = "given" if row.outcome == "given" else f"recorded as not given ({row.not_given_code})"
    return f"Already {what} by {row.full_name} at {clock(row.administered_at, zone)}."


def _void_to_supersede(session: Session, line_id: int, scheduled: datetime | None) -> int | None:
    """If this dose's current entry was voided ("entered in error"), a new entry supersedes it."""
    if scheduled is None:
        return None
    chain = session.execute(
        select(
            Administration.id, Administration.not_given_code, Administration.supersedes_id
        ).where(Administration.chart_line_id == line_id, Administration.scheduled_at == scheduled)
    ).all()
    superseded = {r.supersedes_id for r in chain}
    current = [r for r in chain if r.id not in superseded]
    if current and current[-1].not_given_code == ENTERED_IN_ERROR:
        return int(current[-1].id)
    return None


def record_given(
    session: Session,
    intent: Intent,
    now: datetime,
    *,
    witness: Signature | None = None,
    override: Override | None = None,
    no_scan_reason: str | None = None,
    site: str | None = None,
    prn_reason: str | None = None,
    note: str | None = None,
    late_entry_reason: str | None = None,
) -> Recorded:
    staff = require(session, intent.staff_id, Action.ADMINISTER)
    prn_reason = clean_text(prn_reason, "PRN reason")
    no_scan_reason = clean_text(no_scan_reason, "Why no barcode was scanned")
    site = clean_text(site, "Site", limit=100)
    note = clean_text(note, "Note", limit=NOTE, lines=True)
    late_entry_reason = clean_text(late_entry_reason, "Why it is recorded late")
    if override is not None:
        override = Override(override.by, clean_text(override.reason, "Override reason") or "")
    _lock_resident(session, intent.resident_id)
    verdict = verify(session, intent, now)
    line = verdict.line
    senior: Staff | None = None
    if verdict.blocked:
        if override is None or not verdict.overridable:
            raise Blocked(verdict)
        if not override.reason.strip():
            raise ValidationError("An override needs a reason.")
        senior = _signer(session, override.by, Action.OVERRIDE, "Override", now)
    assert line is not None and verdict.dose is not None
    if line.is_prn and not (prn_reason or "").strip():
        raise ValidationError(f"Say why {line.medicine} is needed now (PRN reason).")
    if intent.pack is None and not (no_scan_reason or "").strip():
        raise ValidationError("No pack was scanned: give the reason.")
    late = _late_reason(verdict, late_entry_reason)
    witness_staff = None
    if verdict.needs_witness:
        if witness is None:
            raise ValidationError("Controlled drug: a witness must sign with their PIN.")
        if who_for_username(witness.username) == staff.username:
            raise ValidationError("The witness must be a different member of staff.")
        witness_staff = _signer(session, witness, Action.WITNESS, "Witness", now)
    pack = intent.pack
    supersedes = _void_to_supersede(session, line.id, verdict.scheduled_at)
    entry = _insert(
        session,
        Administration(
            chart_line_id=line.id,
            scheduled_at=verdict.scheduled_at,
            outcome="given",
            dose_given=verdict.dose,
            administered_at=intent.at,
            recorded_at=now,
            staff_id=staff.id,
            witness_id=witness_staff.id if witness_staff else None,
            gtin=pack.gtin if pack else None,
            batch=pack.batch if pack else None,
            expiry=pack.expiry if pack else None,
            serial=pack.serial if pack else None,
            no_scan_reason=no_scan_reason if pack is None else None,
            site=site,
            prn_reason=prn_reason,
            note=note,
            override_reason=override.reason.strip() if verdict.blocked and override else None,
            override_by_id=senior.id if senior is not None else None,
            supersedes_id=supersedes,
            correction_reason="Given after an entry made in error" if supersedes else None,
            late_entry_reason=late,
        ),
    )
    session.add(
        StockMovement(
            resident_id=intent.resident_id,
            medicine_id=line.medicine_id,
            chart_line_id=line.id,
            administration_id=entry.id,
            kind="administered",
            quantity=-verdict.dose,
            gtin=pack.gtin if pack else None,
            batch=pack.batch if pack else None,
            expiry=pack.expiry if pack else None,
            staff_id=staff.id,
            witness_id=entry.witness_id,
            occurred_at=intent.at,
        )
    )
    record_event(
        session,
        "administration.given",
        staff_id=staff.id,
        entity="administration",
        entity_id=entry.id,
        detail={
            "chart_line_id": line.id,
            "resident_id": intent.resident_id,
            "digest": row_digest(entry),
            "dose": str(verdict.dose),
            "witness_id": entry.witness_id,
            "override": [c.code.value for c in verdict.blocks] if entry.override_reason else None,
            "late_entry": bool(late),
        },
    )
    flag = " (override flagged for review)" if entry.override_reason else ""
    flag += " (late entry flagged for review)" if late else ""
    return Recorded(
        entry.id, f"Recorded: {verdict.resident_name} given {line.medicine}{flag}.", verdict
    )


def record_not_given(
    session: Session,
    *,
    resident_id: int,
    chart_line_id: int,
    staff_id: int,
    code: str,
    now: datetime,
    scheduled_at: datetime | None = None,
    note: str | None = None,
    late_entry_reason: str | None = None,
) -> Recorded:
    """A dose not given: a code always, a note when the code needs one. For a PRN line this is
    "offered, not needed" and has no scheduled time. A missed dose filled in afterwards is a
    late entry: it needs the reason it is recorded late."""
    staff = require(session, staff_id, Action.ADMINISTER)
    note = clean_text(note, "Note", limit=NOTE, lines=True)
    late_entry_reason = clean_text(late_entry_reason, "Why it is recorded late")
    code_row = session.get(NotGivenCode, code)
    if code_row is None or not code_row.active:
        raise ValidationError(f"{code!r} is not a not-given code.")
    if code_row.note_required and not (note or "").strip():
        raise ValidationError(f"Code {code} ({code_row.label}) needs a note.")
    lines = {ln.id: ln for ln in load_lines(session, [resident_id], now)}
    line = lines.get(chart_line_id)
    if line is None:
        raise ValidationError("That medicine is not on this resident's chart.")
    _lock_resident(session, resident_id)
    if not line.is_prn:
        if scheduled_at is None:
            raise ValidationError("Say which dose was not given.")
        intent = Intent(
            resident_id,
            staff_id,
            now,
            chart_line_id=chart_line_id,
            scheduled_at=scheduled_at,
            dose=line.dose_min,
        )
        verdict = verify(session, intent, now)
        stops = [
            c
            for c in verdict.blocks
            if c.code in (CheckCode.ALREADY, CheckCode.NO_DOSE_DUE, CheckCode.WRONG_RESIDENT)
        ]
        if stops:
            raise Blocked(verdict)
        late = _late_reason(verdict, late_entry_reason)
    else:
        late = None
    supersedes = _void_to_supersede(session, line.id, scheduled_at)
    entry = _insert(
        session,
        Administration(
            chart_line_id=line.id,
            scheduled_at=None if line.is_prn else scheduled_at,
            outcome="not_given",
            not_given_code=code,
            administered_at=now,
            recorded_at=now,
            staff_id=staff.id,
            note=note,
            supersedes_id=supersedes,
            correction_reason="Recorded after an entry made in error" if supersedes else None,
            late_entry_reason=late,
        ),
    )
    record_event(
        session,
        "administration.not_given",
        staff_id=staff.id,
        entity="administration",
        entity_id=entry.id,
        detail={"chart_line_id": line.id, "code": code, "digest": row_digest(entry)},
    )
    return Recorded(entry.id, f"Recorded: {line.medicine} not given ({code} {code_row.label}).")


def record_prn_outcome(
    session: Session,
    *,
    administration_id: int,
    staff_id: int,
    effect: str,
    note: str | None,
    now: datetime,
) -> Recorded:
    staff = require(session, staff_id, Action.ADMINISTER)
    note = clean_text(note, "Note", limit=NOTE, lines=True)
    if effect not in PRN_EFFECTS:
        raise ValidationError(f"Outcome must be one of: {', '.join(PRN_EFFECTS)}.")
    entry = session.get(Administration, administration_id)
    if entry is None or entry.scheduled_at is not None or entry.outcome != "given":
        raise ValidationError("That entry is not a PRN dose that was given.")
    outcome = PrnOutcome(
        administration_id=entry.id, effect=effect, note=note, staff_id=staff.id, recorded_at=now
    )
    session.add(outcome)
    session.flush()
    record_event(
        session,
        "prn.outcome",
        staff_id=staff.id,
        entity="administration",
        entity_id=entry.id,
        detail={"effect": effect},
    )
    return Recorded(entry.id, f"PRN outcome recorded: {effect.replace('_', ' ')}.")


def correct_entry(
    session: Session,
    *,
    administration_id: int,
    staff_id: int,
    reason: str,
    now: datetime,
    outcome: str,
    code: str | None = None,
    dose_given: Decimal | None = None,
    note: str | None = None,
) -> Recorded:
    """A new entry superseding the current one, with who, when and why; stock follows."""
    staff = require(session, staff_id, Action.CORRECT)
    if not reason.strip():
        raise ValidationError("A correction needs a reason.")
    old = session.get(Administration, administration_id)
    if old is None:
        raise ValidationError("No such entry.")
    if (
        session.scalar(
            select(Administration.id).where(Administration.supersedes_id == administration_id)
        )
        is not None
    ):
        raise ValidationError("That entry has already been corrected: correct the latest one.")
    if outcome not in ("given", "not_given"):
        raise ValidationError(f"{outcome!r} is not an outcome: it is given or not given.")
    if outcome == "given" and (dose_given is None or dose_given <= 0):
        raise ValidationError("Say what dose was given.")
    if outcome == "not_given" and not code:
        raise ValidationError("A not-given entry needs a code.")
    if outcome == "not_given" and code != ENTERED_IN_ERROR:
        code_row = session.get(NotGivenCode, code)
        if code_row is None or not code_row.active:
            raise ValidationError(f"{code!r} is not a not-given code.")
    if outcome == "given" and dose_given is not None:
        line = session.get(ChartLine, old.chart_line_id)
        if line is not None and not line.dose_min <= dose_given <= line.dose_max:
            raise ValidationError(
                f"{dose_given.normalize():f} is outside the dose prescribed on that line "
                f"({line.dose_min.normalize():f}-{line.dose_max.normalize():f})."
            )
    reason = clean_text(reason, "Reason") or ""
    note = clean_text(note, "Note", limit=NOTE, lines=True)
    if outcome == "given" and dose_given is not None:
        _correction_within_prn_limits(session, old, dose_given)
    new = _insert(
        session,
        Administration(
            chart_line_id=old.chart_line_id,
            scheduled_at=old.scheduled_at,
            outcome=outcome,
            not_given_code=code if outcome == "not_given" else None,
            dose_given=dose_given if outcome == "given" else None,
            administered_at=old.administered_at,
            recorded_at=now,
            staff_id=staff.id,
            witness_id=old.witness_id if outcome == "given" else None,
            gtin=old.gtin,
            batch=old.batch,
            expiry=old.expiry,
            serial=old.serial,
            site=old.site,
            prn_reason=old.prn_reason,
            note=note,
            supersedes_id=old.id,
            correction_reason=reason.strip(),
        ),
    )
    old_dose = old.dose_given if old.outcome == "given" and old.dose_given else Decimal(0)
    new_dose = dose_given if outcome == "given" and dose_given else Decimal(0)
    if new_dose != old_dose:
        resident_id, medicine_id = _line_owner(session, old.chart_line_id)
        session.add(
            StockMovement(
                resident_id=resident_id,
                medicine_id=medicine_id,
                chart_line_id=old.chart_line_id,
                administration_id=new.id,
                kind="administered",
                quantity=old_dose - new_dose,
                staff_id=staff.id,
                occurred_at=now,
                reason=reason.strip(),
            )
        )
    record_event(
        session,
        "administration.corrected",
        staff_id=staff.id,
        entity="administration",
        entity_id=new.id,
        detail={
            "supersedes": old.id,
            "reason": reason.strip(),
            "outcome": outcome,
            "digest": row_digest(new),
        },
    )
    return Recorded(new.id, "Correction recorded; the original entry is kept.")


def _correction_within_prn_limits(
    session: Session, old: Administration, dose_given: Decimal
) -> None:
    """A correction that makes a PRN dose "given" (or larger) is held to the PRN limits as a
    dose given then would be: it cannot be the way round them."""
    resident_id, _ = _line_owner(session, old.chart_line_id)
    _lock_resident(session, resident_id)
    at = old.administered_at
    lines = load_lines(session, [resident_id], at)
    line = next((ln for ln in lines if ln.id == old.chart_line_id), None)
    if line is None or not line.is_prn:
        return
    entries = load_entries(session, [resident_id], at - 2 * DAY, at + 2 * DAY)
    others = [e for e in given_entries(entries) if e.id != old.id]
    result = check_prn(line, lines, others, at, dose_given)
    if not result.allowed:
        kinds = ", ".join(sorted({b.kind for b in result.blocks}))
        raise ValidationError(
            f"That correction would break {line.medicine}'s PRN limits ({kinds}): it was not "
            "saved. If the dose really was given, say so with a senior and report it."
        )


def _line_owner(session: Session, chart_line_id: int) -> tuple[int, int]:
    row = session.execute(
        select(ChartLine.resident_id, ChartLine.medicine_id).where(ChartLine.id == chart_line_id)
    ).one()
    return int(row.resident_id), int(row.medicine_id)


def not_given_codes(session: Session) -> list[tuple[str, str, bool]]:
    """The codes offered when a dose is not given: (code, label, note required)."""
    rows = session.execute(
        select(NotGivenCode.code, NotGivenCode.label, NotGivenCode.note_required)
        .where(NotGivenCode.active)
        .order_by(NotGivenCode.sort_order)
    ).all()
    return [(code, label, bool(note)) for code, label, note in rows]


SITE_ROUTES = ("transdermal", "topical", "subcutaneous", "intramuscular")


def last_site(session: Session, chart_line_id: int) -> tuple[str, datetime] | None:
    """Where this line was last given (patches and injections rotate sites)."""
    row = session.execute(
        select(Administration.site, Administration.administered_at)
        .where(
            Administration.chart_line_id == chart_line_id,
            Administration.site.is_not(None),
            Administration.outcome == "given",
        )
        .order_by(Administration.administered_at.desc())
        .limit(1)
    ).first()
    return (row.site, row.administered_at) if row else None
