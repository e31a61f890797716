"""Right dose: within the line's dose or range; a range needs a dose chosen (a question, not
a stop)."""

from __future__ import annotations

from decimal import Decimal

from emar.domain.doses import LineFacts
from emar.domain.verdict import Check, CheckCode, block
from emar.domain.wording import dose_text, format_amount, unit_text


def dose_checks(line: LineFacts, dose: Decimal | None) -> tuple[Decimal | None, list[Check]]:
    """The dose to give (None until one of a range is chosen) and what is wrong with it."""
    if dose is None:
        if line.dose_min != line.dose_max:
            return None, [
                block(
                    CheckCode.DOSE_CHOICE,
                    f"Which dose? {line.medicine}, "
                    f"{dose_text(line.dose_min, line.dose_max, line.dose_unit)}: choose below.",
                )
            ]
        return line.dose_min, []
    if not line.dose_min <= dose <= line.dose_max:
        prescribed = dose_text(line.dose_min, line.dose_max, line.dose_unit)
        return dose, [
            block(
                CheckCode.DOSE,
                f"{format_amount(dose)} {unit_text(line.dose_unit, dose)} is outside "
                f"the prescribed {prescribed}.",
            )
        ]
    return dose, []
