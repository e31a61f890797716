"""When the entry is made against when the dose was given: a time in the future is refused; an
entry made more than 5 minutes after the dose is a late entry (a reason, flagged for review);
over 7 days after, it is not taken at all."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from emar.domain.clock_text import clock
from emar.domain.verdict import Check, CheckCode, block, warn

FUTURE_TOLERANCE = timedelta(minutes=1)
RECORDED_LATE_AFTER = timedelta(minutes=5)
LATE_ENTRY_LIMIT = timedelta(days=7)


def is_late_entry(at: datetime, now: datetime) -> bool:
    """Is a dose given at `at` and recorded at `now` a late entry?"""
    return at < now - RECORDED_LATE_AFTER


LATE_ENTRY_FOR = "A late entry is for a dose whose time has passed with no entry."


def may_fill_in_late(scheduled_at: datetime, has_entry: bool, now: datetime) -> bool:
    """A late entry fills in a dose whose time has passed and which has no entry yet (one on
    record is corrected instead)."""
    return not has_entry and scheduled_at <= now


def entry_time_checks(at: datetime, now: datetime, zone: ZoneInfo) -> list[Check]:
    checks = []
    if at > now + FUTURE_TOLERANCE:
        checks.append(
            block(CheckCode.TIME_INVALID, f"The time {clock(at, zone, now)} is in the future.")
        )
    if at < now - LATE_ENTRY_LIMIT:
        checks.append(
            block(
                CheckCode.TIME_INVALID,
                f"That time is more than {LATE_ENTRY_LIMIT.days} days ago: a manager can add a "
                "note to the MAR, but not a dose.",
            )
        )
    elif is_late_entry(at, now):
        checks.append(
            warn(
                CheckCode.LATE_ENTRY,
                f"Late entry: given at {clock(at, zone, now)}, recorded now. "
                "Say why it is recorded late (flagged for review).",
            )
        )
    return checks
