"""The rules for a home's own settings and its not-given codes (issue 22): the ranges a setting
may take, and which not-given codes the rules themselves rely on (never retired)."""

from __future__ import annotations

import re

from emar.domain.codes import ENTERED_IN_ERROR, IN_HOSPITAL, ON_LEAVE, OTHER, REFUSED
from emar.domain.review.line_use import NOT_REQUIRED, PAPER, WITHHELD
from emar.errors import ValidationError

DOSE_WINDOW = (5, 240)  # minutes either side of a dose's time
TIME_CRITICAL_WINDOW = (5, 120)  # and never wider than the normal window
IDLE_LOCK = (1, 60)  # minutes before an idle screen locks

# The codes a rule reads: the round (refused, away), corrections (entered in error, other) and
# the review's strip (withheld, not required, paper). Retiring one would change what they say.
CORE_CODES = frozenset(
    {REFUSED, IN_HOSPITAL, ON_LEAVE, OTHER, ENTERED_IN_ERROR, WITHHELD, NOT_REQUIRED, PAPER}
)

# The FHIR MedicationAdministration statusReason a home's own code may map to (as the defaults).
FHIR_REASONS = (
    "patient-refused",
    "nausea-vomiting",
    "patient-asleep",
    "patient-in-hospital",
    "patient-on-leave",
    "clinical-decision",
    "drug-not-available",
    "drug-destroyed",
    "not-required",
    "recorded-on-paper",
    "other",
)
_CODE = re.compile(r"[A-Z0-9]{1,4}")


def check_dose_windows(minutes: int, time_critical_minutes: int) -> None:
    """A message when the two dose windows are out of range or time-critical is the wider."""
    low, high = DOSE_WINDOW
    if not low <= minutes <= high:
        raise ValidationError(f"The dose window is {low} to {high} minutes, not {minutes}.")
    low, high = TIME_CRITICAL_WINDOW
    if not low <= time_critical_minutes <= high:
        raise ValidationError(
            f"The time-critical window is {low} to {high} minutes, not {time_critical_minutes}."
        )
    if time_critical_minutes > minutes:
        raise ValidationError(
            f"The time-critical window ({time_critical_minutes} min) cannot be wider than the "
            f"normal dose window ({minutes} min)."
        )


def check_idle_lock(minutes: int) -> None:
    low, high = IDLE_LOCK
    if not low <= minutes <= high:
        raise ValidationError(
            f"The screen locks after {low} to {high} idle minutes, not {minutes}."
        )


def checked_code(code: str) -> str:
    """A new code as stored: 1-4 letters or digits, upper-cased ("nb" is NB)."""
    code = (code or "").strip().upper()
    if not _CODE.fullmatch(code):
        raise ValidationError(
            f"A not-given code is 1 to 4 upper-case letters or digits (e.g. 'C' or 'NB'), "
            f"not {code!r}."
        )
    return code


def checked_fhir_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if reason not in FHIR_REASONS:
        raise ValidationError(
            f"The FHIR reason is one of: {', '.join(FHIR_REASONS)}; not {reason!r}."
        )
    return reason


def check_may_retire(code: str) -> None:
    if code in CORE_CODES:
        raise ValidationError(
            f"Code {code} cannot be retired: the round, corrections or the review rely on it."
        )
