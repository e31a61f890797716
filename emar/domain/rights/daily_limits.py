"""An ingredient's maximum in 24 hours across every line, in a carer's words (the rule itself:
emar.domain.medicines.daily_maximum)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from emar.domain.clock_text import clock
from emar.domain.doses import EntryFacts, LineFacts
from emar.domain.medicines.daily_maximum import (
    ON_TIME,
    DailyExcess,
    convert,
    daily_excesses,
    shown_unit,
)
from emar.domain.medicines.knowledge import Knowledge
from emar.domain.verdict import Check, CheckCode, block
from emar.domain.wording import format_amount


def daily_maximum_checks(
    line: LineFacts,
    resident_lines: Sequence[LineFacts],
    entries: Iterable[EntryFacts],
    at: datetime,
    scheduled_at: datetime | None,
    dose: Decimal | None,
    knowledge: Knowledge,
    weight_kg: Decimal | None,
    zone: ZoneInfo,
    now: datetime,
    window: timedelta = ON_TIME,
) -> list[Check]:
    """A stop for each ingredient of `dose` of `line` (its lowest dose if none is chosen) that
    would go over its maximum in 24 hours."""
    excesses = daily_excesses(
        line,
        resident_lines,
        entries,
        at,
        scheduled_at,
        dose or line.dose_min,
        knowledge,
        weight_kg,
        zone,
        window,
    )
    return [block(CheckCode.DAILY_MAXIMUM, _said(x, zone, now)) for x in excesses]


def _doses(count: int) -> str:
    return f"{count} dose" if count == 1 else f"{count} doses"


def _said(x: DailyExcess, zone: ZoneInfo, now: datetime) -> str:
    unit = shown_unit(x.maximum, x.unit)

    def amount(value: Decimal) -> str:
        return f"{format_amount(convert(value, x.unit, unit) or value)} {unit}"

    counted = []
    if x.given_doses:
        counted.append(f"{amount(x.given)} given in 24 hours ({_doses(x.given_doses)})")
    if x.scheduled_doses:
        counted.append(
            f"{amount(x.scheduled)} still due on the regular chart ({_doses(x.scheduled_doses)})"
        )
    whose = f"weight {format_amount(x.weight_kg)} kg" if x.weight_kg is not None else "an adult"
    limit = f"maximum {amount(x.maximum)}" + (
        f": {whose}" if x.weight_kg is not None else f" for {whose}"
    )
    if counted:
        what = (
            f"{' and '.join(counted)}; this {amount(x.this_dose)} would make "
            f"{amount(x.total)} ({limit})"
        )
    else:
        what = f"this {amount(x.this_dose)} alone is over the {limit}"
    then = f"; next allowed at {clock(x.next_allowed_at, zone, now)}" if x.next_allowed_at else ""
    return f"{x.ingredient} daily maximum: {what}{then}. Do not give; ask a senior."
