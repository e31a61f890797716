"""A ward PC's clock against the database server's (several PCs share one PostgreSQL server).

Administration times come from the PC that records them, and PRN limits and duplicate checks
compare times from different PCs, so a PC whose clock is wrong makes wrong records. A small
difference is shown as a banner for IT; a large one stops recording on that PC.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

SKEW_WARN = timedelta(minutes=2)
SKEW_BLOCK = timedelta(minutes=10)


class SkewState(StrEnum):
    OK = "ok"
    WARN = "warn"
    BLOCK = "block"


def skew_state(skew: timedelta | None) -> SkewState:
    """`skew` is the server's time minus this PC's (None: no separate server, as with SQLite)."""
    if skew is None or abs(skew) <= SKEW_WARN:
        return SkewState.OK
    return SkewState.WARN if abs(skew) <= SKEW_BLOCK else SkewState.BLOCK


def skew_text(skew: timedelta) -> str:
    minutes = round(abs(skew).total_seconds() / 60)
    way = "behind" if skew > timedelta(0) else "ahead of"
    return f"This PC's clock is {minutes} min {way} the database server's"
