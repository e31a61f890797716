"""The verdict on an intended administration: typed checks with a severity and a plain message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import IntEnum, StrEnum

from emar.domain.doses import LineFacts, Window


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
    ALREADY = "already recorded"
    PRN_INTERVAL = "PRN interval"
    PRN_MAXIMUM = "PRN maximum"
    ALLERGY = "allergy"
    EXPIRED = "expired pack"
    NO_SCAN = "no scan"
    WITNESS = "witness needed"
    HIGH_RISK = "high risk"
    RIGHTS = "five rights"


# Blocks a senior may override with a reason (domain.md); the rest are never overridden.
OVERRIDABLE = frozenset(
    {CheckCode.EARLY, CheckCode.PRN_INTERVAL, CheckCode.PRN_MAXIMUM, CheckCode.ALLERGY}
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
        return tuple(c for c in self.checks if c.severity == Severity.BLOCK)

    @property
    def warnings(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.severity == Severity.WARN)

    @property
    def overridable(self) -> bool:
        return self.blocked and all(c.overridable for c in self.blocks)

    @property
    def headline(self) -> str:
        """The one sentence to show full-width: the first stop, else the go-ahead."""
        if self.blocks:
            return "STOP: " + self.blocks[0].message
        ok = next((c for c in self.checks if c.code == CheckCode.RIGHTS), None)
        return ok.message if ok else "Checked"

    def has(self, code: CheckCode) -> bool:
        return any(c.code == code for c in self.checks)
