"""The verdict on an intended administration: typed checks with a severity and a plain message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import IntEnum, StrEnum

from emar.domain.doses import LineFacts
from emar.domain.windows import Window


class Severity(IntEnum):
    OK = 0
    WARN = 1
    BLOCK = 2


class CheckCode(StrEnum):
    ROLE = "role"
    TIME_INVALID = "time invalid"
    RESIDENT = "resident"
    ABSENT = "absent"
    UNKNOWN_PACK = "unknown pack"
    WRONG_RESIDENT = "wrong resident"
    NOT_ON_CHART = "not on chart"
    LINE_STATUS = "line status"
    DOSE = "dose"
    DOSE_CHOICE = "dose choice"
    ROUTE = "route"
    NO_DOSE_DUE = "no dose due"
    EARLY = "early"
    LATE = "late"
    MISSED = "missed"
    ALREADY = "already recorded"
    PRN_INTERVAL = "PRN interval"
    PRN_MAXIMUM = "PRN maximum"
    DAILY_MAXIMUM = "daily maximum"
    ALLERGY = "allergy"
    EXPIRED = "expired pack"
    NO_SCAN = "no scan"
    WITNESS = "witness needed"
    HIGH_RISK = "high risk"
    LATE_ENTRY = "late entry"
    RIGHTS = "five rights"
    ALLERGY_CAUTION = "allergy caution"
    FORM = "wrong form"
    ROUTE_CONFIRM = "confirm route"
    EXPIRY_UNREAD = "expiry unread"
    HOMELY_REMEDY = "homely remedy"


# Stops in the order a carer must hear them: an allergy, the wrong person or product, then
# what makes this dose wrong now, then what is only a question (which dose of a range).
SERIOUSNESS = (
    CheckCode.ALLERGY,  # first and loudest, whatever else is wrong (issue #16)
    CheckCode.ROLE,
    CheckCode.RESIDENT,
    CheckCode.WRONG_RESIDENT,
    CheckCode.UNKNOWN_PACK,
    CheckCode.NOT_ON_CHART,
    CheckCode.ROUTE,  # a pack for another route or of another form is the wrong product
    CheckCode.FORM,
    CheckCode.ABSENT,
    CheckCode.LINE_STATUS,
    CheckCode.HOMELY_REMEDY,  # not given under the protocol: never overridden
    CheckCode.ALREADY,
    CheckCode.MISSED,
    CheckCode.EXPIRED,
    CheckCode.DAILY_MAXIMUM,
    CheckCode.PRN_MAXIMUM,
    CheckCode.PRN_INTERVAL,
    CheckCode.EARLY,
    CheckCode.NO_DOSE_DUE,
    CheckCode.TIME_INVALID,
    CheckCode.DOSE,
    CheckCode.DOSE_CHOICE,
    CheckCode.EXPIRY_UNREAD,
    CheckCode.ROUTE_CONFIRM,
)

# Blocks that are only a question for the carer (which dose, the route without a barcode, the
# expiry the scan could not show): answered on the panel, never a red STOP.
QUESTIONS = frozenset({CheckCode.DOSE_CHOICE, CheckCode.ROUTE_CONFIRM, CheckCode.EXPIRY_UNREAD})

# Blocks a senior may override with a reason (domain.md); the rest are never overridden.
OVERRIDABLE = frozenset(
    {
        CheckCode.EARLY,
        CheckCode.PRN_INTERVAL,
        CheckCode.PRN_MAXIMUM,
        CheckCode.DAILY_MAXIMUM,
        CheckCode.ALLERGY,
    }
)


@dataclass(frozen=True, slots=True)
class Check:
    code: CheckCode
    severity: Severity
    message: str

    @property
    def overridable(self) -> bool:
        return self.code in OVERRIDABLE


@dataclass(frozen=True, slots=True)
class Verdict:
    checks: tuple[Check, ...]
    resident_id: int
    resident_name: str
    line: LineFacts | None
    scheduled_at: datetime | None
    window: Window | None
    dose: Decimal | None
    needs_witness: bool

    @property
    def severity(self) -> Severity:
        return max((c.severity for c in self.checks), default=Severity.OK)

    @property
    def blocked(self) -> bool:
        return self.severity == Severity.BLOCK

    @property
    def blocks(self) -> tuple[Check, ...]:
        """The stops, most serious first."""
        found = [c for c in self.checks if c.severity == Severity.BLOCK]
        return tuple(sorted(found, key=lambda c: _rank(c.code)))

    @property
    def stops(self) -> tuple[Check, ...]:
        """The blocks that are not just a question to answer."""
        return tuple(c for c in self.blocks if c.code not in QUESTIONS)

    @property
    def question(self) -> Check | None:
        """The question to answer now (the first, when nothing stops the dose)."""
        if self.stops:
            return None
        return next((c for c in self.blocks if c.code in QUESTIONS), None)

    @property
    def asks_dose(self) -> bool:
        """The only thing in the way is which dose of the range to give."""
        return self.has(CheckCode.DOSE_CHOICE) and not self.stops

    @property
    def offers_doses(self) -> bool:
        """The dose buttons are shown: the range asks which dose, and no stop is one no one may
        override (then choosing a dose would lead nowhere)."""
        return self.has(CheckCode.DOSE_CHOICE) and all(c.overridable for c in self.stops)

    @property
    def warnings(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.severity == Severity.WARN)

    @property
    def overridable(self) -> bool:
        return self.blocked and all(c.overridable for c in self.blocks)

    @property
    def headline(self) -> str:
        """The one sentence to show full-width: the most serious stop, else the question of
        which dose or another question, else the go-ahead."""
        if self.stops:
            return "STOP: " + self.stops[0].message
        if self.question is not None:
            return self.question.message
        ok = next((c for c in self.checks if c.code == CheckCode.RIGHTS), None)
        return ok.message if ok else "Checked"

    def has(self, code: CheckCode) -> bool:
        return any(c.code == code for c in self.checks)


def block(code: CheckCode, message: str) -> Check:
    return Check(code, Severity.BLOCK, message)


def warn(code: CheckCode, message: str) -> Check:
    return Check(code, Severity.WARN, message)


def _rank(code: CheckCode) -> int:
    return SERIOUSNESS.index(code) if code in SERIOUSNESS else len(SERIOUSNESS)
