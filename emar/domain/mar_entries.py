"""What the MAR says now, from every entry recorded (corrections are entries too).

Entries are never edited: a correction supersedes an entry, and "entered in error" (code X)
voids it, which leaves the dose open again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from emar.domain.codes import ENTERED_IN_ERROR
from emar.domain.doses import EntryFacts, effective_entries

DoseKey = tuple[int, datetime]  # (chart line, scheduled time)


def dose_chains(entries: Iterable[EntryFacts]) -> dict[DoseKey, list[EntryFacts]]:
    """Every entry of each scheduled dose, in the order given (PRN entries have no dose key)."""
    chains: dict[DoseKey, list[EntryFacts]] = defaultdict(list)
    for e in entries:
        if e.scheduled_at is not None:
            chains[(e.chart_line_id, e.scheduled_at)].append(e)
    return chains


def current_entry(chain: list[EntryFacts]) -> EntryFacts | None:
    """What the MAR says for one dose: the latest entry no correction superseded, unless it
    voids the dose."""
    current = effective_entries(chain)
    if current and current[-1].code != ENTERED_IN_ERROR:
        return current[-1]
    return None


def voiding_entry(chain: list[EntryFacts]) -> EntryFacts | None:
    """The entry that voided this dose ("entered in error"), if the MAR's last word on it is
    that: a new record of the dose supersedes it, so the chain stays one line."""
    current = effective_entries(chain)
    if current and current[-1].code == ENTERED_IN_ERROR:
        return current[-1]
    return None


def dose_entries(entries: Iterable[EntryFacts]) -> dict[DoseKey, EntryFacts]:
    """What the MAR says for each scheduled dose; a voided ("entered in error") dose is open."""
    result = {}
    for key, chain in dose_chains(entries).items():
        entry = current_entry(chain)
        if entry is not None:
            result[key] = entry
    return result


def given_entries(entries: Iterable[EntryFacts]) -> list[EntryFacts]:
    """Effective "given" entries (corrections applied), for PRN limits."""
    return [e for e in effective_entries(entries) if e.is_given]
