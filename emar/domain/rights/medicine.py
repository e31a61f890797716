"""Right medicine: the pack (or the line chosen) must be on an active chart line of this
resident; a pack of someone else's medicine names whose it is; an expired pack is a stop."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from emar.domain.doses import LineFacts
from emar.domain.line_periods import ACTIVE
from emar.domain.verdict import Check, CheckCode, block, warn

NAMED_AT_MOST = 3  # owners named when a pack is on several other residents' charts


def nothing_chosen() -> Check:
    return block(CheckCode.NOT_ON_CHART, "Scan the pack or choose the medicine.")


def on_another_chart(owner: str | None, resident: str) -> Check:
    """The chart line chosen is not this resident's; `owner` is whose it is, if known."""
    whose = f"{owner}'s" if owner else "another"
    return block(CheckCode.WRONG_RESIDENT, f"That medicine is on {whose} chart, not {resident}'s.")


def unreadable_pack(problem: str) -> Check:
    return block(CheckCode.UNKNOWN_PACK, f"Unreadable pack barcode: {problem}")


def unknown_pack(gtin: str) -> Check:
    return block(
        CheckCode.UNKNOWN_PACK,
        f"Unknown pack (barcode {gtin}): it is not in the medicine catalogue.",
    )


def not_the_chosen(pack_medicine: str, chosen: LineFacts | None) -> Check:
    """The pack scanned is not the medicine of the line chosen on screen."""
    picked = chosen.medicine if chosen else "the chosen medicine"
    return block(CheckCode.NOT_ON_CHART, f"This pack is {pack_medicine}, not {picked}.")


def not_on_this_chart(
    pack_medicine: str, others: Sequence[tuple[str, str]], resident: str
) -> Check:
    """A pack on no chart line of this resident. `others`: (resident, medicine as named on
    their chart) for every other resident whose chart holds it: a wrong resident, else a
    medicine not on this chart."""
    if others:
        names = sorted({name for name, _ in others})
        shown = ", ".join(names[:NAMED_AT_MOST]) + (
            " and others" if len(names) > NAMED_AT_MOST else ""
        )
        return block(
            CheckCode.WRONG_RESIDENT, f"This is {others[0][1]} for {shown}, not for {resident}."
        )
    return block(CheckCode.NOT_ON_CHART, f"{pack_medicine} is not on {resident}'s chart.")


def line_for_pack(candidates: Sequence[LineFacts]) -> LineFacts | None:
    """Of this resident's lines for the pack's medicine, the one meant: an active regular line,
    then an active PRN line, then anything (so the verdict can say why not)."""
    return min(candidates, key=lambda ln: (ln.status != ACTIVE, ln.is_prn, ln.id), default=None)


def line_status_checks(line: LineFacts) -> list[Check]:
    """Pending, suspended, stopped, finished or not started: do not give, and why."""
    if line.status == ACTIVE:
        return []
    reason = f": {line.status_reason}" if line.status_reason else ""
    return [block(CheckCode.LINE_STATUS, f"{line.medicine} is {line.status}{reason}. Do not give.")]


def expired(expiry: date, zone: ZoneInfo, at: datetime) -> bool:
    """A pack is usable up to and including its expiry date, in the home's local days."""
    return expiry < at.astimezone(zone).date()


def pack_checks(expiry: date | None, zone: ZoneInfo, at: datetime) -> list[Check]:
    """An expired pack is a stop; one expiring on the day it is given, a warning."""
    if expiry is None:
        return []
    today = at.astimezone(zone).date()
    if expired(expiry, zone, at):
        return [
            block(CheckCode.EXPIRED, f"This pack expired on {expiry:%d %b %Y}: use another pack.")
        ]
    if expiry == today:
        return [warn(CheckCode.EXPIRED, "This pack expires today.")]
    return []


def expiry_question(uncertain: bool, answered: bool) -> list[Check]:
    """A scan that cannot show the expiry for certain (no separator, and the batch or serial
    could hold it): the carer reads the date on the pack, or says it shows none."""
    if not uncertain or answered:
        return []
    return [
        block(
            CheckCode.EXPIRY_UNREAD,
            "Read the expiry date on the pack: the scan could not show it for certain.",
        )
    ]
