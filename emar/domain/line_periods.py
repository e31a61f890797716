"""When a chart line can be given: its active periods and its status at an instant.

A line is active from its start once a second person has checked it, until its end; a suspension
pauses it, a resumption restarts it, a stop ends it. Events apply in effective-time order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from emar.domain.doses import Period

PENDING, ACTIVE, SUSPENDED, STOPPED, ENDED, NOT_STARTED = (
    "pending",
    "active",
    "suspended",
    "stopped",
    "ended",
    "not started",
)


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    kind: str  # checked / suspended / resumed / stopped
    effective_at: datetime
    reason: str | None


def active_periods(
    starts_at: datetime, ends_at: datetime | None, events: Iterable[Event]
) -> tuple[Period, ...]:
    ordered = sorted(events, key=lambda e: (e.effective_at, e.id))
    checks = [e.effective_at for e in ordered if e.kind == "checked"]
    if not checks:
        return ()
    periods: list[Period] = []
    current: datetime | None = max(starts_at, checks[0])
    for event in ordered:
        if event.kind == "suspended" and current is not None:
            if event.effective_at > current:
                periods.append((current, event.effective_at))
            current = None
        elif event.kind == "resumed" and current is None:
            current = max(event.effective_at, starts_at, checks[0])
        elif event.kind == "stopped":
            if current is not None and event.effective_at > current:
                periods.append((current, event.effective_at))
            current = None
            break
    if current is not None:
        periods.append((current, None))
    if ends_at is not None:
        periods = [
            (a, b if b is not None and b < ends_at else ends_at) for a, b in periods if a < ends_at
        ]
    return tuple(periods)


def status_at(
    starts_at: datetime, ends_at: datetime | None, events: Iterable[Event], at: datetime
) -> tuple[str, str | None]:
    """The line's state at `at`, and the reason for it where there is one."""
    ordered = sorted(events, key=lambda e: (e.effective_at, e.id))
    checked = any(e.kind == "checked" for e in ordered)
    state, reason = ACTIVE, None
    for event in ordered:
        if event.kind == "checked" or event.effective_at > at:
            continue
        if event.kind == "suspended":
            state, reason = SUSPENDED, event.reason
        elif event.kind == "resumed" and state == SUSPENDED:
            state, reason = ACTIVE, None
        elif event.kind == "stopped":
            state, reason = STOPPED, event.reason
            break
    if state == STOPPED:
        return state, reason
    if ends_at is not None and ends_at <= at:
        return ENDED, "course finished"
    if not checked:
        return PENDING, "waiting for a second person to check it"
    if starts_at > at:
        return NOT_STARTED, None
    return state, reason
