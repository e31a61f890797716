"""Who records, for whom, and when the entry is made: role, resident, allergies, entry time."""

from datetime import timedelta

from emar.domain.rights.entry_time import entry_time_checks, is_late_entry
from emar.domain.rights.resident import allergy_checks, resident_checks, unknown_resident
from emar.domain.rights.staff import role_checks
from emar.domain.verdict import CheckCode, Severity
from tests.support.facts import AMOXICILLIN, LONDON, PARACETAMOL, at, line, resident

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


def test_an_allergy_to_the_medicine_an_ingredient_or_its_group():
    amoxil = line(medicine="Amoxicillin 500 mg capsule", ingredients=(AMOXICILLIN,))
    for allergy in ("Penicillin", "penicillins", "amoxicillin", "AMOXICILLINS", "Penicil"):
        assert said(allergy_checks(resident(allergies=(allergy,)), amoxil)) == [
            (
                CheckCode.ALLERGY,
                Severity.BLOCK,
                f"ALLERGY: Mary Jones is allergic to {allergy}; "
                "Amoxicillin 500 mg capsule matches it.",
            )
        ]
    co_codamol = line(medicine="Co-codamol 30/500 tablet", ingredients=(PARACETAMOL,))
    assert allergy_checks(resident(allergies=("Paracetamol",)), co_codamol)[0].code == (
        CheckCode.ALLERGY
    )
    assert allergy_checks(resident(allergies=("Co-codamol",)), co_codamol) != []


def test_no_allergy_no_check_and_one_check_per_allergy():
    amoxil = line(medicine="Amoxicillin 500 mg capsule", ingredients=(AMOXICILLIN,))
    assert allergy_checks(resident(allergies=("Latex", "aspirin")), amoxil) == []
    both = allergy_checks(resident(allergies=("penicillin", "amoxicillin")), amoxil)
    assert [c.message.split(";")[0] for c in both] == [
        "ALLERGY: Mary Jones is allergic to penicillin",
        "ALLERGY: Mary Jones is allergic to amoxicillin",
    ]
