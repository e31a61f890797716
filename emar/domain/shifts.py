"""The home's two shifts, day 08:00-20:00 and night 20:00-08:00 (local time): a handover covers
the shift now ending."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from emar.domain.schedule import local_instant

DAY_SHIFT = (time(8), time(20))  # the night shift is the rest


def shift_now_ending(now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The shift `now` falls in, as UTC instants [start, end): the day shift, or the night
    shift that began last evening (before 08:00) or this evening (from 20:00)."""
    today = now.astimezone(zone).date()
    day_start, day_end = (local_instant(today, t, zone) for t in DAY_SHIFT)
    if day_start <= now < day_end:
        return day_start, day_end
    night = today if now >= day_end else today - timedelta(days=1)
    start = local_instant(night, DAY_SHIFT[1], zone)
    return start, local_instant(night + timedelta(days=1), DAY_SHIFT[0], zone)
