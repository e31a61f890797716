"""The one classification of a regular chart line's doses, used by the round (due list), the
MAR, the reports and (its window and missed time) verification.

A line's doses are expanded from its timing over a period, and each is classified at a moment:
its window, when it becomes missed, what the MAR says of it now, whether the resident was away,
its state, how late it was given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from emar.domain.doses import DoseState, EntryFacts, LineFacts, classify
from emar.domain.mar_entries import DoseKey
from emar.domain.schedule import line_instants
from emar.domain.windows import DoseWindows, Window, dose_window, window_minutes

# The line is expanded this far past the period, so its last dose knows when the next opens.
BEYOND = timedelta(days=1)


class ScheduledDose(NamedTuple):
    """One scheduled dose, classified (a tuple: the due list makes thousands of these)."""

    scheduled_at: datetime
    window: Window
    missed_from: datetime  # with nothing recorded: overdue until then, missed after
    entry: EntryFacts | None  # what the MAR says now (corrections applied)
    away: str | None  # hospital / leave at the dose's time
    state: DoseState
    late_minutes: int  # given after the window closed, by this much
    chain: tuple[EntryFacts, ...]  # every entry for this dose, oldest first (if asked for)


def line_doses(
    line: LineFacts,
    zone: ZoneInfo,
    windows: DoseWindows,
    start: datetime,
    end: datetime,
    now: datetime,
    recorded: Mapping[DoseKey, EntryFacts],
    away_at: Callable[[datetime], str | None],
    chains: Mapping[DoseKey, list[EntryFacts]] | None = None,
) -> list[ScheduledDose]:
    """The doses of regular `line` scheduled in [start, end), classified at `now`.

    `recorded` is what the MAR says for each dose (mar_entries.dose_entries); `away_at` tells
    whether the resident was away at an instant; `chains` (mar_entries.dose_chains), when given,
    fills in each dose's entries, oldest first.
    """
    minutes = window_minutes(windows, line)
    instants = line_instants(line, zone, start, end + BEYOND)
    out = []
    for i, scheduled in enumerate(instants):
        if scheduled >= end:
            break
        window, missed_from = dose_window(instants, i, minutes)
        entry = recorded.get((line.id, scheduled))
        away = away_at(scheduled)
        state = classify(window, missed_from, entry, away, now)
        late = window.minutes_late(entry.administered_at) if entry and entry.is_given else 0
        chain: tuple[EntryFacts, ...] = ()
        if chains is not None:
            chain = tuple(sorted(chains.get((line.id, scheduled), ()), key=lambda e: e.id))
        out.append(ScheduledDose(scheduled, window, missed_from, entry, away, state, late, chain))
    return out
