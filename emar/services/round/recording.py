"""Record administrations: each call is the body of one write transaction.

The caller commits (Database.write) before telling anyone "recorded". Nothing here updates or
deletes: a correction is a new entry that supersedes the old one. Two PCs recording the same
dose: PostgreSQL serialises on the resident's row lock, SQLite on its write lock, and the unique
index on (chart line, scheduled time) is the last word either way.

This module records a dose given and is the one entry point for recording: a dose not given
(round.not_given), a PRN outcome (round.prn_outcome) and corrections (round.corrections) are
recorded by their own modules and importable from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.domain.codes import Outcome
from emar.domain.text_rules import NOTE, clean_text
from emar.errors import ValidationError
from emar.models import Administration, Staff, StockMovement
from emar.services.audit import record_event
from emar.services.audit.digests import row_digest
from emar.services.charts.homely_remedies import homely_line
from emar.services.charts.homely_remedies import record_given as take_homely_stock
from emar.services.permissions import Action, require
from emar.services.round.corrections import correct_entry
from emar.services.round.mar_entry import (
    AlreadyRecorded,
    Blocked,
    Recorded,
    insert_entry,
    late_reason,
    lock_resident,
    voided_entry,
)
from emar.services.round.not_given import not_given_codes, record_not_given
from emar.services.round.prn_outcome import record_prn_outcome
from emar.services.round.verification import Intent, verify
from emar.services.staff.signing import Signature, countersign

__all__ = [
    "AlreadyRecorded",
    "Blocked",
    "Override",
    "Recorded",
    "correct_entry",
    "last_site",
    "not_given_codes",
    "record_given",
    "record_not_given",
    "record_prn_outcome",
]


@dataclass(frozen=True)
class Override:
    by: Signature
    reason: str


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
    lock_resident(session, intent.resident_id)
    verdict = verify(session, intent, now)
    line = verdict.line
    senior: Staff | None = None
    if verdict.blocked:
        if override is None or not verdict.overridable:
            raise Blocked(verdict)
        if not override.reason.strip():
            raise ValidationError("An override needs a reason.")
        senior = countersign(session, override.by, Action.OVERRIDE, "Override", now)
    assert line is not None and verdict.dose is not None
    if line.is_prn and not (prn_reason or "").strip():
        raise ValidationError(f"Say why {line.medicine} is needed now (PRN reason).")
    if intent.pack is None and not (no_scan_reason or "").strip():
        raise ValidationError("No pack was scanned: give the reason.")
    late = late_reason(verdict, late_entry_reason)
    witness_staff = None
    if verdict.needs_witness:  # by CD schedule and the home's policy, as the verdict said
        if witness is None:
            raise ValidationError("Controlled drug: a witness must sign with their PIN.")
        witness_staff = countersign(
            session,
            witness,
            Action.WITNESS,
            "Witness",
            now,
            not_by=staff.id,
            same_person="The witness must be a different member of staff.",
        )
    pack = intent.pack
    supersedes = voided_entry(session, line.id, verdict.scheduled_at)
    entry = insert_entry(
        session,
        Administration(
            chart_line_id=line.id,
            scheduled_at=verdict.scheduled_at,
            outcome=Outcome.GIVEN,
            dose_given=verdict.dose,
            administered_at=intent.at,
            recorded_at=now,
            staff_id=staff.id,
            witness_id=witness_staff.id if witness_staff else None,
            gtin=pack.gtin if pack else None,
            batch=pack.stored_batch if pack else None,
            expiry=pack.checked_expiry if pack else None,
            serial=pack.stored_serial if pack else None,
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
    homely = homely_line(session, line.id)
    if homely is not None:  # the home's own stock, not the resident's
        take_homely_stock(
            session, staff.id, homely.remedy_id, verdict.dose, intent.at,
            resident_id=intent.resident_id, administration_id=entry.id,
            batch=pack.stored_batch if pack else None,
            expiry=pack.checked_expiry if pack else None,
        )  # fmt: skip
    else:
        session.add(
            StockMovement(
                resident_id=intent.resident_id,
                medicine_id=line.medicine_id,
                chart_line_id=line.id,
                administration_id=entry.id,
                kind="administered",
                quantity=-verdict.dose,
                gtin=pack.gtin if pack else None,
                batch=pack.stored_batch if pack else None,
                expiry=pack.checked_expiry if pack else None,
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
            # the scan could not show the expiry: what the carer read off the pack, or "none"
            "expiry_read": (
                str(pack.expiry_read or "none") if pack and pack.expiry_uncertain else None
            ),
        },
    )
    flag = " (override flagged for review)" if entry.override_reason else ""
    flag += " (late entry flagged for review)" if late else ""
    return Recorded(
        entry.id, f"Recorded: {verdict.resident_name} given {line.medicine}{flag}.", verdict
    )


def last_site(session: Session, chart_line_id: int) -> tuple[str, datetime] | None:
    """Where this line was last given (patches and injections rotate sites)."""
    row = session.execute(
        select(Administration.site, Administration.administered_at)
        .where(
            Administration.chart_line_id == chart_line_id,
            Administration.site.is_not(None),
            Administration.outcome == Outcome.GIVEN,
        )
        .order_by(Administration.administered_at.desc())
        .limit(1)
    ).first()
    return (row.site, row.administered_at) if row else None
