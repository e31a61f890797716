"""A resident's allergies as records (the shape of FHIR AllergyIntolerance), never edited: a
change, a resolution or a withdrawal (entered in error) is a new row that supersedes the one it
replaces, with who, when and why. Each allergy is coded to the shipped reference where it knows
the substance, so an allergy to "penicillin" stops amoxicillin; one it does not know is kept as
typed and matched by name only, and says so.

Recording an allergy also names the active lines of the resident's chart it now conflicts with:
from then on every scan of them stops (emar.domain.medicines.allergies), and the GP or
pharmacist should review them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from emar.domain.line_periods import ACTIVE, PENDING, SUSPENDED
from emar.domain.medicines.allergies import AllergyFacts
from emar.domain.text_rules import LINE, NAME, SHORT, clean_text, required_text
from emar.errors import ValidationError
from emar.infra.medicine_reference import load_knowledge
from emar.models import Allergy, Medicine, Resident, Staff, utcnow
from emar.services.audit import record_event
from emar.services.charts.allergy_checks import conflicts_of
from emar.services.permissions import Action, require
from emar.services.residents.current import current_resident
from emar.services.round.facts import load_allergies, load_lines

CATEGORIES = ("medication", "food", "environment", "biologic")
CRITICALITIES = ("high", "low", "unable-to-assess")
SEVERITIES = ("mild", "moderate", "severe")
NOT_CODED = "not coded: matched by name only"
ON_THE_CHART = (ACTIVE, PENDING, SUSPENDED)  # lines that could still be given


@dataclass
class AllergyForm:
    substance: str  # as typed, or the name chosen from the reference search
    reaction: str | None = None
    severity: str | None = None  # of the reaction: mild, moderate, severe
    criticality: str | None = None  # the risk of a future reaction: high, low...
    category: str = "medication"
    dmd_code: str | None = None  # a catalogue product's dm+d code, when coded to a product


@dataclass(frozen=True)
class AllergyView:
    id: int
    substance: str
    reaction: str | None
    severity: str | None
    criticality: str | None
    category: str
    status: str  # active, resolved, entered-in-error
    code_kind: str | None
    code: str | None
    recorded_at: datetime
    recorded_by: str  # "" for records made before anyone signed them
    change_reason: str | None
    supersedes_id: int | None

    @property
    def coded(self) -> bool:
        return self.code_kind is not None

    @property
    def shown(self) -> str:
        return f"{self.substance} ({self.reaction})" if self.reaction else self.substance

    @property
    def note(self) -> str:
        return "" if self.coded else NOT_CODED


@dataclass(frozen=True)
class ResidentAllergies:
    resident_id: int
    resident: str
    no_known_allergies: bool
    active: tuple[AllergyView, ...]
    history: tuple[tuple[AllergyView, ...], ...] = ()  # each chain, oldest first (on request)

    @property
    def summary(self) -> str:
        if self.active:
            return ", ".join(a.shown for a in self.active)
        return "No known allergies" if self.no_known_allergies else "Allergies not recorded"


@dataclass(frozen=True)
class LineConflict:
    line_id: int
    medicine: str
    message: str  # "Amoxicillin 500 mg capsule on the chart conflicts (...): ask the GP..."


@dataclass(frozen=True)
class AllergyRecorded:
    allergy_id: int
    coded: bool
    lines: tuple[LineConflict, ...]  # chart lines it now conflicts with

    def message(self, what: str) -> str:
        parts = [what if self.coded else f"{what} ({NOT_CODED})"]
        parts += [c.message for c in self.lines]
        return " ".join(parts)


def _choice(value: str | None, label: str, allowed: tuple[str, ...]) -> str | None:
    if value in (None, ""):
        return None
    if value not in allowed:
        raise ValidationError(f"{label} is one of: {', '.join(allowed)}.")
    return value


def _clean(form: AllergyForm) -> AllergyForm:
    category = _choice(form.category or "medication", "Category", CATEGORIES)
    return replace(
        form,
        substance=required_text(form.substance, "Allergy (substance)", limit=NAME),
        reaction=clean_text(form.reaction, "Reaction", limit=SHORT),
        severity=_choice(form.severity, "Severity", SEVERITIES),
        criticality=_choice(form.criticality, "Criticality", CRITICALITIES),
        category=category or "medication",
        dmd_code=clean_text(form.dmd_code, "dm+d code", limit=20),
    )


def _reason(reason: str | None) -> str:
    return required_text(reason, "Reason", limit=LINE)


def _coding(session: Session, form: AllergyForm) -> tuple[str | None, str | None]:
    """(code_kind, code): a catalogue product by its dm+d code, else what the reference knows
    the text as, else (None, None): text only."""
    if form.dmd_code:
        if session.scalar(select(Medicine.id).where(Medicine.dmd_code == form.dmd_code)) is None:
            raise ValidationError(f"No product with dm+d code {form.dmd_code} in the catalogue.")
        return "dmd", form.dmd_code
    coded = load_knowledge().code(form.substance)
    return (coded.kind.value, coded.key) if coded else (None, None)


def _new_row(
    session: Session,
    staff_id: int,
    resident_id: int,
    form: AllergyForm,
    *,
    status: str = "active",
    supersedes: int | None = None,
    reason: str | None = None,
    coding: tuple[str | None, str | None] | None = None,
) -> Allergy:
    kind, code = coding or _coding(session, form)
    row = Allergy(
        resident_id=resident_id,
        substance=form.substance,
        reaction=form.reaction,
        code_kind=kind,
        code=code,
        category=form.category,
        criticality=form.criticality,
        severity=form.severity,
        status=status,
        recorded_by_id=staff_id,
        supersedes_id=supersedes,
        change_reason=reason,
    )
    session.add(row)
    try:
        with session.begin_nested():  # two PCs superseding the same row: the index says no
            session.flush()
    except IntegrityError as exc:
        if supersedes is not None and "supersedes" in str(exc.orig).lower():
            raise _changed_meanwhile() from None
        raise
    return row


def _changed_meanwhile() -> ValidationError:
    return ValidationError(
        "Someone else changed this allergy just now: look at it again before changing it."
    )


def _latest(session: Session, allergy_id: int) -> Allergy:
    """The row to supersede: it must be the newest of its chain and still active."""
    row = session.get(Allergy, allergy_id)
    if row is None:
        raise ValidationError("No such allergy.")
    if session.scalar(select(Allergy.id).where(Allergy.supersedes_id == row.id)) is not None:
        raise _changed_meanwhile()
    if row.status != "active":
        raise ValidationError(f"This allergy is already {row.status.replace('-', ' ')}.")
    return row


def _audit(session: Session, action: str, staff_id: int, row: Allergy) -> None:
    record_event(
        session, action, staff_id=staff_id, entity="allergy", entity_id=row.id, detail=_detail(row)
    )


def _detail(row: Allergy) -> dict[str, object]:
    return {
        "resident_id": row.resident_id,
        "substance": row.substance,
        "reaction": row.reaction,
        "code": f"{row.code_kind}:{row.code}" if row.code_kind else None,
        "severity": row.severity,
        "criticality": row.criticality,
        "category": row.category,
        "status": row.status,
        "supersedes": row.supersedes_id,
        "reason": row.change_reason,
    }


def record_allergy(
    session: Session,
    staff_id: int,
    resident_id: int,
    form: AllergyForm,
    *,
    now: datetime | None = None,
) -> AllergyRecorded:
    """A new allergy; "no known allergies" no longer holds. Names the chart lines it now
    conflicts with."""
    require(session, staff_id, Action.RECORD_ALLERGIES)
    form = _clean(form)
    resident = current_resident(session, resident_id)
    row = _new_row(session, staff_id, resident.id, form)
    resident.no_known_allergies = False
    _audit(session, "allergy.recorded", staff_id, row)
    return AllergyRecorded(row.id, row.code_kind is not None, _lines_against(session, row, now))


def change_allergy(
    session: Session,
    staff_id: int,
    allergy_id: int,
    form: AllergyForm,
    reason: str,
    *,
    now: datetime | None = None,
) -> AllergyRecorded:
    """What is recorded changes (a reaction learnt, a substance made precise): a new row
    supersedes the old, which stays as it was."""
    require(session, staff_id, Action.REVIEW_ALLERGIES)
    form, why = _clean(form), _reason(reason)
    old = _latest(session, allergy_id)
    current_resident(session, old.resident_id)
    row = _new_row(session, staff_id, old.resident_id, form, supersedes=old.id, reason=why)
    _audit(session, "allergy.changed", staff_id, row)
    return AllergyRecorded(row.id, row.code_kind is not None, _lines_against(session, row, now))


def _close(session: Session, staff_id: int, allergy_id: int, status: str, reason: str) -> int:
    require(session, staff_id, Action.REVIEW_ALLERGIES)
    why = _reason(reason)
    old = _latest(session, allergy_id)
    current_resident(session, old.resident_id)
    same = AllergyForm(
        old.substance, old.reaction, old.severity, old.criticality, old.category, None
    )
    row = _new_row(
        session, staff_id, old.resident_id, same, status=status, supersedes=old.id, reason=why,
        coding=(old.code_kind, old.code),  # as it was coded, not coded afresh
    )  # fmt: skip
    action = "allergy.withdrawn" if status == "entered-in-error" else f"allergy.{status}"
    _audit(session, action, staff_id, row)
    return row.id


def resolve_allergy(session: Session, staff_id: int, allergy_id: int, reason: str) -> int:
    """No longer allergic (e.g. a negative penicillin allergy test): kept, no longer active."""
    return _close(session, staff_id, allergy_id, "resolved", reason)


def withdraw_allergy(session: Session, staff_id: int, allergy_id: int, reason: str) -> int:
    """Recorded in error (the wrong resident, never allergic): kept, shown as entered in error."""
    return _close(session, staff_id, allergy_id, "entered-in-error", reason)


def record_no_known_allergies(session: Session, staff_id: int, resident_id: int) -> None:
    """Asked, and none known: stated explicitly, never assumed. Refused while any is active."""
    require(session, staff_id, Action.REVIEW_ALLERGIES)
    resident = current_resident(session, resident_id)
    active = load_allergies(session, [resident.id]).get(resident.id, [])
    if active:
        raise ValidationError(
            f"{resident.full_name} has active allergies ({', '.join(a.shown for a in active)}): "
            "resolve or withdraw them first."
        )
    resident.no_known_allergies = True
    record_event(
        session,
        "allergy.none_known",
        staff_id=staff_id,
        entity="resident",
        entity_id=resident.id,
    )


def list_allergies(
    session: Session, resident_id: int, *, include_history: bool = False
) -> ResidentAllergies:
    """The active allergies (the newest row of each chain, if active) and, on request, every
    chain from its first record, with who, when and why."""
    resident = session.get(Resident, resident_id)
    if resident is None:
        raise ValidationError("No such resident.")
    rows = session.execute(
        select(Allergy, Staff.full_name)
        .outerjoin(Staff, Allergy.recorded_by_id == Staff.id)
        .where(Allergy.resident_id == resident_id)
        .order_by(Allergy.id)
    ).all()
    views = {a.id: _view(a, name or "") for a, name in rows}
    replaced = {v.supersedes_id for v in views.values() if v.supersedes_id}
    newest = [v for v in views.values() if v.id not in replaced]
    active = sorted((v for v in newest if v.status == "active"), key=lambda v: v.substance.lower())
    history: list[tuple[AllergyView, ...]] = []
    if include_history:
        chains: dict[int, list[AllergyView]] = defaultdict(list)
        root: dict[int, int] = {}
        for v in views.values():  # in id order: an earlier row's root is known first
            root[v.id] = root.get(v.supersedes_id, v.id) if v.supersedes_id else v.id
            chains[root[v.id]].append(v)
        history = [tuple(chain) for _, chain in sorted(chains.items())]
    return ResidentAllergies(
        resident.id,
        resident.full_name,
        resident.no_known_allergies and not active,
        tuple(active),
        tuple(history),
    )


def _view(a: Allergy, recorded_by: str) -> AllergyView:
    return AllergyView(
        a.id,
        a.substance,
        a.reaction,
        a.severity,
        a.criticality,
        a.category,
        a.status,
        a.code_kind,
        a.code,
        a.recorded_at,
        recorded_by,
        a.change_reason,
        a.supersedes_id,
    )


def _lines_against(
    session: Session, row: Allergy, now: datetime | None
) -> tuple[LineConflict, ...]:
    """The resident's chart lines that could still be given and that this allergy stops or
    cautions against."""
    if row.status != "active":
        return ()
    facts = next(
        (a for a in load_allergies(session, [row.resident_id]).get(row.resident_id, [])
         if a.id == row.id),
        AllergyFacts(row.id, row.substance, row.code_kind, row.code, row.reaction),
    )  # fmt: skip
    resident = session.get(Resident, row.resident_id)
    assert resident is not None
    found = []
    for line in load_lines(session, [row.resident_id], now or utcnow()):
        if line.status not in ON_THE_CHART:
            continue
        for w in conflicts_of([facts], resident.full_name, line.medicine, line.ingredients):
            ask = (
                "ask the GP / pharmacist to review it"
                if w.stop
                else "check it with the GP or pharmacist"
            )
            text = f"{line.medicine} on the chart conflicts: {ask}. ({w.message})"
            found.append(LineConflict(line.id, line.medicine, text))
    return tuple(found)


def admission_allergies(
    session: Session, staff_id: int, resident_id: int, allergies: list[tuple[str, str | None]]
) -> None:
    """The allergies an admission lists, as records like any other (recorded by the admitting
    person, coded where the reference knows them)."""
    for substance, reaction in allergies:
        form = _clean(AllergyForm(substance, reaction))
        row = _new_row(session, staff_id, resident_id, form)
        _audit(session, "allergy.recorded", staff_id, row)


@dataclass(frozen=True)
class Suggestion:
    name: str  # as the reference names it: "Penicillins", "Co-codamol", "Codeine"
    what: str  # "group of medicines", "combination", "substance"


_WHAT = {"class": "group of medicines", "combination": "combination", "ingredient": "substance"}


def suggest_substances(typed: str, limit: int = 12) -> list[Suggestion]:
    """What the reference knows that starts with (then contains) the text typed: the Add
    allergy field's search as you type (in memory: no database)."""
    return [
        Suggestion(c.name, _WHAT.get(c.kind.value, c.kind.value))
        for c in load_knowledge().search(typed, limit)
    ]


def knows_substance(typed: str) -> bool:
    """Whether an allergy typed so would be coded (not matched by name only)."""
    return bool(typed.strip()) and load_knowledge().code(typed) is not None
