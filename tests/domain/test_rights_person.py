"""Who records, for whom, and when the entry is made: role, resident, allergies, entry time."""

from datetime import timedelta
from decimal import Decimal

from emar.domain.doses import IngredientAmount
from emar.domain.medicines.allergies import AllergyFacts
from emar.domain.rights.entry_time import entry_time_checks, is_late_entry
from emar.domain.rights.resident import allergy_checks, resident_checks, unknown_resident
from emar.domain.rights.staff import role_checks
from emar.domain.verdict import CheckCode, Severity
from tests.support.facts import AMOXICILLIN, LONDON, PARACETAMOL, at, line, resident
from tests.support.knowledge import REF

NOW = at(10, 12)


def said(checks):
    return [(c.code, c.severity, c.message) for c in checks]


def test_a_pharmacist_or_unknown_user_may_not_record():
    assert role_checks("Amy Carter", True) == []
    assert said(role_checks("Philippa Grant", False)) == [
        (CheckCode.ROLE, Severity.BLOCK, "Philippa Grant may not record administrations.")
    ]
    assert role_checks(None, False)[0].message == "This user may not record administrations."


def test_an_entry_made_now_is_fine():
    assert entry_time_checks(NOW, NOW, LONDON) == []
    assert entry_time_checks(NOW - timedelta(minutes=5), NOW, LONDON) == []


def test_a_time_more_than_a_minute_ahead_is_refused():
    assert entry_time_checks(NOW + timedelta(minutes=1), NOW, LONDON) == []
    assert said(entry_time_checks(NOW + timedelta(minutes=2), NOW, LONDON)) == [
        (CheckCode.TIME_INVALID, Severity.BLOCK, "The time 12:02 is in the future.")
    ]


def test_more_than_five_minutes_ago_is_a_late_entry():
    assert not is_late_entry(NOW - timedelta(minutes=5), NOW)
    assert is_late_entry(NOW - timedelta(minutes=6), NOW)
    assert said(entry_time_checks(at(10, 8, 5), NOW, LONDON)) == [
        (
            CheckCode.LATE_ENTRY,
            Severity.WARN,
            "Late entry: given at 08:05, recorded now. "
            "Say why it is recorded late (flagged for review).",
        )
    ]
    assert entry_time_checks(at(9, 23), NOW, LONDON)[0].message.startswith(
        "Late entry: given at Tue 23:00"
    )


def test_over_seven_days_ago_is_not_taken():
    assert entry_time_checks(NOW - timedelta(days=7), NOW, LONDON)[0].code == CheckCode.LATE_ENTRY
    assert said(entry_time_checks(NOW - timedelta(days=7, minutes=1), NOW, LONDON)) == [
        (
            CheckCode.TIME_INVALID,
            Severity.BLOCK,
            "That time is more than 7 days ago: a manager can add a note to the MAR, "
            "but not a dose.",
        )
    ]


def test_unknown_discharged_and_away_residents_are_stops():
    assert said([unknown_resident()]) == [
        (CheckCode.RESIDENT, Severity.BLOCK, "Unknown resident: scan their label again.")
    ]
    assert resident_checks(resident(), NOW) == []
    assert said(resident_checks(resident(status="discharged"), NOW)) == [
        (CheckCode.RESIDENT, Severity.BLOCK, "Mary Jones is discharged.")
    ]
    away = resident(absences=(("hospital", at(10, 9), None), ("leave", at(1, 9), at(2, 9))))
    assert said(resident_checks(away, NOW)) == [
        (CheckCode.ABSENT, Severity.BLOCK, "Mary Jones is recorded as in hospital.")
    ]
    assert resident_checks(away, at(10, 8)) == []
    assert resident_checks(away, at(1, 12))[0].message == "Mary Jones is recorded as in leave."


def _allergic(*names: str):
    return resident(allergies=tuple(AllergyFacts(n, name) for n, name in enumerate(names, 1)))


def _checks(allergic, line_facts):
    return allergy_checks(allergic, line_facts.medicine, line_facts.ingredients, REF)


def test_an_allergy_to_the_medicine_is_a_stop_saying_why():
    amoxil = line(medicine="Amoxicillin 500 mg capsule", ingredients=(AMOXICILLIN,))
    assert said(_checks(_allergic("Penicillins"), amoxil)) == [
        (
            CheckCode.ALLERGY,
            Severity.BLOCK,
            "ALLERGY: Mary Jones is allergic to Penicillins: amoxicillin is a penicillin. "
            "Do not give.",
        )
    ]
    for allergy in ("penicillin", "amoxicillin", "AMOXICILLIN trihydrate", "Penicil"):
        assert [c.code for c in _checks(_allergic(allergy), amoxil)] == [CheckCode.ALLERGY]
    co_codamol = line(medicine="Co-codamol 30/500 tablet", ingredients=(PARACETAMOL,))
    assert _checks(_allergic("Paracetamol"), co_codamol)[0].code == CheckCode.ALLERGY
    assert _checks(_allergic("Co-codamol"), co_codamol) != []


def test_no_allergy_no_check_and_one_check_per_allergy():
    amoxil = line(medicine="Amoxicillin 500 mg capsule", ingredients=(AMOXICILLIN,))
    assert _checks(_allergic("Latex", "aspirin"), amoxil) == []
    both = _checks(_allergic("penicillin", "amoxicillin"), amoxil)
    assert [c.message.split(":")[1] for c in both] == [
        " Mary Jones is allergic to penicillin",
        " Mary Jones is allergic to amoxicillin",
    ]


def test_a_possible_cross_sensitivity_is_a_caution_not_a_stop():
    cefalexin = line(
        medicine="Cefalexin 250 mg capsule",
        ingredients=(IngredientAmount(3, "cefalexin", None, Decimal(250), "mg"),),
    )
    assert said(_checks(_allergic("Penicillin"), cefalexin)) == [
        (
            CheckCode.ALLERGY_CAUTION,
            Severity.WARN,
            "Allergy caution: Mary Jones is allergic to Penicillin; cefalexin is a "
            "cephalosporin: cephalosporins may cross-react with penicillins. Check with the "
            "nurse in charge or the pharmacist before giving.",
        )
    ]
