"""dm+d's products in the catalogue's words: the controlled-drug schedule, the route, the
strength as text, the dose unit and how much of each ingredient one dose unit holds.

Pure functions of the release's records and lookup descriptions (no database)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from emar.infra.dmd.records import Vmp, Vpi

_SCHEDULE = re.compile(r"^\s*Schedule\s+([1-5])\b", re.IGNORECASE)
# dm+d's way of saying "no route" (devices, some specials): no route to chart
_NO_ROUTE = {"route of administration not applicable": ""}
PERCENT_OF = {"gram": Decimal(10), "ml": Decimal(10)}  # mg in a gram or ml, per 1%


def cd_schedule(category: str | None) -> int | None:
    """The schedule (2-5) of a dm+d controlled-drug category description. "Schedule 1 (CD
    Lic)" is stored as 2, the strictest handling the app has (register and witness); "No
    Controlled Drug Status" and anything else that names no schedule is None."""
    match = _SCHEDULE.match(category or "")
    if match is None:
        return None
    return max(2, int(match.group(1)))


def route_word(description: str) -> str:
    """A dm+d route in the chart's plain words: "Ocular" -> "ocular"."""
    word = description.strip().lower()
    return _NO_ROUTE.get(word, word)


AMOUNT_PLACES = Decimal("0.0001")  # medicine_ingredient.amount is Numeric(12, 4)
AMOUNT_UNIT_LIMIT = 20


def number(value: Decimal) -> str:
    """23.200 -> "23.2", 1E+1 -> "10": as a person writes it."""
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class DoseContent:
    """What one dose unit of a product is, and holds."""

    dose_unit: str
    amounts: tuple[tuple[str, Decimal, str], ...] | None  # (ISID, amount, unit); None: unknown


def _unit(units: Mapping[str, str], code: str | None) -> str | None:
    return units.get(code) if code else None


def strength_text(name: str, vpis: Sequence[Vpi], units: Mapping[str, str]) -> str | None:
    """ "500 mg", "3 mg/ml", "2.32%" (mg per gram or ml, when the product's name says it as a
    percentage), several ingredients joined by "/"; None when dm+d gives no strength."""
    parts = []
    for vpi in vpis:
        top = _unit(units, vpi.numerator_unit)
        if vpi.numerator is None or top is None:
            return None
        bottom = _unit(units, vpi.denominator_unit)
        if vpi.denominator is None or bottom is None:
            parts.append(f"{number(vpi.numerator)} {top}")
            continue
        per = vpi.numerator / vpi.denominator
        if top == "mg" and bottom in PERCENT_OF:
            percent = f"{number(per / PERCENT_OF[bottom])}%"
            if percent in name:
                parts.append(percent)
                continue
        count = "" if vpi.denominator == 1 else f"{number(vpi.denominator)} "
        parts.append(f"{number(vpi.numerator)} {top}/{count}{bottom}")
    return "/".join(parts) or None


def dose_content(vmp: Vmp, vpis: Sequence[Vpi], units: Mapping[str, str]) -> DoseContent:
    """The dose unit: the unit dose form's unit (UDFS_UOMCD: tablet, ml...) when dm+d gives
    one, else the strength's denominator (gram for a gel), else "dose". Each ingredient's
    amount per dose unit: numerator / denominator when the denominator is in the dose unit, or
    numerator / unit dose size when there is no denominator (per tablet, per vial's ml).
    Any other strength (per 24 hours, per vial for a product dosed in ml...) leaves amounts
    None: the product is imported without amounts, and counted."""
    denominators = {_unit(units, v.denominator_unit) for v in vpis} - {None}
    dose_unit = (
        _unit(units, vmp.unit_dose_size_unit)
        or (next(iter(denominators)) if len(denominators) == 1 else None)
        or "dose"
    )
    amounts = []
    for vpi in vpis:
        top = _unit(units, vpi.numerator_unit)
        bottom = _unit(units, vpi.denominator_unit)
        if vpi.numerator is None or top is None:
            return DoseContent(dose_unit, None)
        if vpi.denominator is not None and bottom == dose_unit and vpi.denominator > 0:
            amount = vpi.numerator / vpi.denominator
        elif vpi.denominator is None and vmp.unit_dose_size:
            amount = vpi.numerator / vmp.unit_dose_size
        else:
            return DoseContent(dose_unit, None)
        amount = amount.quantize(AMOUNT_PLACES)
        if amount <= 0 or len(top) > AMOUNT_UNIT_LIMIT:  # too small to store, or no unit fits
            return DoseContent(dose_unit, None)
        amounts.append((vpi.ingredient_code, amount, top))
    return DoseContent(dose_unit, tuple(amounts) if amounts else None)
