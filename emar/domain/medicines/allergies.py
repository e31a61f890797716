"""Does a medicine conflict with a resident's allergy? Matched through ingredients and classes,
both ways (domain.md, Medicines knowledge):

- an allergy to a substance stops every product containing it (codeine: co-codamol);
- an allergy to a combination or a product stops each of its ingredients (co-amoxiclav:
  amoxicillin), since which one caused it is rarely known;
- an allergy to a class stops its members (penicillins: amoxicillin), and an allergy to a
  member stops the others where the class is "allergic to one, allergic to all" (BNF:
  penicillins, cephalosporins, NSAIDs incl. aspirin, ACE inhibitors);
- a class that may cross-react (penicillins -> cephalosporins; members of opioids) is a
  warning, not a stop.

An allergy recorded as text the reference does not know is matched by name, either way round,
so nothing recorded before the reference existed is lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from emar.domain.medicines.knowledge import (
    SALT_WORDS,
    Coded,
    CodeKind,
    Knowledge,
    MemberAllergy,
    substance_key,
)


@dataclass(frozen=True, slots=True)
class AllergyFacts:
    """An active allergy as recorded. `ingredients`: for one coded to a dm+d product, that
    product's ingredient names (the caller looks them up)."""

    id: int
    substance: str  # as recorded and shown
    code_kind: str | None = None  # CodeKind value; None: text only
    code: str | None = None
    reaction: str | None = None
    severity: str | None = None
    ingredients: tuple[str, ...] = ()

    @property
    def shown(self) -> str:
        return f"{self.substance} ({self.reaction})" if self.reaction else self.substance


class Strength(StrEnum):
    STOP = "stop"  # an allergy: do not give
    WARN = "warn"  # a possible cross-sensitivity: check before giving


@dataclass(frozen=True, slots=True)
class AllergyConflict:
    allergy: AllergyFacts
    strength: Strength
    why: str  # "co-codamol contains codeine", "amoxicillin is a penicillin"


def _coded(allergy: AllergyFacts, knowledge: Knowledge) -> Coded | None:
    if allergy.code_kind and allergy.code and allergy.code_kind != CodeKind.DMD:
        kind = CodeKind(allergy.code_kind)
        known = {
            CodeKind.SUBSTANCE: knowledge.substances,
            CodeKind.CLASS: knowledge.classes,
            CodeKind.COMBINATION: knowledge.combinations,
        }[kind]
        if allergy.code in known:
            return Coded(kind, allergy.code, allergy.substance)
    return knowledge.code(allergy.substance)


def _allergens(allergy: AllergyFacts, knowledge: Knowledge) -> tuple[set[str], set[str]]:
    """The substance keys and class keys an allergy is to."""
    if allergy.code_kind == CodeKind.DMD:
        return {substance_key(i) for i in allergy.ingredients}, set()
    coded = _coded(allergy, knowledge)
    if coded is None:
        return set(), set()
    if coded.kind == CodeKind.CLASS:
        return set(), {coded.key}
    if coded.kind == CodeKind.COMBINATION:
        return set(knowledge.combinations[coded.key].substances), set()
    return {coded.key}, set()


def _class_name(knowledge: Knowledge, key: str) -> str:
    """ "penicillins", "NSAIDs", "ACE inhibitors": lower case unless the name is an acronym."""
    found = knowledge.classes.get(key)
    return _as_in_a_sentence(found.name) if found else key


def _as_in_a_sentence(name: str) -> str:
    first = name.split(" ")[0]
    return name if first[:2].isupper() else name[:1].lower() + name[1:]


def _member_word(knowledge: Knowledge, key: str) -> str:
    """ "a penicillin", "an NSAID" for the class penicillins (its first synonym, else its name)."""
    found = knowledge.classes.get(key)
    word = found.synonyms[0] if found and found.synonyms else _class_name(knowledge, key)
    word = _as_in_a_sentence(word)
    acronym = word.split(" ")[0][:2].isupper()
    vowel_sound = word[:1] in ("AEFHILMNORSX" if acronym else "aeiouAEIOU")
    return f"an {word}" if vowel_sound else f"a {word}"


def allergy_conflicts(
    allergies: Iterable[AllergyFacts],
    ingredients: Sequence[str],
    medicine: str,
    knowledge: Knowledge,
    groups: Sequence[str] = (),
) -> list[AllergyConflict]:
    """The conflicts of a medicine (`medicine` as named, with its `ingredients`' names) with
    the resident's active `allergies`, the stops first. `groups`: allergen groups typed on the
    catalogue's ingredients by hand, matched by name like uncoded allergies."""
    found: list[AllergyConflict] = []
    keys = {substance_key(i): i for i in ingredients}
    classes_of = {k: knowledge.classes_of(k) for k in keys}
    for allergy in allergies:
        conflict = _conflict(allergy, keys, classes_of, medicine, knowledge, groups)
        if conflict is not None:
            found.append(conflict)
    return sorted(found, key=lambda c: c.strength != Strength.STOP)


