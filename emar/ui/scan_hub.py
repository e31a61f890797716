"""One place scans arrive in the app, whichever scanner sent them (serial or keyboard wedge)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from emar.devices.serial_scanner import SerialScanner


class ScanHub(QObject):
    """`scanned` carries the raw text of each scan on the GUI thread; `status` the scanner's
    state ("connected", "unplugged", "waiting", "stopped") and a sentence for a banner."""

    scanned = Signal(str)
    status = Signal(str, str)

    def attach_serial(
        self, scanner_factory: type[SerialScanner] = SerialScanner, **kwargs
    ) -> SerialScanner:  # type: ignore[no-untyped-def]
        """Start a serial scanner whose scans (from its reader thread) arrive as signals here.

        Emitting a signal from another thread queues it to this object's (GUI) thread."""
        scanner = scanner_factory(on_scan=self.scanned.emit, on_status=self.status.emit, **kwargs)
        scanner.start()
        return scanner
