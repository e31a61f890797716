"""A small medicines reference written out by hand for the domain's tests: the facts the tests
judge by, independent of the shipped tables (which tests/services checks on their own)."""

from decimal import Decimal

from emar.domain.medicines.knowledge import (
    Combination,
    Knowledge,
    MedicineClass,
    MemberAllergy,
    Substance,
)


def substance(key: str, *classes: str, **facts: object) -> Substance:
    base: dict[str, object] = {
        "key": key,
        "name": key.capitalize(),
        "atc": None,
        "classes": frozenset(classes),
        "max_daily": None,
        "max_unit": None,
        "max_daily_under_50kg": None,
        "acb": 0,
        "high_risk": None,
        "falls_risk": False,
        "sedative": False,
        "cd_schedule": None,
    }
    base.update(facts)
    return Substance(**base)  # type: ignore[arg-type]


SUBSTANCES = [
    substance("paracetamol", max_daily=Decimal(4000), max_unit="mg",
              max_daily_under_50kg=Decimal(3000)),
    substance("codeine", "opioids", max_daily=Decimal(240), max_unit="mg", cd_schedule=5),
    substance("morphine", "opioids", cd_schedule=2),
    substance("amoxicillin", "penicillins"),
    substance("flucloxacillin", "penicillins"),
    substance("clavulanic acid"),
    substance("cefalexin", "cephalosporins"),
    substance("aspirin", "nsaids"),
    substance("ibuprofen", "nsaids"),
    substance("ramipril", "ace-inhibitors"),
    substance("losartan", "arbs"),
    substance("sulfamethoxazole", "sulfonamides"),
    substance("trimethoprim"),
]  # fmt: skip
CLASSES = [
    MedicineClass("penicillins", "Penicillins", MemberAllergy.BLOCK,
                  frozenset({"cephalosporins"}), ("penicillin",)),
    MedicineClass("cephalosporins", "Cephalosporins", MemberAllergy.BLOCK,
                  frozenset({"penicillins"}), ("cephalosporin",)),
    MedicineClass("nsaids", "NSAIDs", MemberAllergy.BLOCK, frozenset(), ("NSAID",)),
    MedicineClass("opioids", "Opioids", MemberAllergy.WARN, frozenset(), ("opioid",)),
    MedicineClass("ace-inhibitors", "ACE inhibitors", MemberAllergy.BLOCK,
                  frozenset({"arbs"}), ("ACE inhibitor",)),
    MedicineClass("arbs", "Angiotensin II receptor blockers", MemberAllergy.NONE,
                  frozenset({"ace-inhibitors"}), ("ARB",)),
    MedicineClass("sulfonamides", "Sulfonamides", MemberAllergy.WARN, frozenset(),
                  ("sulfonamide", "sulfa")),
]  # fmt: skip
COMBINATIONS = [
    Combination("co-codamol", "Co-codamol", frozenset({"codeine", "paracetamol"})),
    Combination("co-amoxiclav", "Co-amoxiclav", frozenset({"amoxicillin", "clavulanic acid"})),
    Combination("co-trimoxazole", "Co-trimoxazole",
                frozenset({"sulfamethoxazole", "trimethoprim"})),
]  # fmt: skip

REF = Knowledge(
    "test",
    {s.key: s for s in SUBSTANCES},
    {c.key: c for c in CLASSES},
    {c.key: c for c in COMBINATIONS},
)
