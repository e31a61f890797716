"""How doses and timings are written on a chart, so every screen and report says it the same way."""

from decimal import Decimal

_PLURAL_UNITS = {"tablet", "capsule", "patch", "puff", "drop", "sachet", "application", "spray"}
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def format_amount(value: Decimal) -> str:
    """1.000 -> "1", 0.500 -> "0.5", 2.25 -> "2.25"."""
    text = format(value.normalize(), "f")
    return text


def unit_text(unit: str, amount: Decimal) -> str:
    if unit in _PLURAL_UNITS and amount != 1:
        return unit + ("es" if unit.endswith("ch") else "s")
    return unit


def dose_text(dose_min: Decimal, dose_max: Decimal, unit: str) -> str:
    if dose_min == dose_max:
        return f"{format_amount(dose_min)} {unit_text(unit, dose_min)}"
    return f"{format_amount(dose_min)}-{format_amount(dose_max)} {unit_text(unit, dose_max)}"


def hours_text(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour" + ("s" if hours != 1 else "")
    return f"{minutes} min"


def weekdays_text(iso_days: str) -> str:
    return ", ".join(_WEEKDAYS[int(d) - 1] for d in iso_days.split(",") if d.strip())


def timing_text(
    timing: str,
    times: list[str],
    *,
    weekdays: str | None = None,
    every_n_days: int | None = None,
    every_n_hours: int | None = None,
    prn_min_interval_minutes: int | None = None,
    prn_max_doses_24h: int | None = None,
) -> str:
    at = ", ".join(times)
    if timing == "times_of_day":
        return f"Daily at {at}"
    if timing == "weekdays" and weekdays:
        return f"{weekdays_text(weekdays)} at {at}"
    if timing == "every_n_days":
        return f"Every {every_n_days} days at {at}"
    if timing == "every_n_hours":
        return f"Every {every_n_hours} hours"
    if timing == "prn":
        gap = hours_text(prn_min_interval_minutes or 0)
        return f"When required: at least {gap} apart, max {prn_max_doses_24h} in 24 hours"
    return timing
