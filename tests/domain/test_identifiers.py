"""NHS number (modulus 11) and GTIN (GS1 mod 10) check digits."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emar.domain.gtin import gs1_check_digit, make_gtin13, to_gtin14
from emar.domain.nhs_number import format_nhs_number, nhs_check_digit, normalise_nhs_number
from emar.errors import ValidationError


@pytest.mark.parametrize("text", ["943 476 5919", "9434765919", "943-476-5919", "401 023 2137"])
def test_valid_nhs_numbers_are_accepted_in_printed_forms(text):
    assert normalise_nhs_number(text) == text.replace(" ", "").replace("-", "")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("943 476 5918", "wrong check digit"),
        ("943476591", "10 digits"),
        ("94347659190", "10 digits"),
        ("94347659l9", "10 digits"),
        ("", "10 digits"),
        ("٩٤٣٤٧٦٥٩١٩", "10 digits"),  # Arabic-Indic digits are digits to Python, not to the NHS
    ],
)
def test_invalid_nhs_numbers_are_refused_with_the_reason(text, why):
    with pytest.raises(ValidationError, match=why):
        normalise_nhs_number(text)


def test_remainder_ten_has_no_valid_check_digit():
    # 1+... chosen so the weighted sum leaves remainder 1: check digit would be 10.
    first_nine = next(f"{n:09d}" for n in range(10**6) if nhs_check_digit(f"{n:09d}") is None)
    for last in "0123456789":
        with pytest.raises(ValidationError):
            normalise_nhs_number(first_nine + last)


@given(st.integers(min_value=0, max_value=999_999_999), st.integers(0, 9), st.integers(1, 9))
def test_any_single_digit_change_breaks_a_valid_number(body, position, delta):
    first_nine = f"{body:09d}"
    check = nhs_check_digit(first_nine)
    if check is None:
        return
    number = first_nine + str(check)
    assert normalise_nhs_number(number) == number
    digits = list(number)
    digits[position] = str((int(digits[position]) + delta) % 10)
    with pytest.raises(ValidationError):
        normalise_nhs_number("".join(digits))


def test_nhs_number_is_printed_three_three_four():
    assert format_nhs_number("9434765919") == "943 476 5919"


@pytest.mark.parametrize(
    ("gtin", "expected"),
    [
        ("5012345678900", "05012345678900"),  # EAN-13
        ("05012345678900", "05012345678900"),  # GTIN-14
        ("96385074", "00000096385074"),  # GTIN-8
        ("036000291452", "00036000291452"),  # UPC-A
    ],
)
def test_gtins_compare_as_gtin14(gtin, expected):
    assert to_gtin14(gtin) == expected


@pytest.mark.parametrize("bad", ["5012345678901", "50123456789", "abc", "", "50123456789000000"])
def test_bad_gtins_are_refused(bad):
    with pytest.raises(ValidationError):
        to_gtin14(bad)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_made_gtin13_always_validates(body):
    gtin = make_gtin13(body)
    assert to_gtin14(gtin) == "0" + gtin
    assert gs1_check_digit(gtin[:-1]) == int(gtin[-1])
