"""The disposal register's rule: why stock leaves the home, which way it goes, and when a
second member of staff must witness it.

Which way: a single dose that cannot be given (dropped or damaged, refused and destroyed,
spoilt) is destroyed in the home: into the pharmaceutical waste bin, a controlled drug first
denatured with a denaturing kit. Whole supplies that are no longer wanted (expired, stopped,
the resident left or died, the end of the cycle) are returned to the pharmacy, on a signed
returns list. A witness: for a controlled drug exactly as the round decides it for a dose
(Schedules 2 and 3 always; 4 and 5 when the home's policy says so), whichever way it goes.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from emar.domain.line_periods import ACTIVE
from emar.domain.rights.giving import WitnessPolicy, needs_witness


class Reason(StrEnum):
    """Stored in stock_movement.reason: never change a value."""

    DROPPED = "dropped or damaged"
    REFUSED = "refused and destroyed"
    SPOILT = "spoilt"
    EXPIRED = "expired"
    STOPPED = "stopped (discontinued)"
    RESIDENT_LEFT = "resident left"
    RESIDENT_DIED = "resident died"
    END_OF_CYCLE = "end of cycle"


class Way(StrEnum):
    DESTROYED = "destroyed in the home"
    RETURNED = "returned to pharmacy"

    @property
    def kind(self) -> str:
        """The stock movement's kind (emar.models.stock.MOVEMENT_KINDS)."""
        return "wasted" if self == Way.DESTROYED else "returned"


REASONS = tuple(Reason)
DESTROYED_IN_THE_HOME = frozenset({Reason.DROPPED, Reason.REFUSED, Reason.SPOILT})

# Reasons recorded before the register (the stock tab's first list), read as today's.
OLD_REASONS = {
    "dropped": Reason.DROPPED,
    "discontinued": Reason.STOPPED,
}


def read_reason(text: str | None) -> Reason | None:
    """A stored reason as the register reads it (old wordings included); None if not one."""
    if text is None:
        return None
    try:
        return Reason(text)
    except ValueError:
        return OLD_REASONS.get(text)


def way_for(reason: Reason) -> Way:
    return Way.DESTROYED if reason in DESTROYED_IN_THE_HOME else Way.RETURNED


def witness_needed(cd_schedule: int | None, policy: WitnessPolicy) -> bool:
    """A disposal is witnessed when giving the same medicine would be."""
    return needs_witness(cd_schedule, policy)


def way_text(reason: Reason, cd_schedule: int | None) -> str:
    """What the nurse is told will happen, e.g. in the stock-out dialog."""
    way = way_for(reason)
    if way == Way.RETURNED:
        return "Returned to the pharmacy: it goes on the next returns list."
    if cd_schedule is not None:
        return "Destroyed in the home: denature it with a CD denaturing kit."
    return "Destroyed in the home: into the pharmaceutical waste bin."


def reason_refused(reason: Reason, line_state: str) -> str | None:
    """Why `reason` cannot be right for a line in `line_state` (emar.domain.line_periods), or
    None. A whole supply returned as stopped while the line is still active would leave its
    doses with nothing to give: the line is stopped on the chart first."""
    if reason == Reason.STOPPED and line_state == ACTIVE:
        return (
            "This line is still active on the chart: stop it there first, or choose another "
            "reason (end of cycle for a surplus)."
        )
    return None


# Units that come whole: half a patch or capsule is not disposed of (a halved tablet is, as
# half a dose can be spoilt; a liquid or cream by the amount).
WHOLE_UNITS = frozenset({"capsule", "patch", "puff", "drop", "sachet", "spray", "application"})


def quantity_refused(quantity: Decimal, unit: str) -> str | None:
    """Why a disposal of `quantity` of `unit` is not possible, or None."""
    if quantity <= 0:
        return "The quantity must be more than zero."
    if unit in WHOLE_UNITS and quantity != quantity.to_integral_value():
        return f"A {unit} is disposed of whole: give a whole number."
    if unit == "tablet" and (quantity * 2) != (quantity * 2).to_integral_value():
        return "Tablets are disposed of whole or in halves."
    return None
