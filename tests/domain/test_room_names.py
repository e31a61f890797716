"""The rooms a manager writes at set-up, expanded by hand."""

import pytest

from emar.domain.room_names import MAX_ROOMS, expand_rooms, parse_units
from emar.errors import ValidationError


def test_ranges_keep_their_letters_and_width():
    assert expand_rooms("G01-G03, G05") == ["G01", "G02", "G03", "G05"]
    assert expand_rooms("101 - 103") == ["101", "102", "103"]
    assert expand_rooms("9-11") == ["9", "10", "11"]
    assert expand_rooms("Garden suite; Annexe 2") == ["Garden suite", "Annexe 2"]
    assert expand_rooms("") == [] and expand_rooms(" , ") == []


def test_a_name_that_only_looks_like_a_range_is_one_room():
    assert expand_rooms("G01-F03") == ["G01-F03"]  # different letters: one name


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("G05-G01", "backwards"),
        ("G01-G1", "same number of digits"),
        ("G01, g01", "written twice"),
        (f"1-{MAX_ROOMS + 1}", f"more than {MAX_ROOMS}"),
        ("A room with a very long name", "longer than 20"),
    ],
)
def test_what_cannot_be_rooms_is_named(text, said):
    with pytest.raises(ValidationError, match=said):
        expand_rooms(text)


def test_the_largest_range_is_allowed():
    assert len(expand_rooms(f"1-{MAX_ROOMS}")) == MAX_ROOMS


def test_units_one_per_line_with_their_rooms():
    assert parse_units("Rose Unit: G01-G02\n\n  Oak   Unit :F1\nAnnexe") == [
        ("Rose Unit", ["G01", "G02"]),
        ("Oak Unit", ["F1"]),
        ("Annexe", []),
    ]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "at least one unit"),
        (": G01", "Line 1: the unit's name"),
        ("Rose: G01\nrose: G02", "named twice"),
        ("Rose: G02-G01", "Rose: Rooms 'G02-G01'"),
    ],
)
def test_what_cannot_be_units_is_named(text, said):
    with pytest.raises(ValidationError, match=said):
        parse_units(text)


def test_names_match_whatever_their_case_and_spacing():
    from emar.domain.room_names import name_key

    assert name_key("  ground   Floor ") == name_key("Ground floor") == "ground floor"
    assert name_key("g01") == name_key("G01") != name_key("G1")
