"""A resident's weight as typed: kilograms, within what an adult in a care home can weigh. It
sets the lower paracetamol maximum under 50 kg (emar.domain.medicines.daily_maximum), so a
slip of the keyboard (4.5, 450) must be caught, not stored."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from emar.errors import ValidationError

LIGHTEST, HEAVIEST = Decimal(20), Decimal(300)


def weight_kg(value: str | Decimal | float | None) -> Decimal | None:
    """The weight in kg to one decimal place; None when not given. ValidationError with a
    plain message for anything that is not a plausible adult weight."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().lower().removesuffix("kg").strip()
    try:
        kg = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"Weight: {str(value)!r} is not a number of kilograms.") from None
    if not kg.is_finite() or not LIGHTEST <= kg <= HEAVIEST:
        raise ValidationError(
            f"Weight: {text} kg is not a likely adult weight ({LIGHTEST}-{HEAVIEST} kg): "
            "please check it."
        )
    return kg.quantize(Decimal("0.1"))
