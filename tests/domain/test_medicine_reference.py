"""The shipped clinical reference (resources/medicines): it loads, it is whole, and facts checked
by hand against the BNF, the ACB list and the Misuse of Drugs Regulations are still in it. The
expected values are written here, not read back from the tables."""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from emar.domain.medicines.knowledge import CodeKind, MemberAllergy, substance_key
from emar.infra.medicine_reference import ReferenceError, load_knowledge, read_knowledge
from emar.infra.resources import shipped_folder

ATC = re.compile(r"^[A-Z]\d\d[A-Z][A-Z]\d\d$")
HIGH_RISK = {
    "anticoagulant",
    "insulin",
    "opioid",
    "methotrexate",
    "lithium",
    "antiepileptic",
    "digoxin",
    "sulfonylurea",
}
UNITS = {"mg", "microgram", "g", "unit"}


@pytest.fixture(scope="module")
def ref():
    return load_knowledge()


@pytest.fixture
def tables(tmp_path: Path) -> Path:
    """A copy of the shipped tables to break."""
    folder = tmp_path / "medicines"
    shutil.copytree(shipped_folder("resources", "medicines/VERSION") / "medicines", folder)
    return folder


def _edit(path: Path, old: str, new: str) -> int:
    """Replace `old` in the one line that holds it; the line's number (as the loader counts)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    (index,) = [i for i, line in enumerate(lines) if old in line]
    lines[index] = lines[index].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")
    return index + 1


# ---- whole and well formed


def test_the_version_is_this_edition(ref):
    assert ref.version == "2026-11.3"


def test_there_are_at_least_150_substances_15_combinations(ref):
    assert len(ref.substances) >= 150
    assert len(ref.combinations) >= 15


def test_every_substance_has_a_source_and_a_well_formed_atc_code(ref):
    no_source = [s.key for s in ref.substances.values() if not s.source.strip()]
    bad_atc = [s.key for s in ref.substances.values() if s.atc and not ATC.match(s.atc)]
    assert no_source == [] and bad_atc == []
    with_atc = [s for s in ref.substances.values() if s.atc]
    assert len(with_atc) >= len(ref.substances) - 5  # only the few with no code of their own


def test_the_atc_pattern_can_fail():
    assert ATC.match("N02BE01")
    assert not any(ATC.match(c) for c in ("N02BE1", "n02be01", "N02BE01X", "J01CR0A", ""))


def test_every_class_and_cross_sensitivity_named_exists(ref):
    used = set().union(*(s.classes for s in ref.substances.values()))
    crossed = set().union(*(k.cross_sensitive for k in ref.classes.values()))
    assert used - set(ref.classes) == set()
    assert crossed - set(ref.classes) == set()
    assert all(k.source.strip() for k in ref.classes.values())


def test_every_combination_names_known_substances_and_has_a_source(ref):
    for c in ref.combinations.values():
        assert len(c.substances) >= 1 and c.substances <= set(ref.substances), c.key
        assert c.source.strip() and c.key == c.key.lower(), c.key


def test_values_are_within_their_vocabularies(ref):
    for s in ref.substances.values():
        assert 0 <= s.acb <= 3, s.key
        assert s.high_risk is None or s.high_risk in HIGH_RISK, s.key
        assert s.cd_schedule is None or 2 <= s.cd_schedule <= 5, s.key
        assert (s.max_daily is None) == (s.max_unit is None), s.key
        assert s.max_unit is None or s.max_unit in UNITS, s.key
        assert s.max_daily is None or s.max_daily > 0, s.key
        if s.max_daily_under_50kg is not None:
            assert s.max_daily is not None and s.max_daily_under_50kg < s.max_daily, s.key


def test_no_name_a_carer_types_means_two_substances(ref):
    meaning = defaultdict(set)
    for s in ref.substances.values():
        for alias in (s.key, *s.synonyms):
            meaning[substance_key(alias)].add(s.key)
    assert {a: ks for a, ks in meaning.items() if len(ks) > 1} == {}


def test_salt_names_that_are_substances_keep_their_own_key(ref):
    for typed, key in [
        ("Ferrous sulfate", "ferrous sulfate"),
        ("Ferrous fumarate", "ferrous fumarate"),
        ("ferrous sulphate", "ferrous sulfate"),
        ("Sodium valproate", "sodium valproate"),
        ("Calcium carbonate", "calcium carbonate"),
        ("Potassium chloride", "potassium chloride"),
    ]:
        found = ref.substance(typed)
        assert found is not None and found.key == key, typed
    assert ref.substance("ferrous sulfate") != ref.substance("ferrous fumarate")


# ---- spot facts, checked by hand


def test_paracetamol_maximum_4_g_and_3_g_under_50_kg(ref):
    p = ref.substance("Paracetamol")
    assert (p.max_daily, p.max_unit, p.max_daily_under_50kg) == (Decimal(4000), "mg", Decimal(3000))
    assert ref.substance("acetaminophen") == p


def test_penicillins_block_and_cross_react_with_cephalosporins(ref):
    assert "penicillins" in ref.classes_of("Amoxicillin")
    assert "penicillins" in ref.classes_of("Flucloxacillin sodium")
    assert "penicillins" in ref.classes_of("Phenoxymethylpenicillin potassium")
    assert "penicillins" not in ref.classes_of("Cefalexin")
    assert "cephalosporins" in ref.classes_of("Cefalexin")
    penicillins = ref.classes["penicillins"]
    assert penicillins.member_allergy == MemberAllergy.BLOCK
    assert "cephalosporins" in penicillins.cross_sensitive
    assert "penicillins" in ref.classes["cephalosporins"].cross_sensitive


def test_aspirin_and_ibuprofen_are_nsaids_which_block(ref):
    assert "nsaids" in ref.classes_of("Aspirin")
    assert "nsaids" in ref.classes_of("Ibuprofen")
    assert "nsaids" not in ref.classes_of("Paracetamol")
    assert ref.classes["nsaids"].member_allergy == MemberAllergy.BLOCK


def test_ace_inhibitors_block_and_warn_of_arbs(ref):
    assert "ace-inhibitors" in ref.classes_of("Ramipril")
    assert ref.classes["ace-inhibitors"].member_allergy == MemberAllergy.BLOCK
    assert "arbs" in ref.classes["ace-inhibitors"].cross_sensitive
    assert "ace-inhibitors" in ref.classes["arbs"].cross_sensitive
    assert "sulfonamides" in ref.classes_of("Sulfamethoxazole")


def test_co_codamol_is_codeine_with_paracetamol(ref):
    assert ref.combinations["co-codamol"].substances == {"codeine", "paracetamol"}
    assert ref.combinations["co-amoxiclav"].substances == {"amoxicillin", "clavulanic acid"}
    assert ref.combinations["co-trimoxazole"].substances == {"sulfamethoxazole", "trimethoprim"}


def test_controlled_drug_schedules(ref):
    expected = {
        "Morphine sulfate": 2,
        "Oxycodone": 2,
        "Buprenorphine": 3,
        "Tramadol": 3,
        "Midazolam": 3,
        "Pregabalin": 3,
        "Diazepam": 4,
        "Zopiclone": 4,
        "Codeine phosphate": 5,
        "Paracetamol": None,
    }
    assert {name: ref.substance(name).cd_schedule for name in expected} == expected


def test_anticholinergic_burden(ref):
    expected = {"Amitriptyline": 3, "Oxybutynin": 3, "Codeine": 1, "Carbamazepine": 2}
    expected |= {"Sertraline": 0, "Paracetamol": 0}
    assert {name: ref.substance(name).acb for name in expected} == expected


def test_high_risk_falls_risk_and_sedation(ref):
    warfarin = ref.substance("Warfarin sodium")
    assert warfarin.high_risk == "anticoagulant" and "anticoagulants" in warfarin.classes
    assert ref.substance("Insulin glargine").high_risk == "insulin"
    assert ref.substance("Methotrexate").high_risk == "methotrexate"
    assert ref.substance("Amoxicillin").high_risk is None
    assert ref.substance("Zopiclone").falls_risk and ref.substance("Zopiclone").sedative
    assert not ref.substance("Paracetamol").falls_risk


def test_typed_names_are_coded(ref):
    assert ref.code("Penicillin").kind == CodeKind.CLASS
    assert ref.code("Penicillin").key == "penicillins"
    assert ref.code("codeine phosphate").kind == CodeKind.SUBSTANCE
    assert ref.code("codeine phosphate").key == "codeine"
    assert ref.code("Co-Amoxiclav").kind == CodeKind.COMBINATION
    assert ref.code("Co-Amoxiclav").key == "co-amoxiclav"
    assert ref.code("sulpha").key == "sulfonamides"
    assert ref.code("GTN").key == "glyceryl trinitrate"
    assert ref.substance("Amoxicillin trihydrate").key == "amoxicillin"
    assert ref.code("no such medicine") is None


# ---- a broken table is refused, named by file and line


def test_what_review_found_missing_is_known(ref):
    """Brands of combinations, an NSAID and dm+d's hydrate and salt words (issue #16 review)."""
    assert ref.code("Augmentin").key == "augmentin"
    assert ref.combinations["augmentin"].substances == {"amoxicillin", "clavulanic acid"}
    assert ref.combinations["septrin"].substances == {"sulfamethoxazole", "trimethoprim"}
    assert "nsaids" in ref.substance("Mefenamic acid").classes
    assert ref.substance("Morphine sulfate pentahydrate").key == "morphine"
    assert ref.substance("Diclofenac epolamine").key == "diclofenac"
    assert ref.substance("Ferrous sulfate dried").key == "ferrous sulfate"
    assert ref.substance("White soft paraffin").key == "paraffin"
    assert ref.classes["nsaids"].synonyms[0] == "NSAID"  # said "an NSAID", not "a nsaid"


