"""Each scan goes to exactly one screen: the one that takes scans now.

The hub (scan_hub.py) parses a scan once; the router asks the screens that take scans, highest
priority first, and gives the scan to the first that wants it. The round is the last resort and
takes whatever no one else wanted. So a pack scanned while the stock screen is in front is booked
in, not given, and a scan on the scanner self-test is a test, not a dose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import shiboken6
from PySide6.QtCore import QObject, Signal

from emar.devices.scan import Scan
from emar.ui.scanning.scan_hub import ScanHub

# Who asks first: the sign-in screen while it is up (signed out, nothing else is open), then
# the scanner self-test in front, then the stock or catalogue screen in front; the round last.
SIGN_IN, SELF_TEST, OFFICE = 30, 20, 10


class ScanTaker(Protocol):
    def takes(self, scan: Scan) -> bool: ...

    def take_scan(self, scan: Scan) -> None: ...


@dataclass
class _Entry:
    priority: int
    taker: ScanTaker


class ScanRouter(QObject):
    routed = Signal(object, object)  # the scan, and the screen that took it

    def __init__(self, hub: ScanHub, last_resort: ScanTaker) -> None:
        super().__init__(hub)
        self.hub, self.last_resort = hub, last_resort
        self._takers: list[_Entry] = []
        hub.scanned.connect(self.route)

    def add(self, taker: ScanTaker, priority: int) -> None:
        """`taker` is asked before the round (and before takers of lower priority) until it
        is destroyed."""
        self._takers.append(_Entry(priority, taker))
        self._takers.sort(key=lambda e: -e.priority)
        if isinstance(taker, QObject):
            taker.destroyed.connect(lambda _=None, t=taker: self.remove(t))

    def remove(self, taker: ScanTaker) -> None:
        self._takers = [e for e in self._takers if e.taker is not taker]

    def route(self, scan: Scan) -> None:
        for entry in list(self._takers):
            taker = entry.taker
            if isinstance(taker, QObject) and not shiboken6.isValid(taker):
                self.remove(taker)
                continue
            if taker.takes(scan):
                taker.take_scan(scan)
                self.routed.emit(scan, taker)
                return
        self.last_resort.take_scan(scan)
        self.routed.emit(scan, self.last_resort)
