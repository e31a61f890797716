"""Expand a chart line's timing into scheduled dose instants.

Doses are computed, never stored ahead, so they cannot drift from the chart. Clock times are local
to the home's zone and expanded per local date; the results are UTC instants.

DST policy (domain.md): on the spring-forward night a clock time inside the gap (01:00-01:59 in
London) moves past the jump by the same amount (01:30 becomes 02:30 BST); on the fall-back night a
time that happens twice is due once, at its first occurrence. zoneinfo gives exactly this with
fold=0: a gap time takes the offset from before the jump, an ambiguous time the earlier offset.
"Every N hours" counts elapsed time from the line's start, so it ignores the clock change.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from emar.errors import ValidationError

# The zone a home is in until it says otherwise (domain.md: UK care homes).
DEFAULT_ZONE = "Europe/London"

if TYPE_CHECKING:
    from emar.domain.doses import LineFacts


@dataclass(frozen=True, slots=True)
class Timing:
    """The timing fields of a chart line, detached from the database."""

    kind: str  # times_of_day | weekdays | every_n_days | every_n_hours | prn
    times: tuple[time, ...] = ()
    weekdays: frozenset[int] = frozenset()  # ISO 1=Mon .. 7=Sun
    every_n_days: int | None = None
    every_n_hours: int | None = None


def parse_times(text: str | None) -> tuple[time, ...]:
    """ "08:00, 18:00" -> (08:00, 18:00), sorted, each a valid 24-hour clock time."""
    result = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            hh, mm = part.split(":")
            result.append(time(int(hh), int(mm)))
        except ValueError:
            raise ValidationError(f"{part!r} is not a time of day (use HH:MM, 24-hour).") from None
    return tuple(sorted(set(result)))


def parse_weekdays(text: str | None) -> frozenset[int]:
    days = frozenset(int(d) for d in (text or "").split(",") if d.strip())
    if not days <= set(range(1, 8)):
        raise ValidationError("Weekdays are numbered 1 (Monday) to 7 (Sunday).")
    return days


def local_instant(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local clock time on a local date, by the DST policy above."""
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def nearest_instant(around: datetime, clock: time, zone: ZoneInfo) -> datetime:
    """The instant a local clock time means near `around`: "00:15" said of a 22:00 dose is
    the next morning, "23:50" said of a 00:30 dose the evening before."""
    day = around.astimezone(zone).date()
    candidates = [local_instant(day + timedelta(days=d), clock, zone) for d in (-1, 0, 1)]
    return min(candidates, key=lambda t: abs(t - around))


def _local_days(start: datetime, end: datetime, zone: ZoneInfo) -> Iterator[date]:
    # One day either side: a local date's doses can fall outside its UTC date.
    day = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    while day <= last:
        yield day
        day += timedelta(days=1)


def dose_instants(
    timing: Timing,
    zone: ZoneInfo,
    line_start: datetime,
    active: Sequence[tuple[datetime, datetime | None]],
    start: datetime,
    end: datetime,
) -> list[datetime]:
    """Scheduled instants in [start, end) that fall inside one of the `active` periods.

    `line_start` anchors "every N hours" and "every N days"; `active` is the list of
    [from, to) periods in which the line could be given (checked, not suspended or stopped,
    before its end). PRN lines have no schedule.
    """
    if timing.kind == "prn":
        return []
    if timing.kind == "every_n_hours":
        candidates = _every_n_hours(timing, line_start, start, end)
    else:
        candidates = _clock_times(timing, zone, line_start, start, end)
    return [t for t in candidates if start <= t < end and _inside(t, active)]


def _inside(t: datetime, active: Sequence[tuple[datetime, datetime | None]]) -> bool:
    return any(a <= t and (b is None or t < b) for a, b in active)


def _every_n_hours(
    timing: Timing, anchor: datetime, start: datetime, end: datetime
) -> list[datetime]:
    step = timedelta(hours=timing.every_n_hours or 0)
    if step <= timedelta(0):
        raise ValidationError("Every-N-hours timing needs N of at least 1.")
    # In UTC: aware arithmetic in a ZoneInfo zone is wall-clock arithmetic, not elapsed time.
    anchor = anchor.astimezone(UTC)
    k = max(0, (start - anchor) // step)
    t = anchor + k * step
    out = []
    while t < end:
        out.append(t)
        t += step
    return out


def _clock_times(
    timing: Timing, zone: ZoneInfo, anchor: datetime, start: datetime, end: datetime
) -> list[datetime]:
    anchor_day = anchor.astimezone(zone).date()
    out: list[datetime] = []
    for day in _local_days(start, end, zone):
        if timing.kind == "weekdays" and day.isoweekday() not in timing.weekdays:
            continue
        if timing.kind == "every_n_days":
            n = timing.every_n_days or 0
            if n < 1 or (day - anchor_day).days % n:
                continue
        out.extend(_day_instants(day, timing.times, zone))
    return sorted(set(out))


@lru_cache(maxsize=65536)
def _day_instants(day: date, times: tuple[time, ...], zone: ZoneInfo) -> tuple[datetime, ...]:
    """The instants of one local day's clock times; shared by every line with the same times."""
    return tuple(local_instant(day, clock, zone) for clock in times)


def line_instants(
    line: LineFacts, zone: ZoneInfo, start: datetime, end: datetime
) -> list[datetime]:
    """A chart line's scheduled instants in [start, end), within its active periods."""
    return dose_instants(line.timing, zone, line.starts_at, line.active_periods, start, end)
