"""What giving needs beyond the five rights: a scanned pack or the reason there is none, a
witness for a controlled drug, a second look at a high-risk dose; then the go-ahead."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from emar.domain.doses import LineFacts
from emar.domain.verdict import Check, CheckCode, Severity, warn
from emar.domain.wording import dose_text


def scan_checks(scanned: bool) -> list[Check]:
    if scanned:
        return []
    return [
        warn(CheckCode.NO_SCAN, "No pack scanned: say why (for example, no barcode on the pack).")
    ]


def witness_checks(line: LineFacts) -> list[Check]:
    if not line.controlled:
        return []
    return [
        warn(
            CheckCode.WITNESS,
            "Controlled drug: a second member of staff must witness with their PIN.",
        )
    ]


def high_risk_checks(line: LineFacts) -> list[Check]:
    if not line.high_risk:
        return []
    return [
        Check(
            CheckCode.HIGH_RISK,
            Severity.OK,
            f"High-risk medicine: double-check the dose of {line.medicine}.",
        )
    ]


def go_ahead(
    checks: Sequence[Check], line: LineFacts, dose: Decimal | None, resident: str
) -> list[Check]:
    """ "Give 1 tablet of Amlodipine 5 mg tablet oral to Mary Jones.", when nothing above
    stops it."""
    if any(c.severity == Severity.BLOCK for c in checks):
        return []
    amount = dose_text(dose, dose, line.dose_unit) if dose is not None else "?"
    return [
        Check(
            CheckCode.RIGHTS,
            Severity.OK,
            f"Give {amount} of {line.medicine} {line.route} to {resident}.",
        )
    ]
