"""NHS number: ten digits, the last a modulus 11 check digit (NHS Data Dictionary)."""

from emar.errors import ValidationError

_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


def nhs_check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None when no valid number can be made (remainder 1)."""
    total = sum(int(d) * w for d, w in zip(first_nine, _WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def normalise_nhs_number(text: str) -> str:
    """Return the ten digits of a valid NHS number, accepting spaces or dashes as printed."""
    digits = "".join(ch for ch in text if ch not in " -")
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        raise ValidationError(f"NHS number must be 10 digits (got {text!r}).")
    if nhs_check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError(f"NHS number {format_nhs_number(digits)} has a wrong check digit.")
    return digits


def format_nhs_number(digits: str) -> str:
    """The 3-3-4 form printed on NHS documents."""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if len(digits) == 10 else digits