def test_the_shipped_copy_reads(tables):
    assert len(read_knowledge(tables).substances) >= 150


def test_an_unknown_class_is_refused(tables):
    line = _edit(tables / "substances.csv", "analgesics-non-opioid,4000", "painkillers,4000")
    with pytest.raises(ReferenceError, match=rf"substances\.csv line {line}: unknown classes"):
        read_knowledge(tables)


def test_a_bad_number_is_refused(tables):
    line = _edit(tables / "substances.csv", "-opioid,4000,mg", "-opioid,4 g,mg")
    with pytest.raises(ReferenceError, match=rf"substances\.csv line {line}: '4 g' is not a num"):
        read_knowledge(tables)


def test_a_bad_score_is_refused(tables):
    line = _edit(tables / "substances.csv", "4000,mg,3000,0,", "4000,mg,3000,high,")
    with pytest.raises(ReferenceError, match=rf"substances\.csv line {line}: 'high'"):
        read_knowledge(tables)


def test_a_key_that_is_not_its_own_substance_key_is_refused(tables):
    line = _edit(tables / "substances.csv", "codeine,Codeine phosphate,", "Codeine Phosphate,x,")
    with pytest.raises(ReferenceError, match=rf"substances\.csv line {line}: key .* 'codeine'"):
        read_knowledge(tables)


