"""Serial scanners on a real pseudo-terminal, and on pyserial's loop://.

Unplugging closes the terminal (reads fail, the device path goes); plugging back in opens a new
one under the same path.
"""

from __future__ import annotations

import os
import queue
import time
import tty
from pathlib import Path

import pytest

from emar.devices.serial_scanner import SerialScanner, find_scanner_ports

GS = "\x1d"
WAIT = 10


class PtyPair:
    """A pseudo-terminal standing in for a USB serial scanner: `scanner` is the device path eMAR
    opens (a link, so it keeps its name across replugs, like a udev rule); tests write what a
    scanner would send to the terminal's other end. Unplugging closes that end, which is what
    the kernel does to a tty whose USB device vanishes: reads fail, the path disappears."""

    def __init__(self, folder: Path) -> None:
        self.scanner = folder / "scanner"
        self.master: int | None = None

    def plug_in(self) -> None:
        master, slave = os.openpty()
        tty.setraw(slave)
        os.symlink(os.ttyname(slave), self.scanner)
        os.close(slave)  # eMAR opens its own; the terminal lives while the master end is open
        self.master = master

    def unplug(self) -> None:
        assert self.master is not None
        self.scanner.unlink(missing_ok=True)
        os.close(self.master)
        self.master = None

    def send(self, data: bytes) -> None:
        assert self.master is not None
        os.write(self.master, data)


@pytest.fixture
def pty_pair(tmp_path):
    pair = PtyPair(tmp_path)
    pair.plug_in()
    yield pair
    if pair.master is not None:
        pair.unplug()


def _collector():
    scans: queue.Queue[str] = queue.Queue()
    states: queue.Queue[str] = queue.Queue()
    return scans, states, scans.put, (lambda state, _msg: states.put(state))


def _wait_for(q: queue.Queue[str], wanted: str) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            if q.get(timeout=0.2) == wanted:
                return
        except queue.Empty:
            continue
    raise AssertionError(f"never saw {wanted!r}")


@pytest.mark.parametrize(
    ("terminator", "ending"), [("CR", b"\r"), ("LF", b"\n"), ("CRLF", b"\r\n")]
)
def test_scans_arrive_whole_with_each_terminator(pty_pair, terminator, ending):
    scans, states, on_scan, on_status = _collector()
    scanner = SerialScanner(
        str(pty_pair.scanner),
        on_scan,
        on_status,
        terminator=terminator,
        baud=115200,
        poll_seconds=0.1,
    )
    scanner.start()
    try:
        _wait_for(states, "connected")
        fmd = "]d20105012345678900172606301" + f"0AB12{GS}21XYZ987"
        # two scans in one burst, the second split across writes, as USB delivers them
        pty_pair.send(fmd.encode() + ending + b"50123456")
        pty_pair.send(b"78900" + ending)
        assert scans.get(timeout=WAIT) == fmd
        assert scans.get(timeout=WAIT) == "5012345678900"
    finally:
        scanner.stop()


def test_unplug_is_reported_and_the_port_reopens_when_it_returns(pty_pair):
    scans, states, on_scan, on_status = _collector()
    scanner = SerialScanner(str(pty_pair.scanner), on_scan, on_status, poll_seconds=0.1)
    scanner.start()
    try:
        _wait_for(states, "connected")
        pty_pair.unplug()
        _wait_for(states, "unplugged")
        pty_pair.plug_in()
        _wait_for(states, "connected")
        pty_pair.send(b"EMAR-R-42\r")
        assert scans.get(timeout=WAIT) == "EMAR-R-42"
    finally:
        scanner.stop()


def test_a_scanner_not_yet_plugged_in_is_waited_for(tmp_path):
    scans, states, on_scan, on_status = _collector()
    pair = PtyPair(tmp_path)
    scanner = SerialScanner(str(pair.scanner), on_scan, on_status, poll_seconds=0.1)
    scanner.start()
    try:
        _wait_for(states, "waiting")
        pair.plug_in()
        _wait_for(states, "connected")
        pair.send(b"5012345678900\r")
        assert scans.get(timeout=WAIT) == "5012345678900"
    finally:
        scanner.stop()
        pair.unplug()


def test_loop_url():
    scans, states, on_scan, on_status = _collector()
    scanner = SerialScanner("loop://", on_scan, on_status, poll_seconds=0.1)
    scanner.start()
    try:
        _wait_for(states, "connected")
        scanner.send(b"EMAR-S-B1001\r")
        assert scans.get(timeout=WAIT) == "EMAR-S-B1001"
    finally:
        scanner.stop()
    assert scanner.state == "stopped"


def test_bad_terminator_is_refused():
    with pytest.raises(ValueError, match="CR, LF, CRLF"):
        SerialScanner("loop://", print, terminator="ETX")


def test_port_detection_matches_known_vendors(monkeypatch):
    class Port:
        def __init__(self, device, vid, description):
            self.device, self.vid, self.description = device, vid, description

    ports = [
        Port("/dev/ttyACM0", 0x0C2E, "Xenon 1900"),
        Port("/dev/ttyS0", None, "ttyS0"),
        Port("/dev/ttyUSB3", 0x0403, "FTDI"),
    ]
    monkeypatch.setattr("serial.tools.list_ports.comports", lambda: ports)
    assert find_scanner_ports() == [("/dev/ttyACM0", "Honeywell Xenon 1900")]


def test_a_flood_without_an_ending_is_bounded_and_reported(pty_pair):
    """A scanner set to the wrong ending (or noise on the line) never grows a buffer without
    limit: past the longest scan, what was held is dropped and reported as not a barcode."""
    from emar.devices.scan_parser import parse_scan

    scans, states, on_scan, on_status = _collector()
    scanner = SerialScanner(str(pty_pair.scanner), on_scan, on_status, poll_seconds=0.1)
    scanner.start()
    try:
        _wait_for(states, "connected")
        pty_pair.send(b"9" * 5000 + b"\r")
        flood = scans.get(timeout=WAIT)
        assert parse_scan(flood).kind == "unknown" and "longer than 512" in parse_scan(flood).detail
        pty_pair.send(b"EMAR-R-42\r")  # and the next scan is read whole
        assert scans.get(timeout=WAIT) == "EMAR-R-42"
    finally:
        scanner.stop()


class _PortPulledOutDuringIoctl:
    """A port whose FIONREAD ioctl fails as the scanner is pulled out: pyserial raises that
    OSError from `in_waiting`, before read() could turn it into a SerialException."""

    is_open = True
    timeout = 0.2

    @property
    def in_waiting(self) -> int:
        raise OSError(5, "Input/output error")

    def read(self, size: int) -> bytes:  # never reached
        raise AssertionError("read after a failed ioctl")

    def close(self) -> None:
        self.is_open = False


def test_a_scanner_pulled_out_during_the_ioctl_is_an_unplug_not_a_dead_thread():
    from emar.devices.serial_scanner import _ReaderThread, _ScanReader

    owner = SerialScanner("loop://", lambda text: None)
    reader = _ReaderThread(_PortPulledOutDuringIoctl(), lambda: _ScanReader(owner))
    reader.start()
    reader.join(WAIT)
    assert not reader.is_alive()
    assert owner._lost.is_set()  # the supervisor hears of it, and reports "unplugged"
