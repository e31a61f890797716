"""The periods reports and charts cover by default, as UTC instants from local days.

Homes order and chart on a 28-day cycle (domain.md): a MAR chart covers 28 days, and the audit
and controlled-drug register look back over the same.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from emar.domain.schedule import local_instant

MAR_DAYS = 28  # the medicines cycle, and so a MAR chart's days


def last_days(now: datetime, zone: ZoneInfo, days: int = MAR_DAYS) -> tuple[datetime, datetime]:
    """The last `days` local days up to the end of today (audit, controlled-drug register)."""
    today = now.astimezone(zone).date()
    start = local_instant(today - timedelta(days=days - 1), time(0), zone)
    return start, local_instant(today + timedelta(days=1), time(0), zone)


def days_after(start: datetime, zone: ZoneInfo, days: int = MAR_DAYS) -> datetime:
    """The same local clock time `days` local days after `start` (a MAR from a given day: 28
    days, also across a clock change, not 28 x 24 hours)."""
    local = start.astimezone(zone)
    return local_instant(local.date() + timedelta(days=days), local.time(), zone)


def days_from_today(
    now: datetime, zone: ZoneInfo, days: int = MAR_DAYS
) -> tuple[datetime, datetime]:
    """`days` local days from the start of today (a MAR chart)."""
    today = now.astimezone(zone).date()
    start = local_instant(today, time(0), zone)
    return start, local_instant(today + timedelta(days=days), time(0), zone)
