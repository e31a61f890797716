"""Outcome, correction and PRN-effect codes: the values stored in the database."""

from emar.domain.codes import (
    CORRECTIONS,
    ENTERED_IN_ERROR,
    OTHER,
    REFUSED,
    Outcome,
    PrnEffect,
    away_code,
)
from emar.models.administration import OUTCOMES, PRN_EFFECTS


def test_outcomes_are_stored_as_given_and_not_given():
    assert [o.value for o in Outcome] == ["given", "not_given"]
    assert OUTCOMES == ("given", "not_given")  # the check constraint's text


def test_the_codes_the_rules_rely_on():
    assert (ENTERED_IN_ERROR, REFUSED, OTHER) == ("X", "R", "O")


def test_a_dose_while_away_shows_h_in_hospital_l_on_leave():
    assert away_code("hospital") == "H"
    assert away_code("leave") == "L"


def test_corrections_offer_in_error_refused_and_other_all_not_given():
    assert CORRECTIONS == {
        "Entered in error (it did not happen)": ("not_given", "X"),
        "Not given: refused": ("not_given", "R"),
        "Not given: other (write why in the reason)": ("not_given", "O"),
    }
    assert [label.split(" ")[0] for label in CORRECTIONS] == ["Entered", "Not", "Not"]  # order


def test_prn_effects_and_their_labels():
    assert PRN_EFFECTS == ("effective", "partly_effective", "not_effective")
    assert [e.label for e in PrnEffect] == ["Effective", "Partly effective", "Not effective"]
