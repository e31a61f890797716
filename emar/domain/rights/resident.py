"""Right resident: one who lives here and is here now; and no allergy to the medicine."""

from __future__ import annotations

from datetime import datetime

from emar.domain.doses import LineFacts, ResidentFacts
from emar.domain.verdict import Check, CheckCode, block

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


def _norm(word: str) -> str:
    word = word.strip().lower()
    return word[:-1] if word.endswith("s") else word


def allergy_checks(resident: ResidentFacts, line: LineFacts) -> list[Check]:
    """An allergy matching the medicine's first word, an ingredient or its allergen group
    (penicillins), singular or plural, or contained in one of them."""
    names = {_norm(line.medicine.split()[0])}
    for ing in line.ingredients:
        names.add(_norm(ing.name))
        if ing.allergen_group:
            names.add(_norm(ing.allergen_group))
    return [
        block(
            CheckCode.ALLERGY,
            f"ALLERGY: {resident.name} is allergic to {allergy}; {line.medicine} matches it.",
        )
        for allergy in resident.allergies
        if _norm(allergy) in names or any(_norm(allergy) in n for n in names)
    ]
