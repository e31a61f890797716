"""Local clock text for carers: "14:00" today, "Tue 14:00" another day, optionally GMT/BST."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


def clock(at: datetime, zone: ZoneInfo, today_of: datetime | None = None) -> str:
    local = at.astimezone(zone)
    if today_of is not None and local.date() != today_of.astimezone(zone).date():
        return local.strftime("%a %H:%M")
    return local.strftime("%H:%M")


def clock_with_zone(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%d %b %Y %H:%M %Z")


def minutes_text(delta: timedelta) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"
