"""A medicine against the resident's allergies where a chart line is written and checked: the
same rule as every scan (emar.domain.medicines.allergies), in the same words, so the allergy is
met first at transcription, again at the second check, and then at every scan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from emar.domain.doses import IngredientAmount
from emar.domain.medicines.allergies import AllergyConflict, AllergyFacts, Strength
from emar.domain.medicines.allergies import allergy_conflicts as find_conflicts
from emar.errors import ValidationError
from emar.infra.medicine_reference import load_knowledge
from emar.models import ChartLine, Medicine, Resident
from emar.services.round.facts import load_allergies, medicine_ingredients


@dataclass(frozen=True)
class AllergyWarning:
    """One conflict as a person reads it: a stop (do not transcribe or give without the
    prescriber) or a caution (a possible cross-sensitivity)."""

    stop: bool
    message: str
    allergy_id: int


class AllergyStop(ValidationError):
    """A STOP conflict not yet acknowledged (transcription) or confirmed (second check)."""

    def __init__(self, message: str, warnings: Sequence[AllergyWarning]) -> None:
        super().__init__(message)
        self.warnings = tuple(warnings)


def medicine_shown(med: Medicine) -> str:
    """As the round names a line's medicine: "Amoxicillin 500 mg capsule"."""
    return " ".join(p for p in (med.name, med.strength, med.form) if p)


def warning_text(resident: str, conflict: AllergyConflict) -> str:
    """The words of the round's allergy checks (emar.domain.rights.resident.allergy_checks)."""
    if conflict.strength == Strength.STOP:
        return f"ALLERGY: {resident} is allergic to {conflict.allergy.shown}: {conflict.why}."
    return (
        f"Allergy caution: {resident} is allergic to {conflict.allergy.shown}; {conflict.why}. "
        "Check with the nurse in charge or the pharmacist."
    )


def conflicts_of(
    allergies: Sequence[AllergyFacts],
    resident: str,
    medicine: str,
    ingredients: Sequence[IngredientAmount],
) -> list[AllergyWarning]:
    found = find_conflicts(
        allergies,
        [i.name for i in ingredients],
        medicine,
        load_knowledge(),
        groups=[i.allergen_group for i in ingredients if i.allergen_group],
    )
    return [
        AllergyWarning(c.strength == Strength.STOP, warning_text(resident, c), c.allergy.id)
        for c in found
    ]


def medicine_allergy_conflicts(
    session: Session, resident_id: int, medicine_id: int
) -> list[AllergyWarning]:
    """What the transcription form shows before saving: the stops first, then the cautions."""
    resident = session.get(Resident, resident_id)
    med = session.get(Medicine, medicine_id)
    if resident is None or med is None:
        return []
    return conflicts_of(
        load_allergies(session, [resident_id]).get(resident_id, []),
        resident.full_name,
        medicine_shown(med),
        medicine_ingredients(session, [medicine_id]),
    )


def line_allergy_conflicts(session: Session, line_id: int) -> list[AllergyWarning]:
    """What the checker sees, and must confirm, before signing the second check."""
    line = session.get(ChartLine, line_id)
    if line is None:
        raise ValidationError("No such chart line.")
    return medicine_allergy_conflicts(session, line.resident_id, line.medicine_id)


def stops_text(warnings: Sequence[AllergyWarning]) -> str:
    return " ".join(w.message for w in warnings if w.stop)
