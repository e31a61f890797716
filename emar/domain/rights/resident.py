"""Right resident: one who lives here and is here now; and no allergy to the medicine."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from emar.domain.doses import IngredientAmount, ResidentFacts
from emar.domain.medicines.allergies import Strength, allergy_conflicts
from emar.domain.medicines.knowledge import Knowledge
from emar.domain.verdict import Check, CheckCode, block, warn

RESIDENT = "resident"  # a resident's status while they live here


def unknown_resident() -> Check:
    return block(CheckCode.RESIDENT, "Unknown resident: scan their label again.")


def resident_checks(resident: ResidentFacts, at: datetime) -> list[Check]:
    """Discharged or deceased, and in hospital or on leave at `at`, are stops."""
    checks = []
    if resident.status != RESIDENT:
        checks.append(block(CheckCode.RESIDENT, f"{resident.name} is {resident.status}."))
    away = resident.away_at(at)
    if away:
        checks.append(block(CheckCode.ABSENT, f"{resident.name} is recorded as in {away}."))
    return checks


def allergy_checks(
    resident: ResidentFacts,
    medicine: str,
    ingredients: Sequence[IngredientAmount],
    knowledge: Knowledge,
) -> list[Check]:
    """An allergy of the resident's that the medicine (as named, with its ingredients) meets:
    a stop; a possible cross-sensitivity: a warning (emar.domain.medicines.allergies)."""
    conflicts = allergy_conflicts(
        resident.allergies,
        [i.name for i in ingredients],
        medicine,
        knowledge,
        groups=[i.allergen_group for i in ingredients if i.allergen_group],
    )
    return [
        block(
            CheckCode.ALLERGY,
            f"ALLERGY: {resident.name} is allergic to {c.allergy.shown}: {c.why}. Do not give.",
        )
        if c.strength == Strength.STOP
        else warn(
            CheckCode.ALLERGY_CAUTION,
            f"Allergy caution: {resident.name} is allergic to {c.allergy.shown}; {c.why}. "
            "Check with the nurse in charge or the pharmacist before giving.",
        )
        for c in conflicts
    ]
