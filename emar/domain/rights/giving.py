"""What giving needs beyond the five rights: a scanned pack or the reason there is none, a
witness for a controlled drug, a second look at a high-risk dose; then the go-ahead."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class WitnessPolicy:
    """The home's choice for the CD schedules the law does not make witnessed (4 and 5)."""

    schedule_4: bool = False
    schedule_5: bool = False


ALWAYS_WITNESSED = frozenset({2, 3})  # CD Schedules 2 and 3: every home witnesses them


def needs_witness(cd_schedule: int | None, policy: WitnessPolicy) -> bool:
    """Schedules 2 and 3 always; 4 and 5 when the home's policy says so; else never."""
    if cd_schedule in ALWAYS_WITNESSED:
        return True
    return (cd_schedule == 4 and policy.schedule_4) or (cd_schedule == 5 and policy.schedule_5)


def witness_checks(line: LineFacts, policy: WitnessPolicy) -> list[Check]:
    if not needs_witness(line.cd_schedule, policy):
        return []
    return [
        warn(
            CheckCode.WITNESS,
            f"Controlled drug (Schedule {line.cd_schedule}): a second member of staff must "
            "witness with their PIN.",
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
