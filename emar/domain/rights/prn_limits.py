"""PRN limits in a carer's words: too soon after a related dose, or the line's or an
ingredient's maximum in 24 hours reached (the limits themselves: emar.domain.prn)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from emar.domain.clock_text import clock
from emar.domain.doses import EntryFacts, LineFacts
from emar.domain.mar_entries import given_entries
from emar.domain.prn import check_prn
from emar.domain.verdict import Check, CheckCode, block
from emar.domain.wording import format_amount


def prn_checks(
    line: LineFacts,
    resident_lines: Sequence[LineFacts],
    entries: Iterable[EntryFacts],
    at: datetime,
    dose: Decimal | None,
    zone: ZoneInfo,
    now: datetime,
    checked: frozenset[int] = frozenset(),
) -> list[Check]:
    """May `dose` of PRN `line` be given at `at` (the line's lowest dose if none is chosen)?
    `entries`: the resident's MAR entries from at least a day before `at` to a day after;
    `checked`: ingredients the daily maximum checks instead (emar.domain.prn)."""
    result = check_prn(
        line, resident_lines, given_entries(entries), at, dose or line.dose_min, checked
    )
    checks = []
    for b in result.blocks:
        until = clock(b.until, zone, now)
        if b.kind == "interval" and result.last_given is not None:
            last = result.last_given
            checks.append(
                block(
                    CheckCode.PRN_INTERVAL,
                    f"Too soon: {result.last_medicine} was given at "
                    f"{clock(last.administered_at, zone, now)} by {last.staff_name}; "
                    f"next {line.medicine} allowed at {until}.",
                )
            )
        elif b.kind == "count":
            checks.append(
                block(
                    CheckCode.PRN_MAXIMUM,
                    f"Limit reached: {line.prn_max_24h} of {line.prn_max_24h} doses "
                    f"of {line.medicine} in 24 hours already; next allowed at {until}.",
                )
            )
        elif b.kind == "ingredient":
            checks.append(
                block(
                    CheckCode.PRN_MAXIMUM,
                    f"{(b.ingredient or '').capitalize()} limit: "
                    f"{format_amount(b.given or Decimal(0))} {b.unit} already given in "
                    f"24 hours (maximum {format_amount(b.ceiling or Decimal(0))} "
                    f"{b.unit}); next allowed at {until}.",
                )
            )
    return checks
