"""One place scans arrive in the app, whichever scanner sent them (serial or keyboard wedge).

The hub parses each scan once and emits it typed (`Scan`) on the GUI thread. It also owns this
PC's serial scanner, so a port chosen in Settings replaces the running one at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal

from emar.devices.scan import SERIAL, WEDGE, Scan, cut_short, read_scan
from emar.devices.serial_scanner import SerialScanner

NO_SERIAL = "none"


class ScanHub(QObject):
    """`scanned` carries each `Scan` on the GUI thread; `status` the serial scanner's state
    ("connected", "unplugged", "waiting", "stopped", "none") and a sentence for a banner."""

    scanned = Signal(object)
    status = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.serial: SerialScanner | None = None
        self.state = (NO_SERIAL, "No serial scanner is set up on this PC.")
        self.status.connect(self._remember)

    def receive(
        self,
        raw: str,
        source: str = WEDGE,
        suffix: str | None = None,
        gaps_ms: Sequence[float] = (),
        *,
        complete: bool = True,
    ) -> Scan:
        """Parse and deliver one scan. Safe from any thread: a signal emitted from the serial
        reader thread is queued to the hub's (GUI) thread. An incomplete scan (cut short) is
        delivered as not understood, whatever its first part says."""
        scan = read_scan(raw, source, suffix, gaps_ms) if complete else cut_short(raw, gaps_ms)
        self.scanned.emit(scan)
        return scan

    def use_serial(
        self,
        url: str,
        *,
        baud: int = 9600,
        terminator: str = "CR",
        poll_seconds: float = 1.0,
        factory: Callable[..., SerialScanner] = SerialScanner,
    ) -> SerialScanner | None:
        """Stop the serial scanner in use (if any) and start one on `url` ("" = none)."""
        self.stop_serial()
        if not url:
            self.status.emit(NO_SERIAL, "No serial scanner is set up on this PC.")
            return None
        scanner = factory(
            url,
            on_scan=lambda raw: self.receive(raw, SERIAL, terminator),
            on_status=self.status.emit,
            baud=baud,
            terminator=terminator,
            poll_seconds=poll_seconds,
        )
        self.serial = scanner
        scanner.start()
        return scanner

    def stop_serial(self) -> None:
        scanner, self.serial = self.serial, None
        if scanner is not None:
            scanner.on_scan = lambda _raw: None  # a scan racing the stop is dropped
            scanner.stop()

    def _remember(self, state: str, message: str) -> None:
        self.state = (state, message)
