"""GTIN check digits and the GTIN-14 form used for every comparison."""

from emar.errors import ValidationError


def gs1_check_digit(body: str) -> int:
    """GS1 mod-10 check digit for the digits before it (weights 3,1 from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def to_gtin14(text: str) -> str:
    """Normalise a GTIN-8/12/13/14 to 14 digits, checking its check digit."""
    digits = text.strip()
    if not digits.isascii() or not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
        raise ValidationError(f"{text!r} is not a GTIN (8, 12, 13 or 14 digits).")
    if gs1_check_digit(digits[:-1]) != int(digits[-1]):
        raise ValidationError(f"GTIN {digits} has a wrong check digit.")
    return digits.zfill(14)


def make_gtin13(prefix12: str) -> str:
    """Complete twelve digits into a GTIN-13 (used for synthetic demo packs)."""
    return prefix12 + str(gs1_check_digit(prefix12))
