"""Corrections, never edits: a new entry superseding the current one, with who, when and why;
the original stays, and stock follows what the correction changes (21 CFR 11.10(e), Annex 11).
One write transaction each (see round.recording)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.domain.codes import ENTERED_IN_ERROR, Outcome
from emar.domain.doses import LineFacts
from emar.domain.mar_entries import given_entries
from emar.domain.prn import DAY, check_prn
from emar.domain.rights.dose import dose_checks
from emar.domain.text_rules import NOTE, clean_text
from emar.errors import ValidationError
from emar.models import Administration, ChartLine, StockMovement
from emar.services.audit import record_event
from emar.services.audit.digests import row_digest
from emar.services.charts.homely_remedies import homely_line
from emar.services.charts.homely_remedies import record_given as take_homely_stock
from emar.services.permissions import Action, require
from emar.services.round.facts import load_entries, load_lines
from emar.services.round.mar_entry import Recorded, insert_entry, lock_resident
from emar.services.round.not_given import active_code


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
    if outcome not in tuple(Outcome):
        raise ValidationError(f"{outcome!r} is not an outcome: it is given or not given.")
    if outcome == Outcome.GIVEN and (dose_given is None or dose_given <= 0):
        raise ValidationError("Say what dose was given.")
    if outcome == Outcome.NOT_GIVEN and not code:
        raise ValidationError("A not-given entry needs a code.")
    if outcome == Outcome.NOT_GIVEN and code != ENTERED_IN_ERROR:
        active_code(session, code or "")
    if outcome == Outcome.GIVEN and dose_given is not None:
        line = _line_facts(session, old)
        wrong = dose_checks(line, dose_given)[1] if line is not None else []
        if wrong:  # the same rule as giving it: within the prescribed dose or range
            raise ValidationError(wrong[0].message)
    reason = clean_text(reason, "Reason") or ""
    note = clean_text(note, "Note", limit=NOTE, lines=True)
    if outcome == Outcome.GIVEN and dose_given is not None:
        _correction_within_prn_limits(session, old, dose_given)
    new = insert_entry(
        session,
        Administration(
            chart_line_id=old.chart_line_id,
            scheduled_at=old.scheduled_at,
            outcome=outcome,
            not_given_code=code if outcome == Outcome.NOT_GIVEN else None,
            dose_given=dose_given if outcome == Outcome.GIVEN else None,
            administered_at=old.administered_at,
            recorded_at=now,
            staff_id=staff.id,
            witness_id=old.witness_id if outcome == Outcome.GIVEN else None,
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
    old_dose = old.dose_given if old.outcome == Outcome.GIVEN and old.dose_given else Decimal(0)
    new_dose = dose_given if outcome == Outcome.GIVEN and dose_given else Decimal(0)
    homely = homely_line(session, old.chart_line_id) if new_dose != old_dose else None
    if homely is not None:  # the home's own stock: the difference goes back to (or from) it
        resident_id, _ = _line_owner(session, old.chart_line_id)
        take_homely_stock(
            session, staff.id, homely.remedy_id, new_dose - old_dose, now,
            resident_id=resident_id, administration_id=new.id, batch=None, expiry=None,
            reason=reason.strip(),
        )  # fmt: skip
    elif new_dose != old_dose:
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
    lock_resident(session, resident_id)
    at = old.administered_at
    lines = load_lines(session, [resident_id], at)  # all: an ingredient's total spans lines
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


def _line_facts(session: Session, entry: Administration) -> LineFacts | None:
    """The chart line of an entry as the rules see it, at the time the entry was given."""
    resident_id, _ = _line_owner(session, entry.chart_line_id)
    lines = load_lines(session, [resident_id], entry.administered_at)
    return next((ln for ln in lines if ln.id == entry.chart_line_id), None)
