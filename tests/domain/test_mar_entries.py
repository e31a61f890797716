"""What the MAR says now: corrections supersede, "entered in error" reopens a dose."""

from emar.domain.mar_entries import (
    current_entry,
    dose_chains,
    dose_entries,
    given_entries,
    voiding_entry,
)
from tests.support.facts import at, entry, not_given

DOSE = at(10, 8)


def test_a_dose_with_one_entry_says_that_entry():
    given = entry(id=1, scheduled_at=DOSE)
    assert dose_entries([given]) == {(1, DOSE): given}


def test_a_correction_replaces_what_the_mar_says():
    first = entry(id=1, scheduled_at=DOSE)
    refused = not_given("R", id=2, scheduled_at=DOSE, supersedes_id=1)
    assert dose_entries([first, refused]) == {(1, DOSE): refused}


def test_entered_in_error_leaves_the_dose_open():
    first = entry(id=1, scheduled_at=DOSE)
    void = not_given("X", id=2, scheduled_at=DOSE, supersedes_id=1)
    assert dose_entries([first, void]) == {}
    assert current_entry([first, void]) is None


def test_a_new_record_supersedes_the_void_and_only_the_void():
    first = entry(id=1, scheduled_at=DOSE)
    void = not_given("X", id=2, scheduled_at=DOSE, supersedes_id=1)
    assert voiding_entry([first, void]) == void
    assert voiding_entry([first]) is None  # a dose on record is not reopened
    again = entry(id=3, scheduled_at=DOSE, supersedes_id=2)
    assert voiding_entry([first, void, again]) is None


def test_a_dose_given_again_after_a_void_says_the_new_entry():
    first = entry(id=1, scheduled_at=DOSE)
    void = not_given("X", id=2, scheduled_at=DOSE, supersedes_id=1)
    again = entry(id=3, scheduled_at=DOSE, supersedes_id=2)
    assert dose_entries([first, void, again]) == {(1, DOSE): again}


def test_prn_entries_have_no_dose_and_doses_are_kept_apart_by_line_and_time():
    prn = entry(id=1, chart_line_id=2)
    morning = entry(id=2, scheduled_at=DOSE)
    evening = entry(id=3, scheduled_at=at(10, 18))
    other_line = entry(id=4, chart_line_id=3, scheduled_at=DOSE)
    chains = dose_chains([prn, morning, evening, other_line])
    assert chains == {
        (1, DOSE): [morning],
        (1, at(10, 18)): [evening],
        (3, DOSE): [other_line],
    }


def test_given_entries_apply_corrections_and_keep_prn_doses():
    prn = entry(id=1, chart_line_id=2)
    scheduled = entry(id=2, scheduled_at=DOSE)
    voided = not_given("X", id=3, scheduled_at=DOSE, supersedes_id=2)
    refused = not_given("R", id=4, scheduled_at=at(10, 18))
    assert given_entries([prn, scheduled, voided, refused]) == [prn]
