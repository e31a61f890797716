"""The expiry date a carer reads off a pack, typed as printed: "12/2026", "12/26", "2026-12",
"EXP 12 2026" or a whole date "31/12/2026". A month and year mean the end of that month, as
GS1's day 00 does: the pack may be used until then."""

from __future__ import annotations

import calendar
import re
from datetime import date

from emar.errors import ValidationError

_NUMBERS = re.compile(r"\d+")
HOW = "Type the expiry as printed on the pack, e.g. 12/2026 or 31/12/2026."


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


def read_expiry(text: str) -> date:
    """The date to check and store; ValidationError (with how to type it) if it is not one."""
    parts = _NUMBERS.findall(text)
    try:
        if len(parts) == 2 and len(parts[0]) == 4:  # 2026-12
            return month_end(int(parts[0]), int(parts[1]))
        if len(parts) == 2 and len(parts[1]) in (2, 4):  # 12/2026, 12/26
            return month_end(_year(parts[1]), int(parts[0]))
        if len(parts) == 3 and len(parts[0]) == 4:  # 2026-12-31
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        if len(parts) == 3 and len(parts[2]) in (2, 4):  # 31/12/2026
            return date(_year(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        pass
    raise ValidationError(f"{text.strip() or 'Nothing'} is not a date. {HOW}")
