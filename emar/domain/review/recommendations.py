"""The steps of a pharmacist's recommendation (issue 17, part 4): pure rules.

    proposed -> sent -> accepted | declined (with a reason) -> actioned -> outcome reviewed

and, for a recommendation to the home that the nurse accepts in person, proposed -> accepted.
Nothing follows "declined" or "outcome reviewed". "actioned" comes from a chart change that
cites the recommendation, or by hand with a reason (e.g. a monitoring plan set up, a
conversation held). A recommendation is open until it is declined, actioned or reviewed;
overdue when still open after its due date.

Who moves which step: the pharmacist proposes (in a signed review) and reviews the outcome;
the home (a nurse or the manager) records sending it and the GP's answer as it arrives, and
actions it.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from emar.errors import ValidationError

PROPOSED = "proposed"
SENT = "sent"
ACCEPTED = "accepted"
DECLINED = "declined"
ACTIONED = "actioned"
OUTCOME_REVIEWED = "outcome reviewed"
STATUSES = (PROPOSED, SENT, ACCEPTED, DECLINED, ACTIONED, OUTCOME_REVIEWED)
OPEN = (PROPOSED, SENT, ACCEPTED)
KINDS = ("stop", "reduce", "change", "start", "monitor", "review", "other")
ADDRESSEES = ("gp", "home")

# status -> the statuses that may follow it
NEXT: dict[str, tuple[str, ...]] = {
    PROPOSED: (SENT, ACCEPTED),  # accepted straight away: only a recommendation to the home
    SENT: (ACCEPTED, DECLINED),
    ACCEPTED: (ACTIONED,),
    ACTIONED: (OUTCOME_REVIEWED,),
    DECLINED: (),
    OUTCOME_REVIEWED: (),
}


class Mover(StrEnum):
    """Who records a step."""

    PHARMACIST = "pharmacist"  # proposes (in the signed review), reviews the outcome
    HOME = "home"  # a nurse or the manager: sent, the GP's answer
    CHART = "chart"  # whoever may change the chart: actioned


MOVED_BY: dict[str, Mover] = {
    PROPOSED: Mover.PHARMACIST,
    SENT: Mover.HOME,
    ACCEPTED: Mover.HOME,
    DECLINED: Mover.HOME,
    ACTIONED: Mover.CHART,
    OUTCOME_REVIEWED: Mover.PHARMACIST,
}


class StepRefused(ValidationError):
    """A step the recommendation's status does not allow; nothing was written."""


def is_open(status: str) -> bool:
    return status in OPEN


GP_REPLY_DAYS = 14  # a recommendation sent to the GP with no due date: chased after this


def due_date(due_on: date | None, status: str, sent_on: date | None) -> date | None:
    """When a recommendation is due: the date the pharmacist set, else (once sent to the GP)
    two weeks after it was sent, so that no recommendation waits unchased."""
    if due_on is not None:
        return due_on
    if status == SENT and sent_on is not None:
        return sent_on + timedelta(days=GP_REPLY_DAYS)
    return None


def is_overdue(status: str, due_on: date | None, today: date) -> bool:
    """Still open after its due date (due today is not overdue)."""
    return is_open(status) and due_on is not None and today > due_on


def status_named(text: str) -> str:
    """A status as typed ("outcome_reviewed", "Outcome-Reviewed"): the one it names."""
    return " ".join(text.replace("_", " ").replace("-", " ").lower().split())


def check_step(
    current: str,
    new: str,
    *,
    addressed_to: str,
    reason: str | None = None,
    chart_line_id: int | None = None,
) -> None:
    """Refuse (StepRefused, saying why) a step the rules do not allow."""
    if new not in STATUSES:
        raise StepRefused(f"Unknown status {new!r}: one of {', '.join(STATUSES)}.")
    if new == PROPOSED:
        raise StepRefused("A recommendation is proposed only in a signed review.")
    if current in (DECLINED, OUTCOME_REVIEWED):
        raise StepRefused(f"This recommendation is {current}: nothing follows.")
    if new == current:
        raise StepRefused(f"This recommendation is already {current}.")
    if new not in NEXT[current]:
        allowed = " or ".join(NEXT[current])
        raise StepRefused(f"A {current} recommendation can next be {allowed}, not {new}.")
    if current == PROPOSED and new == ACCEPTED and addressed_to != "home":
        raise StepRefused(
            "A recommendation to the GP is accepted only once it has been sent: record it sent "
            "first."
        )
    if new == DECLINED and not (reason or "").strip():
        raise StepRefused("Say why it was declined (the GP's reason).")
    if new == OUTCOME_REVIEWED and not (reason or "").strip():
        raise StepRefused("Say what came of it (the outcome you reviewed).")
    if new == ACTIONED and chart_line_id is None and not (reason or "").strip():
        raise StepRefused(
            "Say how it was carried out, or make the chart change citing it (which actions it)."
        )


def waiting_for(status: str, addressed_to: str) -> str | None:
    """What an open recommendation waits for: "gp" (not yet sent, or sent and unanswered),
    "action" (accepted, or proposed to the home), or None when it waits for nothing."""
    if status == ACCEPTED or (status == PROPOSED and addressed_to == "home"):
        return "action"
    if status in (PROPOSED, SENT):
        return "gp"
    return None