def _conflict(
    allergy: AllergyFacts,
    keys: dict[str, str],
    classes_of: dict[str, frozenset[str]],
    medicine: str,
    knowledge: Knowledge,
    groups: Sequence[str],
) -> AllergyConflict | None:
    substances, classes = _allergens(allergy, knowledge)
    if not substances and not classes:
        return _by_name(allergy, [*keys, *(substance_key(g) for g in groups)], medicine)
    shared = sorted(substances & set(keys))
    if shared:
        what = shared[0]  # the substance's key: "codeine", whatever salt the product names
        if len(keys) == 1 and len(substances) > 1:  # a combination allergy, a single product
            return AllergyConflict(allergy, Strength.STOP, f"{allergy.substance} contains {what}")
        return AllergyConflict(allergy, Strength.STOP, f"{medicine} contains {what}")
    for key, its_classes in classes_of.items():
        for cls in sorted(classes & its_classes):
            return AllergyConflict(
                allergy, Strength.STOP, f"{key} is {_member_word(knowledge, cls)}"
            )
    # An allergy to a member of a class: the class's rule for the other members.
    member_classes = {c for s in substances for c in knowledge.classes_of(s)}
    warn: AllergyConflict | None = None
    for key, its_classes in classes_of.items():
        for cls in sorted(member_classes & its_classes):
            rule = knowledge.classes[cls].member_allergy if cls in knowledge.classes else None
            allergen = " and ".join(s for s in sorted(substances) if cls in knowledge.classes_of(s))
            if rule == MemberAllergy.BLOCK:
                return AllergyConflict(
                    allergy,
                    Strength.STOP,
                    f"{key} and {allergen} are both {_class_name(knowledge, cls)}: "
                    "allergic to one, allergic to all",
                )
            if rule == MemberAllergy.WARN and warn is None:
                warn = AllergyConflict(
                    allergy,
                    Strength.WARN,
                    f"{key} and {allergen} are both {_class_name(knowledge, cls)}: "
                    "they may cross-react",
                )
    # Classes that may cross-react with the allergy's (penicillins -> cephalosporins).
    allergy_classes = classes | {
        c
        for c in member_classes
        if c in knowledge.classes and knowledge.classes[c].member_allergy != MemberAllergy.NONE
    }
    for cls in sorted(allergy_classes):
        related = knowledge.classes[cls].cross_sensitive if cls in knowledge.classes else ()
        for key, its_classes in classes_of.items():
            for other in sorted(set(related) & its_classes):
                return warn or AllergyConflict(
                    allergy,
                    Strength.WARN,
                    f"{key} is {_member_word(knowledge, other)}: "
                    f"{_class_name(knowledge, other)} may cross-react with "
                    f"{_class_name(knowledge, cls)}",
                )
    allergic_to_all = classes | {
        c
        for c in member_classes
        if c in knowledge.classes and knowledge.classes[c].member_allergy == MemberAllergy.BLOCK
    }
    return warn or _unknown_ingredient(allergy, allergic_to_all, keys, knowledge)


def _unknown_ingredient(
    allergy: AllergyFacts, classes: set[str], keys: dict[str, str], knowledge: Knowledge
) -> AllergyConflict | None:
    """An ingredient the reference does not know cannot be said to be outside an allergy's
    class (one named, or one where allergic to one means allergic to all): a caution, so a gap
    in the reference is seen rather than read as "no allergy"."""
    unknown = sorted(k for k in keys if knowledge.substance(k) is None)
    if not classes or not unknown:
        return None
    cls = sorted(classes)[0]
    return AllergyConflict(
        allergy,
        Strength.WARN,
        f"{unknown[0]} is not in eMAR's medicines reference, so whether it is "
        f"{_member_word(knowledge, cls)} could not be checked",
    )


def _by_name(allergy: AllergyFacts, keys: Sequence[str], medicine: str) -> AllergyConflict | None:
    """An allergy the reference does not know: the same name either way round (an allergy
    to "Zapain" stops "Zapain 30/500 tablets"; one to "latex" stops nothing named otherwise)."""
    text = substance_key(allergy.substance)
    if len(text) < 3 or all(w in SALT_WORDS for w in text.split(" ")):
        return None  # "sodium" alone is in half the catalogue's names, and is no allergy
    names = {*keys, substance_key(medicine.split()[0]) if medicine.split() else ""} - {""}
    for name in sorted(names):
        singular = text.removesuffix("s")
        if text == name or singular == name or (len(singular) >= 4 and singular in name):
            return AllergyConflict(allergy, Strength.STOP, f"{medicine} matches it by name")
        if len(name) >= 4 and name in text:
            return AllergyConflict(allergy, Strength.STOP, f"{medicine} matches it by name")
    return None
