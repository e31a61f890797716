"""The codes a MAR entry carries. Their values are stored in the database: never change one.

Not-given codes are a configurable table (seeded from domain.md's default set); the few named
here are the ones the rules themselves rely on.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    GIVEN = "given"
    NOT_GIVEN = "not_given"


# A correction with this code voids the entry it supersedes: the dose is open again.
ENTERED_IN_ERROR = "X"
REFUSED = "R"
OTHER = "O"  # a note says what
IN_HOSPITAL = "H"
ON_LEAVE = "L"
DROPPED = "D"  # dropped, damaged or destroyed: the dose's disposal is recorded with it

# What a senior may say really happened when correcting an entry: label -> (outcome, code).
CORRECTIONS: dict[str, tuple[Outcome, str]] = {
    "Entered in error (it did not happen)": (Outcome.NOT_GIVEN, ENTERED_IN_ERROR),
    "Not given: refused": (Outcome.NOT_GIVEN, REFUSED),
    "Not given: other (write why in the reason)": (Outcome.NOT_GIVEN, OTHER),
}


class PrnEffect(StrEnum):
    """Was a PRN dose effective? Recorded later than the dose."""

    EFFECTIVE = "effective"
    PARTLY_EFFECTIVE = "partly_effective"
    NOT_EFFECTIVE = "not_effective"

    @property
    def label(self) -> str:
        """ "Partly effective", as a carer chooses it."""
        return self.value.replace("_", " ").capitalize()


HOSPITAL, LEAVE = "hospital", "leave"
ABSENCES = (HOSPITAL, LEAVE)  # where a resident away from the home is


def away_code(away: str | None) -> str:
    """What a dose due while the resident was away shows: H in hospital, L on leave."""
    return IN_HOSPITAL if away == HOSPITAL else ON_LEAVE
