"""Right route: the one on the chart line (compared ignoring case and spaces around it)."""

from __future__ import annotations

from emar.domain.doses import LineFacts
from emar.domain.verdict import Check, CheckCode, block


def route_checks(line: LineFacts, route: str | None) -> list[Check]:
    """`route`: the route the carer means, None when not said (the line's)."""
    if route and route.strip().lower() != line.route.lower():
        return [block(CheckCode.ROUTE, f"{line.medicine} is prescribed {line.route}, not {route}.")]
    return []
