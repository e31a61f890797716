"""The doses a carer picks from when the chart gives a range ("1-2 tablets", "5-10 ml")."""

from __future__ import annotations

from decimal import Decimal

MOST_CHOICES = 8  # buttons Alt+1 .. Alt+8
HALF_ML_UP_TO = 5  # ml: a range this narrow is offered in half millilitres


def dose_choices(low: Decimal, high: Decimal, unit: str) -> list[Decimal]:
    """From `low` up to `high`: whole units, or halves for a narrow range of a liquid in ml;
    at most eight choices."""
    step = Decimal("0.5") if unit == "ml" and high - low <= HALF_ML_UP_TO else Decimal(1)
    out: list[Decimal] = []
    value = low
    while value <= high and len(out) < MOST_CHOICES:
        out.append(value)
        value += step
    return out
