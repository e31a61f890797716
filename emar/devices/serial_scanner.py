"""Serial barcode scanners (USB CDC-ACM or RS-232) with pyserial.

A supervisor thread opens the port and runs pyserial's ReaderThread, which hands each complete
scan (up to the configured terminator) to `on_scan` on the reader thread; the Qt layer turns that
into a signal. When the scanner is unplugged the read fails, `on_status("unplugged", ...)` is
called, and the port is polled (serial.tools.list_ports for devices) and reopened when it returns.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

import serial
import serial.threaded
from serial.tools import list_ports

from emar.devices.scan_parser import MAX_SCAN_LENGTH

log = logging.getLogger(__name__)

TERMINATORS = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n"}
# USB vendor ids of common medication-round scanners (any product id of theirs is accepted).
SCANNER_VENDORS = {
    0x05E0: "Zebra (Symbol)",
    0x0C2E: "Honeywell",
    0x05F9: "Datalogic",
    0x1EAB: "Newland",
    0x2DD6: "Zebra",
    0x1A86: "USB serial adapter (CH340)",
}

ScanCallback = Callable[[str], None]
StatusCallback = Callable[[str, str], None]  # (state, message)


def find_scanner_ports(vendors: dict[int, str] = SCANNER_VENDORS) -> list[tuple[str, str]]:
    """(device, description) of connected serial ports whose USB vendor is a known scanner."""
    found = []
    for port in list_ports.comports():
        if port.vid is not None and port.vid in vendors:
            found.append((port.device, f"{vendors[port.vid]} {port.description}".strip()))
    return found


def _port_present(url: str) -> bool:
    """A URL (loop://, socket://) can only be tried; a device must be listed or exist."""
    if "://" in url:
        return True
    return os.path.exists(url) or any(p.device == url for p in list_ports.comports())


class _ScanReader(serial.threaded.Packetizer):
    def __init__(self, owner: SerialScanner) -> None:
        super().__init__()
        self.owner = owner
        self.TERMINATOR = owner.terminator
        self.flooding = False

    def data_received(self, data: bytes) -> None:
        if self.flooding:  # dropping to the end of an over-long run, then reading again
            end = data.find(self.TERMINATOR)
            if end < 0:
                return
            self.flooding, data = False, data[end + len(self.TERMINATOR) :]
        super().data_received(data)
        if len(self.buffer) > MAX_SCAN_LENGTH:  # no terminator in sight: noise, not a scan
            log.info("scanner sent over %d bytes without an ending; dropped", MAX_SCAN_LENGTH)
            self.buffer.clear()
            self.flooding = True
            self.owner.on_scan("\x00" * (MAX_SCAN_LENGTH + 1))  # reported once, as too long

    def handle_packet(self, packet: bytes) -> None:
        # latin-1 never fails; a scanner's bytes are ASCII (GS = 0x1d) in practice
        text = packet.decode("latin-1").strip("\r\n")
        if text:
            self.owner.on_scan(text)

    def connection_lost(self, exc: BaseException | None) -> None:
        # pyserial's base class re-raises the read error in the reader thread; an unplugged
        # scanner is an expected event here, reported through on_status instead.
        self.transport = None
        if exc is not None:
            log.info("scanner connection lost: %s", exc)
        self.owner._lost.set()


class _ReaderThread(serial.threaded.ReaderThread):
    """pyserial's reader, which ends on a SerialException from read() but lets the OSError of
    `in_waiting` (the port's ioctl, when the scanner is pulled out at that instant) kill the
    thread without telling anyone. Here that is an unplug like any other."""

    def run(self) -> None:
        try:
            super().run()
        except OSError as exc:
            self.alive = False
            if self.protocol is not None:
                self.protocol.connection_lost(exc)
                self.protocol = None


class SerialScanner:
    def __init__(
        self,
        url: str,
        on_scan: ScanCallback,
        on_status: StatusCallback | None = None,
        *,
        baud: int = 9600,
        terminator: str = "CR",
        poll_seconds: float = 1.0,
    ) -> None:
        if terminator not in TERMINATORS:
            raise ValueError(f"terminator must be one of {', '.join(TERMINATORS)}")
        self.url, self.baud, self.poll_seconds = url, baud, poll_seconds
        self.terminator = TERMINATORS[terminator]
        self.on_scan = on_scan
        self.on_status = on_status or (lambda state, message: None)
        self.state = "stopped"
        self._stop = threading.Event()
        self._lost = threading.Event()
        self._reader: serial.threaded.ReaderThread | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._supervise, name="scanner", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._lost.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._set("stopped", "Scanner stopped.")

    def send(self, data: bytes) -> None:
        """Write to the port (scanner configuration commands; loop:// tests)."""
        reader = self._reader
        if reader is None or not reader.alive:
            raise serial.SerialException("The scanner is not connected.")
        reader.write(data)

    def _set(self, state: str, message: str) -> None:
        if state != self.state:
            self.state = state
            self.on_status(state, message)

    def _supervise(self) -> None:
        first = True
        while not self._stop.is_set():
            if _port_present(self.url):
                try:
                    port = serial.serial_for_url(self.url, baudrate=self.baud, timeout=0.2)
                except (serial.SerialException, OSError) as exc:
                    log.info("scanner port not open yet: %s", exc)
                else:
                    self._run(port)
                    if self._stop.is_set():
                        break
                    self._set(
                        "unplugged",
                        f"Scanner on {self.url} disconnected: "
                        "plug it back in; it will reconnect by itself.",
                    )
                    first = False
                    continue
            if first:
                self._set("waiting", f"Waiting for a scanner on {self.url}.")
            else:
                self._set(
                    "unplugged",
                    f"Scanner on {self.url} disconnected: plug it back in; "
                    "it will reconnect by itself.",
                )
            self._stop.wait(self.poll_seconds)

    def _run(self, port: serial.SerialBase) -> None:
        self._lost.clear()
        reader = _ReaderThread(port, lambda: _ScanReader(self))
        self._reader = reader
        reader.start()
        reader.connect()
        self._set("connected", f"Scanner ready on {self.url}.")
        self._lost.wait()
        if reader.alive:
            reader.close()
        self._reader = None
