"""A ward PC's scanner settings (kept per PC by the app, not in the shared database)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ScannerConfig:
    serial_port: str = ""  # empty: no serial scanner (a keyboard wedge needs no setting)
    baud: int = 9600
    terminator: str = "CR"
    wedge_max_gap_ms: int = 30
    wedge_min_length: int = 6
    wedge_suffixes: tuple[str, ...] = ("enter", "tab")
    wedge_prefix: str = ""
