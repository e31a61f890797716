"""Serial scans reach the GUI thread as the same typed signal the keyboard wedge uses, and the
hub replaces its serial scanner when another port is chosen."""

import threading

from emar.devices.scan import SERIAL


def test_serial_scans_arrive_on_the_gui_thread_parsed(qtbot):
    from emar.ui.scanning.scan_hub import ScanHub

    hub = ScanHub()
    threads = []
    hub.scanned.connect(lambda _scan: threads.append(threading.current_thread()))
    with qtbot.waitSignal(hub.status, timeout=5000, check_params_cb=lambda s, _m: s == "connected"):
        scanner = hub.use_serial("loop://", poll_seconds=0.1)
    try:
        with qtbot.waitSignal(hub.scanned, timeout=5000) as got:
            scanner.send(b"EMAR-R-7\r")
        scan = got.args[0]
        assert (scan.raw, scan.kind, scan.source, scan.suffix) == (
            "EMAR-R-7",
            "resident",
            SERIAL,
            "CR",
        )
        assert threads == [threading.main_thread()]
        assert hub.state[0] == "connected"
    finally:
        hub.stop_serial()


def test_choosing_another_port_replaces_the_running_scanner(qtbot):
    from emar.ui.scanning.scan_hub import ScanHub

    hub = ScanHub()
    with qtbot.waitSignal(hub.status, timeout=5000, check_params_cb=lambda s, _m: s == "connected"):
        first = hub.use_serial("loop://", poll_seconds=0.1)
    with qtbot.waitSignal(hub.status, timeout=5000, check_params_cb=lambda s, _m: s == "connected"):
        second = hub.use_serial("loop://", baud=115200, poll_seconds=0.1)
    try:
        assert first.state == "stopped" and hub.serial is second
        with qtbot.waitSignal(hub.status, timeout=5000, check_params_cb=lambda s, _m: s == "none"):
            hub.use_serial("")
        assert hub.serial is None and second.state == "stopped"
    finally:
        hub.stop_serial()
