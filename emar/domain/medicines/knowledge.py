"""The clinical reference as plain facts: substances (active ingredients), classes (allergy
groups and therapeutic classes) and named combinations. Loaded from `resources/medicines/`
by emar.infra.medicine_reference; every fact there carries its source.

Names are matched by `substance_key`: lower case, salts and hydrates dropped, so dm+d's
"Codeine phosphate hemihydrate" and a typed "codeine" are the same substance.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

# Salt, ester and hydrate words dm+d adds to a substance's name; dropped to find the substance.
SALT_WORDS = frozenset(
    """acetate anhydrous besilate besylate bitartrate bromide calcium carbonate chloride citrate
    dihydrate dihydrochloride dipropionate disodium dipotassium fumarate gluconate hemihydrate
    hemifumarate hemisuccinate hyclate hydrobromide hydrochloride hydrogen hydroxide lactate
    magnesium maleate mesilate mesylate monohydrate nitrate phosphate potassium propionate
    sesquihydrate sodium succinate sulfate sulphate tartrate tosilate trihydrate valerate
    xinafoate pentahydrate epolamine diethylammonium diethylamine olamine""".split()  # noqa: SIM905
)
# Words that are the substance itself even though they look like a salt (never dropped alone).
_KEEP_WHOLE = frozenset(
    """calcium carbonate|sodium chloride|potassium chloride|magnesium hydroxide|sodium bicarbonate
    |calcium acetate|sodium valproate|sodium docusate|docusate sodium|sodium picosulfate
    |sodium alginate|potassium citrate|heparin sodium|magnesium sulfate|ferrous sulfate
    |ferrous sulphate|dried ferrous sulfate|ferrous fumarate|ferrous gluconate""".replace("\n", "")
    .replace("    ", "")
    .split("|")
)


# Water of crystallisation and the like: never part of the substance, dropped first so that
# "Ferrous sulfate dried" is ferrous sulfate, kept whole.
HYDRATE_WORDS = frozenset(
    """anhydrous monohydrate dihydrate trihydrate tetrahydrate pentahydrate hexahydrate
    heptahydrate hemihydrate sesquihydrate hydrate hydrated dried""".split()  # noqa: SIM905
)


def substance_key(name: str) -> str:
    """The key a substance is known by: "Codeine phosphate hemihydrate" -> "codeine"."""
    text = re.sub(r"\s+", " ", name.strip().lower().replace("(as ", " ").replace(")", " "))
    text = text.strip(" ,")
    unhydrated = " ".join(w for w in text.split(" ") if w not in HYDRATE_WORDS) or text
    if unhydrated in _KEEP_WHOLE:
        return unhydrated
    text = unhydrated
    words = text.split(" ")
    kept = [w for w in words if w not in SALT_WORDS]
    return " ".join(kept) if kept else text


class MemberAllergy(StrEnum):
    """What an allergy to one member of a class means for the others."""

    BLOCK = "block"  # allergic to one, allergic to all (penicillins, NSAIDs, ACE inhibitors)
    WARN = "warn"  # may cross-react: a warning (opioids, sulfonamides)
    NONE = "none"  # a therapeutic class only


@dataclass(frozen=True, slots=True)
class Substance:
    key: str  # substance_key of its name
    name: str  # as shown: "Paracetamol"
    atc: str | None  # WHO ATC code, e.g. "N02BE01"
    classes: frozenset[str]  # class keys: {"penicillins", "beta-lactams"}
    max_daily: Decimal | None  # adult maximum in 24 h, in max_unit
    max_unit: str | None  # "mg", "microgram", "unit"
    max_daily_under_50kg: Decimal | None  # lower adult maximum below 50 kg (paracetamol: 3 g)
    acb: int  # anticholinergic burden score 0-3
    high_risk: str | None  # "anticoagulant", "insulin", "opioid", "methotrexate", "lithium"...
    falls_risk: bool
    sedative: bool
    cd_schedule: int | None  # UK Misuse of Drugs Regulations 2001 schedule, 2-5
    synonyms: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True, slots=True)
class MedicineClass:
    key: str  # "penicillins"
    name: str  # "Penicillins"
    member_allergy: MemberAllergy
    cross_sensitive: frozenset[str] = frozenset()  # classes that may cross-react: a warning
    synonyms: tuple[str, ...] = ()  # "penicillin", "penicillin allergy"
    source: str = ""


@dataclass(frozen=True, slots=True)
class Combination:
    key: str  # "co-codamol"
    name: str
    substances: frozenset[str]  # substance keys: {"codeine", "paracetamol"}
    source: str = ""


class RenalAdvice(StrEnum):
    """What the reference says of a medicine below an eGFR."""

    AVOID = "avoid"
    REDUCE_DOSE = "reduce dose"
    REVIEW_DOSE = "review dose"
    REVIEW = "review"


@dataclass(frozen=True, slots=True)
class RenalRule:
    """Below `egfr_below` (mL/min/1.73m2), `advice` for the substance (BNF renal dosing)."""

    substance: str  # substance key
    egfr_below: Decimal
    advice: RenalAdvice
    source: str


class CodeKind(StrEnum):
    """What an allergy (or a search) is coded to."""

    SUBSTANCE = "ingredient"
    CLASS = "class"
    COMBINATION = "combination"
    DMD = "dmd"


@dataclass(frozen=True, slots=True)
class Coded:
    kind: CodeKind
    key: str  # substance, class or combination key, or a dm+d code
    name: str  # as shown


@dataclass(frozen=True)
class Knowledge:
    version: str
    substances: Mapping[str, Substance]
    classes: Mapping[str, MedicineClass]
    combinations: Mapping[str, Combination]
    renal: tuple[RenalRule, ...] = ()
    _names: dict[str, Coded] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        names = self._names
        for c in self.combinations.values():
            names.setdefault(c.key, Coded(CodeKind.COMBINATION, c.key, c.name))
        for k in self.classes.values():
            for alias in (k.key, k.name, *k.synonyms):
                names.setdefault(alias.lower(), Coded(CodeKind.CLASS, k.key, k.name))
        for s in self.substances.values():
            for alias in (s.key, *s.synonyms):
                names[substance_key(alias)] = Coded(CodeKind.SUBSTANCE, s.key, s.name)

    def substance(self, ingredient: str) -> Substance | None:
        """The reference facts of an ingredient named as dm+d or a person writes it."""
        coded = self._names.get(substance_key(ingredient))
        if coded is not None and coded.kind == CodeKind.SUBSTANCE:
            return self.substances[coded.key]
        return None

    def code(self, text: str) -> Coded | None:
        """What a typed allergy or search means: a class ("penicillins", "penicillin"), a
        combination ("co-amoxiclav") or a substance ("codeine phosphate"); None if unknown.
        A reaction in brackets and a strength and form after the name are left aside
        ("Penicillin (rash)", "amoxicillin 500mg capsules")."""
        plain = re.sub(r"\s+", " ", text.strip().lower())
        bare = re.sub(r"\(.*?\)", " ", plain)
        named = re.split(r"\s\d|\s[\d.]+\s*(?:mg|g|microgram|ml)\b", bare)[0]
        for candidate in dict.fromkeys(c.strip(" ,;:") for c in (plain, bare, named)):
            if candidate:
                found = self._names.get(candidate) or self._names.get(substance_key(candidate))
                if found is not None:
                    return found
        return None

    def search(self, text: str, limit: int = 20) -> list[Coded]:
        """Substances, classes and combinations whose name starts with (then contains) `text`."""
        plain = text.strip().lower()
        if not plain:
            return []
        found = {c for name, c in self._names.items() if plain in name}
        return sorted(found, key=lambda c: (not c.name.lower().startswith(plain), c.name))[:limit]

    def renal_rule(self, substance: str, egfr: Decimal) -> RenalRule | None:
        """The strictest renal rule of a substance (a key) that an eGFR falls under."""
        found = [r for r in self.renal if r.substance == substance and egfr < r.egfr_below]
        return min(found, key=lambda r: r.egfr_below) if found else None

    def classes_of(self, substance: str) -> frozenset[str]:
        facts = self.substance(substance)
        return facts.classes if facts else frozenset()


EMPTY = Knowledge("none", {}, {}, {})
