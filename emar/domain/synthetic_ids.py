"""Synthetic identifiers for demo and test data: valid check digits, never real ones."""

from emar.domain.gtin import make_gtin13
from emar.domain.nhs_number import nhs_check_digit


def fake_gtin(index: int) -> str:
    """A GTIN-13 with the synthetic prefix 5099999 and a valid check digit."""
    return make_gtin13(f"5099999{index:05d}")


def fake_nhs_number(index: int) -> str:
    """A valid NHS number in the range the NHS reserves for testing (999 000 0000 upwards)."""
    n = index
    while True:
        first_nine = f"999{n:06d}"
        check = nhs_check_digit(first_nine)
        if check is not None:
            return first_nine + str(check)
        n += 1000  # skip numbers that cannot take a check digit, keep them distinct
