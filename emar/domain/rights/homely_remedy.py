"""A homely remedy's protocol in a carer's words (the rule: emar.domain.homely_remedies). The
PRN limits of its chart line are checked as on any line (emar.domain.rights.prn_limits)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from emar.domain.homely_remedies import Authorisation, check_homely
from emar.domain.verdict import Check, CheckCode, block


def homely_checks(
    authorisation: Authorisation | None, given: Iterable[datetime], at: datetime, today: date
) -> list[Check]:
    """A stop no one overrides when the protocol does not allow the dose now."""
    refusal = check_homely(authorisation, given, at, today)
    return [] if refusal is None else [block(CheckCode.HOMELY_REMEDY, refusal.message)]