def test_a_combination_of_an_unknown_substance_is_refused(tables):
    line = _edit(tables / "combinations.csv", "Co-codamol,codeine;", "Co-codamol,codine;")
    with pytest.raises(ReferenceError, match=rf"combinations\.csv line {line}: unknown subst"):
        read_knowledge(tables)


def test_an_unknown_member_allergy_is_refused(tables):
    line = _edit(tables / "classes.csv", "Penicillins,block,", "Penicillins,blok,")
    with pytest.raises(ReferenceError, match=rf"classes\.csv line {line}: member_allergy"):
        read_knowledge(tables)


def test_an_unknown_cross_sensitive_class_is_refused(tables):
    line = _edit(
        tables / "classes.csv", "Penicillins,block,cephalosporins;", "Penicillins,block,cefs;"
    )
    with pytest.raises(ReferenceError, match=rf"classes\.csv line {line}: unknown cross-sens"):
        read_knowledge(tables)


def test_a_substance_listed_twice_is_refused(tables):
    path = tables / "substances.csv"
    first = path.read_text(encoding="utf-8").splitlines()[1]
    with path.open("a", encoding="utf-8") as f:
        f.write(first + "\n")
    last = len(path.read_text(encoding="utf-8").splitlines())
    with pytest.raises(ReferenceError, match=rf"substances\.csv line {last}: .* is listed twice"):
        read_knowledge(tables)


def test_every_falls_risk_flag_gives_a_basis_the_falls_signal_cites():
    from emar.domain.review.signals.conditions import FALLS_BASIS, falls_basis

    ref = load_knowledge()
    flagged = [s for s in ref.substances.values() if s.falls_risk]
    assert flagged and all(falls_basis(s) in FALLS_BASIS.values() for s in flagged)
    assert (
        falls_basis(ref.substances["ramipril"]) == FALLS_BASIS["NICE falls (postural hypotension)"]
    )
    assert falls_basis(ref.substances["diazepam"]) == "STOPPFall (Seppala 2021)"


def test_the_renal_table_holds_the_bnf_limits_checked_by_hand():
    ref = load_knowledge()
    assert ref.renal_rule("metformin", Decimal(29)).advice == "avoid"
    assert ref.renal_rule("metformin", Decimal(44)).advice == "review dose"
    assert ref.renal_rule("metformin", Decimal(45)) is None
    assert ref.renal_rule("nitrofurantoin", Decimal(44)).advice == "avoid"
    assert ref.renal_rule("alendronic acid", Decimal(34)).advice == "avoid"
    assert ref.renal_rule("apixaban", Decimal(14)).advice == "avoid"
    assert all(r.source for r in ref.renal)
    assert not any("nsaids" in ref.substances[r.substance].classes for r in ref.renal)


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        ("nitrofurantoin,45,", "nitrofurantion,45,", "unknown substance"),
        ("nitrofurantoin,45,avoid", "nitrofurantoin,45,stop", "advice 'stop'"),
        ("nitrofurantoin,45,", "nitrofurantoin,-1,", "egfr_below should be a positive"),
        ("nitrofurantoin,45,", "ibuprofen,30,", "NSAIDs have their own kidney signal"),
    ],
)
def test_a_bad_renal_row_is_refused_by_file_and_line(tables, old, new, error):
    line = _edit(tables / "renal.csv", old, new)
    with pytest.raises(ReferenceError, match=rf"renal\.csv line {line}: {error}"):
        read_knowledge(tables)
