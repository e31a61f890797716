"""Right time: which scheduled dose a scan means, and whether now is its time.

Giving before the window opens is a stop a senior may override (wrong-time attempts were 45% of
potential errors, Szczepura 2011); after it closes, a warning and the entry is late. A dose
already recorded is a stop naming who and when. Missed means missed: once the line's next dose
has opened (12 hours at most, emar.domain.windows), a dose is not given late any more, by
anyone; it is recorded as not given, or, if it was given in time, as a late entry at the time
it was given (before it was missed, with the reason it is recorded late).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from emar.domain.clock_text import clock, minutes_text
from emar.domain.doses import EntryFacts, LineFacts
from emar.domain.mar_entries import dose_entries
from emar.domain.rights.entry_time import is_late_entry
from emar.domain.schedule import line_instants
from emar.domain.verdict import Check, CheckCode, block, warn
from emar.domain.windows import DoseWindows, Window, dose_window, window_minutes

DOSE_SEARCH = timedelta(hours=12)  # a scan means a dose at most this far from its time


class DoseTime(NamedTuple):
    scheduled_at: datetime | None  # the dose meant; None: no dose of the line is due
    window: Window | None
    checks: list[Check]


def pick_dose(
    instants: Sequence[datetime], recorded: Collection[datetime], at: datetime, minutes: int
) -> datetime | None:
    """The dose meant at `at`, of a line's `instants` (in order; those in `recorded` have an
    entry): one whose window holds `at`, else the latest unrecorded one before it that is not
    yet missed, else the next one (which the time check will call early). A missed dose is
    never the one a scan means: an evening scan is the evening dose, not the morning's."""
    half = timedelta(minutes=minutes)
    open_doses = [t for t in instants if t not in recorded]
    in_window = [t for t in open_doses if t - half <= at <= t + half]
    if in_window:
        return min(in_window, key=lambda t: abs(t - at))
    in_window_recorded = [t for t in instants if t - half <= at <= t + half]
    if in_window_recorded:  # the current dose is already recorded: say so
        return in_window_recorded[0]
    before = [
        t
        for t in open_doses
        if t < at and at < dose_window(instants, instants.index(t), minutes)[1]
    ]
    if before:
        return before[-1]
    after = [t for t in open_doses if t > at]
    return after[0] if after else None


def time_checks(
    line: LineFacts,
    entries: Iterable[EntryFacts],
    windows: DoseWindows,
    zone: ZoneInfo,
    at: datetime,
    scheduled_at: datetime | None,
    now: datetime,
) -> DoseTime:
    """The dose of regular `line` given at `at` (the one at `scheduled_at` if said, else the
    one meant) and its time checks. `entries`: the resident's MAR entries around it."""
    minutes = window_minutes(windows, line)
    around = scheduled_at or at
    instants = line_instants(line, zone, around - DOSE_SEARCH, around + DOSE_SEARCH)
    recorded = dose_entries(entries)
    if scheduled_at is not None:
        if scheduled_at not in instants:
            message = (
                f"No dose of {line.medicine} is scheduled at {clock(scheduled_at, zone, now)}."
            )
            return DoseTime(None, None, [block(CheckCode.NO_DOSE_DUE, message)])
        scheduled = scheduled_at
    else:
        done = {t for t in instants if (line.id, t) in recorded}
        picked = pick_dose(instants, done, at, minutes)
        if picked is None:
            upcoming = [t for t in instants if t > at]
            when = f"; next at {clock(upcoming[0], zone, now)}" if upcoming else ""
            message = f"No dose of {line.medicine} is due now{when}."
            return DoseTime(None, None, [block(CheckCode.NO_DOSE_DUE, message)])
        scheduled = picked
    index = instants.index(scheduled)
    window, missed_from = dose_window(instants, index, minutes)
    entry = recorded.get((line.id, scheduled))
    if entry is None and at >= missed_from:
        message = _missed(line, instants, index, minutes, zone, at, now, missed_from)
        return DoseTime(scheduled, window, [block(CheckCode.MISSED, message)])
    checks = []
    if entry is None and now >= missed_from and not is_late_entry(at, now):
        checks.append(
            warn(
                CheckCode.LATE_ENTRY,
                f"Late entry: the {clock(scheduled, zone, now)} dose was missed. "
                "Say why it is recorded only now (flagged for review).",
            )
        )
    if entry is not None:
        what = "given" if entry.is_given else f"recorded as not given ({entry.code})"
        checks.append(
            block(
                CheckCode.ALREADY,
                f"Already {what} by {entry.staff_name} at "
                f"{clock(entry.administered_at, zone, now)}.",
            )
        )
    due = clock(scheduled, zone, now)
    if at < window.opens:
        checks.append(
            block(
                CheckCode.EARLY,
                f"Too early: {line.medicine} is due at {due}; the window opens in "
                f"{minutes_text(window.opens - at)}.",
            )
        )
    elif at > window.closes:
        lateness = minutes_text(at - window.closes)
        urgent = " TIME-CRITICAL: tell the nurse in charge." if line.time_critical else ""
        checks.append(
            warn(CheckCode.LATE, f"Late: due at {due}, {lateness} after the window.{urgent}")
        )
    return DoseTime(scheduled, window, checks)


def _missed(
    line: LineFacts,
    instants: Sequence[datetime],
    index: int,
    minutes: int,
    zone: ZoneInfo,
    at: datetime,
    now: datetime,
    missed_from: datetime,
) -> str:
    """Why the dose at `instants[index]` cannot be given at `at`, and what to do instead."""
    due = clock(instants[index], zone, now)
    half = timedelta(minutes=minutes)
    following = instants[index + 1] if index + 1 < len(instants) else None
    if following is not None and at >= following - half:
        nxt = clock(following, zone, now)
        why = (
            f"the {nxt} dose is due now"
            if at <= following + half
            else f"the {nxt} dose's window opened at {clock(following - half, zone, now)}"
        )
    else:
        why = f"more than {minutes_text(missed_from - instants[index])} have passed"
    message = (
        f"The {due} dose of {line.medicine} was missed: {why}. "
        "Record why it was missed (not given) and give the next dose."
    )
    if is_late_entry(at, now):  # a time said for a late entry: it must be before it was missed
        message += (
            f" If it was given in time, record the time it was given "
            f"(before {clock(missed_from, zone, now)})."
        )
    return message
