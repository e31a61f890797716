"""Serial scans reach the GUI thread as the same signal the keyboard wedge uses."""

import threading

from emar.ui.scan_hub import ScanHub


def test_serial_scans_arrive_on_the_gui_thread(qtbot):
    hub = ScanHub()
    threads = []
    hub.scanned.connect(lambda _raw: threads.append(threading.current_thread()))
    with qtbot.waitSignal(hub.status, timeout=5000, check_params_cb=lambda s, _m: s == "connected"):
        scanner = hub.attach_serial(url="loop://", poll_seconds=0.1)
    try:
        with qtbot.waitSignal(hub.scanned, timeout=5000) as got:
            scanner.send(b"EMAR-R-7\r")
        assert got.args == ["EMAR-R-7"]
        assert threads == [threading.main_thread()]
    finally:
        scanner.stop()
