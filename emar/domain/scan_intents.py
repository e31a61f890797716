"""What a scan is for: the rule that turns a scanned label into what the screen does next.

A scan has been parsed (emar/devices/scan_parser.py) into a kind: a staff badge, a resident's
label, a medicine pack, a booked-in pack label, or something not understood. Which screen gets it
is the router's job (emar/ui/scanning/router.py); these functions say what that screen does
with it, given only plain facts about the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

STAFF, RESIDENT, PACK, PACK_LABEL = "staff", "resident", "pack", "pack_label"
MEDICINES = (PACK, PACK_LABEL)


class RoundUse(StrEnum):
    ASK_PIN = "ask the badge holder's PIN"  # on the sign-in screen
    WITNESS = "fill in the witness"  # a controlled drug waits for its witness
    OPEN_RESIDENT = "open the resident"
    GIVE = "check the pack against the open resident's chart"
    REFUSE = "say why not"
    IGNORE = "nothing"


@dataclass(frozen=True)
class RoundScreen:
    signed_in: bool
    on_sign_in_page: bool
    witness_wanted: bool  # a verdict on screen asks for a witness's badge or name
    resident_open: bool
    can_administer: bool


@dataclass(frozen=True)
class ScanUse:
    use: RoundUse
    message: str | None = None  # for REFUSE: what the carer is told


SIGN_IN_FIRST = "Sign in first: scan your staff badge."
READ_ONLY = "Read-only sign-in: this role cannot record administrations."
RESIDENT_FIRST = "Scan the resident's label first, then the pack."


def round_use(kind: str, label_value: str | None, problem: str, screen: RoundScreen) -> ScanUse:
    """What the round does with a scan of `kind` (`problem` says why one was not understood)."""
    if kind == STAFF:
        if screen.witness_wanted:
            return ScanUse(RoundUse.WITNESS)
        if screen.on_sign_in_page:
            return ScanUse(RoundUse.ASK_PIN)
        return ScanUse(RoundUse.IGNORE)  # a badge is not a dose: swiping it changes nothing
    if not screen.signed_in:
        return ScanUse(RoundUse.REFUSE, SIGN_IN_FIRST)
    if kind == RESIDENT:
        if (label_value or "").isdigit():
            return ScanUse(RoundUse.OPEN_RESIDENT)
        return ScanUse(RoundUse.IGNORE)
    if kind in MEDICINES:
        if not screen.can_administer:
            return ScanUse(RoundUse.REFUSE, READ_ONLY)
        if not screen.resident_open:
            return ScanUse(RoundUse.REFUSE, RESIDENT_FIRST)
        return ScanUse(RoundUse.GIVE)
    return ScanUse(RoundUse.REFUSE, problem)


def office_takes(kind: str) -> bool:
    """A stock or catalogue screen in front takes every scan but a badge or a resident's label
    (those still sign in, witness and open residents on the round)."""
    return kind not in (STAFF, RESIDENT)


BOOK_IN_WANTS_PACK = "Scan a medicine pack to book it in."
CATALOGUE_WANTS_PACK = "Scan a medicine pack."


def pack_gtin(
    kind: str, gtin: str | None, problem: str | None, wants: str
) -> tuple[str | None, str]:
    """For the stock and catalogue screens, which need a manufacturer's pack: its GTIN, or why
    this scan will not do (a booked-in label names a chart line, not a product)."""
    if kind == PACK and gtin:
        return gtin, ""
    return None, problem or wants


# Recorded with a dose given from a booked-in pack label: no manufacturer's barcode was scanned.
PACK_LABEL_REASON = "booked-in pack label (no barcode on the pack)"


@dataclass(frozen=True)
class DoseScan:
    """What a medicine scan on the round says about the dose: the pack's barcode, or the chart
    line a booked-in pack label names (a pack with no barcode of its own)."""

    gtin: str | None = None
    line_id: int | None = None


def dose_scan(kind: str, gtin: str | None, label_value: str | None) -> DoseScan:
    """A pack gives its GTIN; a booked-in pack label, its chart line; anything else, neither."""
    if kind == PACK and gtin:
        return DoseScan(gtin=gtin)
    if kind == PACK_LABEL and (label_value or "").isdigit():
        return DoseScan(line_id=int(label_value or ""))
    return DoseScan()
