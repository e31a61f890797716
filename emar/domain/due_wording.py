"""Why a dose or a PRN line shows as it does on the due list, in a carer's words."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from emar.domain.clock_text import clock, minutes_text
from emar.domain.codes import away_code
from emar.domain.doses import DoseState, EntryFacts, LineFacts
from emar.domain.medicines.daily_maximum import (
    DailyExcess,
    convert,
    daily_next_allowed,
    shown_unit,
)
from emar.domain.prn import PrnLimitCheck
from emar.domain.windows import Window
from emar.domain.wording import format_amount


def dose_why(
    state: DoseState,
    scheduled: datetime,
    window: Window,
    entry: EntryFacts | None,
    away: str | None,
    now: datetime,
    zone: ZoneInfo,
    missed_from: datetime,
) -> str:
    """Why a scheduled dose is in `state` at `now`: when it is due, its window, who gave it and
    how late or early, its not-given code, or that the resident is away."""
    at = clock(scheduled, zone, now)
    span = f"{clock(window.opens, zone)}-{clock(window.closes, zone)}"
    if state == DoseState.GIVEN and entry is not None:
        late = window.minutes_late(entry.administered_at)
        early = window.minutes_early(entry.administered_at)
        given = f"Given {clock(entry.administered_at, zone, now)} by {entry.staff_name}"
        if late:
            return f"{given}: LATE, {minutes_text(timedelta(minutes=late))} after the window"
        if early:
            return f"{given}: EARLY, {minutes_text(timedelta(minutes=early))} before the window"
        return given
    if state == DoseState.NOT_GIVEN and entry is not None:
        return (
            f"Not given: {entry.code} {entry.code_label or ''} "
            f"({entry.staff_name}, {clock(entry.administered_at, zone, now)})"
        ).replace("  ", " ")
    if state == DoseState.AWAY:
        return f"{away_code(away)}: resident in {away} at {at}"
    if state == DoseState.UPCOMING:
        return f"Due at {at} (window {span})"
    if state == DoseState.DUE_SOON:
        return f"Due at {at}: window opens in {minutes_text(window.opens - now)}"
    if state == DoseState.DUE:
        return f"Due now: {at} (window {span}, closes in {minutes_text(window.closes - now)})"
    if state == DoseState.OVERDUE:
        return (
            f"OVERDUE: due {at}, window closed {minutes_text(now - window.closes)} ago. "
            f"Give late or record why not, before {clock(missed_from, zone, now)}"
        )
    return f"MISSED: due {at}, nothing recorded"


def prn_available(check: PrnLimitCheck, away: str | None) -> bool:
    """Nothing is "available" to a resident who is not here (hospital or leave)."""
    return check.allowed and not away


def prn_why(
    line: LineFacts,
    check: PrnLimitCheck,
    zone: ZoneInfo,
    now: datetime,
    away: str | None,
    daily: Sequence[DailyExcess] = (),
) -> str:
    """Whether PRN `line` may be given now and why: the last related dose and the count in
    24 hours, or when it is next allowed; the daily maximum of an ingredient reached; or that
    the resident is away."""
    if away:
        return f"Not here: resident in {away}"
    counted = f"{check.doses_24h} of {line.prn_max_24h} in 24 h"
    if daily:
        first = daily[0]
        unit = shown_unit(first.maximum, first.unit)
        limit = convert(first.maximum, first.unit, unit) or first.maximum
        when = daily_next_allowed(check.next_allowed_at, daily)
        next_text = f"; next allowed {clock(when, zone, now)}" if when else ""
        return (
            f"Not now: {first.ingredient.lower()} daily maximum "
            f"({format_amount(limit)} {unit} in 24 h){next_text}"
        )
    if check.allowed:
        if check.last_given is None:
            return f"Available: none given in 24 h ({counted})"
        last = check.last_given
        return (
            f"Available: last {check.last_medicine} {clock(last.administered_at, zone, now)} "
            f"by {last.staff_name} ({counted})"
        )
    assert check.next_allowed_at is not None
    return f"Not yet: next allowed {clock(check.next_allowed_at, zone, now)} ({counted})"
