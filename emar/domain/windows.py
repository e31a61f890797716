"""The window around a scheduled dose, and when a dose with nothing recorded becomes missed.

A dose is due within a window around its time: ±60 minutes, ±30 for time-critical medicines
(Parkinson's UK); both are home settings. After the window it is overdue until the line's next
dose opens (12 hours at most), then missed (domain.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from emar.domain.doses import LineFacts

OVERDUE_AT_MOST = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class DoseWindows:
    """The home's two window settings, in minutes either side of the dose's time."""

    minutes: int = 60
    time_critical_minutes: int = 30


def window_minutes(windows: DoseWindows, line: LineFacts) -> int:
    return windows.time_critical_minutes if line.time_critical else windows.minutes


@dataclass(frozen=True, slots=True)
class Window:
    opens: datetime
    closes: datetime

    @classmethod
    def around(cls, scheduled: datetime, minutes: int) -> Window:
        half = timedelta(minutes=minutes)
        return cls(scheduled - half, scheduled + half)

    def minutes_early(self, at: datetime) -> int:
        return max(0, _minutes(self.opens - at))

    def minutes_late(self, at: datetime) -> int:
        return max(0, _minutes(at - self.closes))


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def overdue_until(window: Window, scheduled: datetime, next_opens: datetime | None) -> datetime:
    """A dose with no entry is overdue after its window until the next dose of the line opens
    (or 12 hours at most); after that it is missed (domain.md: missed after the window)."""
    limit = scheduled + OVERDUE_AT_MOST
    if next_opens is not None:
        limit = min(limit, next_opens)
    return max(limit, window.closes)


def next_opening(scheduled: Sequence[datetime], index: int, minutes: int) -> datetime | None:
    return scheduled[index + 1] - timedelta(minutes=minutes) if index + 1 < len(scheduled) else None


def dose_window(scheduled: Sequence[datetime], index: int, minutes: int) -> tuple[Window, datetime]:
    """The window of the dose at `index` of a line's `scheduled` instants (in order), and when,
    with nothing recorded, it is missed. Used alike by the round, the reports and verification."""
    at = scheduled[index]
    window = Window.around(at, minutes)
    return window, overdue_until(window, at, next_opening(scheduled, index, minutes))
