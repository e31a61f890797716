"""A weight typed for a resident: kilograms an adult can weigh, or a clear refusal."""

from decimal import Decimal

import pytest

from emar.domain.weight import weight_kg
from emar.errors import ValidationError


@pytest.mark.parametrize(
    ("typed", "kg"),
    [("48.5", Decimal("48.5")), (" 62 kg", Decimal("62.0")), ("45.04", Decimal("45.0")),
     (Decimal(50), Decimal("50.0")), ("", None), (None, None)],
)  # fmt: skip
def test_a_plausible_weight_is_kept_to_one_decimal(typed, kg):
    assert weight_kg(typed) == kg


@pytest.mark.parametrize(
    ("typed", "said"),
    [("4.5", "4.5 kg is not a likely adult weight"), ("450", "450 kg is not a likely"),
     ("-50", "-50 kg is not a likely"), ("fifty", "'fifty' is not a number of kilograms"),
     ("NaN", "nan kg is not a likely"), ("1e3", "1e3 kg is not a likely")],
)  # fmt: skip
def test_a_slip_of_the_keyboard_is_refused_with_a_plain_message(typed, said):
    with pytest.raises(ValidationError, match=said):
        weight_kg(typed)
