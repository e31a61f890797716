"""One scan as it reached the app: what it said (parsed once, here) and how it arrived."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from emar.devices.scan_parser import ParsedScan, parse_scan, visible

WEDGE, SERIAL = "wedge", "serial"


@dataclass(frozen=True)
class Scan:
    parsed: ParsedScan
    source: str  # WEDGE (USB keyboard) or SERIAL
    suffix: str | None = None  # how it ended: "enter"/"tab" (wedge), "CR"/"LF"/"CRLF" (serial)
    gaps_ms: tuple[float, ...] = ()  # between the wedge's keys, for the self-test

    @property
    def raw(self) -> str:
        return self.parsed.raw

    @property
    def kind(self) -> str:
        return self.parsed.kind


def read_scan(
    raw: str, source: str, suffix: str | None = None, gaps_ms: Sequence[float] = ()
) -> Scan:
    return Scan(parse_scan(raw), source, suffix, tuple(gaps_ms))


CUT_SHORT = "The scan was cut short — scan again."


def cut_short(raw: str, gaps_ms: Sequence[float] = ()) -> Scan:
    """A keyboard-wedge burst that stopped before the scanner's Enter or Tab."""
    parsed = ParsedScan(
        raw,
        "unknown",
        problem=CUT_SHORT,
        detail=f"The scanner sent: {visible(raw)[:120]} and then nothing: no Enter or Tab at "
        "the end. If every scan says this, set Scanner settings to the ending your scanner "
        "sends (or none).",
    )
    return Scan(parsed, WEDGE, None, tuple(gaps_ms))
