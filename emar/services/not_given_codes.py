"""The home's not-given codes ("R refused"): listed with whether any record uses them, added,
retired and restored. Never deleted (the MAR keeps its codes), and the codes the rules rely on
(emar.domain.home_rules.CORE_CODES) are never retired."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from emar.domain.home_rules import (
    CORE_CODES,
    check_may_retire,
    checked_code,
    checked_fhir_reason,
)
from emar.domain.text_rules import required_text
from emar.errors import ValidationError
from emar.models import Administration, NotGivenCode
from emar.services.audit import record_event
from emar.services.permissions import Action, require


@dataclass(frozen=True)
class CodeView:
    code: str
    label: str
    fhir_reason: str
    note_required: bool
    active: bool
    used: bool  # some MAR entry carries it
    core: bool  # a rule relies on it: never retired


def list_codes(session: Session) -> list[CodeView]:
    used = set(
        session.scalars(
            select(Administration.not_given_code)
            .where(Administration.not_given_code.is_not(None))
            .distinct()
        )
    )
    rows = session.scalars(
        select(NotGivenCode).order_by(NotGivenCode.sort_order, NotGivenCode.code)
    )
    return [_view(row, row.code in used) for row in rows]


def _view(row: NotGivenCode, used: bool) -> CodeView:
    return CodeView(
        row.code,
        row.label,
        row.fhir_reason,
        row.note_required,
        row.active,
        used,
        row.code in CORE_CODES,
    )


def add_code(
    session: Session,
    staff_id: int,
    code: str,
    label: str,
    fhir_reason: str,
    *,
    note_required: bool = False,
) -> CodeView:
    require(session, staff_id, Action.MANAGE_SETTINGS)
    code = checked_code(code)
    label = required_text(label, "Label", limit=100)
    fhir_reason = checked_fhir_reason(fhir_reason)
    if session.get(NotGivenCode, code) is not None:
        raise ValidationError(f"Code {code} already exists (restore it if it was retired).")
    last = session.scalar(select(func.max(NotGivenCode.sort_order))) or 0
    row = NotGivenCode(
        code=code,
        label=label,
        fhir_reason=fhir_reason,
        note_required=bool(note_required),
        is_incident=False,
        active=True,
        sort_order=min(last + 1, 98),  # before X (entered in error, 99)
    )
    session.add(row)
    session.flush()
    record_event(
        session,
        "not_given_code.added",
        staff_id=staff_id,
        entity="not_given_code",
        detail={
            "before": None,
            "after": {
                "code": code,
                "label": label,
                "fhir_reason": fhir_reason,
                "note_required": bool(note_required),
            },
        },
    )
    return _view(row, False)


def _set_active(session: Session, staff_id: int, code: str, active: bool) -> CodeView:
    require(session, staff_id, Action.MANAGE_SETTINGS)
    row = session.get(NotGivenCode, (code or "").strip().upper())
    if row is None:
        raise ValidationError(f"No not-given code {code!r}.")
    if row.active == active:
        raise ValidationError(f"Code {row.code} is already {'in use' if active else 'retired'}.")
    check_may_retire(row.code)  # a core code is neither retired nor (X) brought back
    row.active = active
    record_event(
        session,
        "not_given_code.restored" if active else "not_given_code.retired",
        staff_id=staff_id,
        entity="not_given_code",
        detail={"code": row.code, "before": {"active": not active}, "after": {"active": active}},
    )
    used = session.scalar(
        select(Administration.id).where(Administration.not_given_code == row.code).limit(1)
    )
    return _view(row, used is not None)


def retire_code(session: Session, staff_id: int, code: str) -> CodeView:
    """No longer offered on the round; the entries that carry it keep it."""
    return _set_active(session, staff_id, code, False)


def restore_code(session: Session, staff_id: int, code: str) -> CodeView:
    return _set_active(session, staff_id, code, True)
