"""The scanner settings and self-test screen, driven offscreen."""

import pytest
import shiboken6
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QWidget

from emar.devices.labels import TEST_EAN13
from emar.devices.scanner_config import ScannerConfig
from emar.ui.scanning.router import SELF_TEST, ScanRouter
from emar.ui.scanning.scanner_settings import ScannerSettings, load_config, save_config
from emar.ui.scanning.scanners import Scanners


class Holder(QWidget):
    """Stops this PC's scanners (the wedge filter, the serial port) when the test ends."""

    def __init__(self, scanners: Scanners) -> None:
        super().__init__()
        self.scanners = scanners

    def close(self) -> bool:
        self.scanners.stop()
        return super().close()


class Taker:
    """Stands in for the round: what reaches it did not reach the self-test."""

    def __init__(self, scans: list) -> None:
        self.scans = scans

    def takes(self, scan) -> bool:
        return True

    def take_scan(self, scan) -> None:
        self.scans.append(scan)


GS = "\x1d"
GS1 = "]d20105099999000011172612311" + f"0TEST12{GS}21SER123"


_MADE: list[Scanners] = []  # held, then stopped, by the fixture below


@pytest.fixture(autouse=True)
def _stop_scanners():
    """Each test's scanners are stopped (the wedge filter taken off the application) when it
    ends, for certain: qtbot holds its widgets only weakly, and a filter left on the shared
    application by a Holder collected early was later called through a dead Python object."""
    yield
    while _MADE:
        _MADE.pop().stop()


def make(qtbot, tmp_path, **kwargs):
    scanners = Scanners(QApplication.instance(), ScannerConfig())
    _MADE.append(scanners)
    qtbot.addWidget(Holder(scanners))
    hub, wedge = scanners.hub, scanners.wedge
    saved = []
    screen = ScannerSettings(
        scanners,
        on_save=saved.append,
        ask_save_path=lambda parent: str(tmp_path / "sheet.pdf"),
        ports=lambda: [("/dev/ttyACM0", "Honeywell Xenon 1900")],
        **kwargs,
    )
    qtbot.addWidget(screen)
    screen.resize(1366, 700)
    screen.show()
    round_scans = []
    router = ScanRouter(hub, Taker(round_scans))  # as the main window's, with the round absent
    router.add(screen, SELF_TEST)  # as Settings > Scanner does
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow)
    return hub, wedge, screen, saved


def test_each_scan_is_shown_with_its_verdict(qtbot, tmp_path):
    hub, _, screen, _ = make(qtbot, tmp_path)
    hub.receive(GS1)
    hub.receive(GS1.replace(GS, "").replace("]d2", ""))
    rows = [screen.results.row(i) for i in range(screen.results.rowCount())]
    dropped, good = rows  # newest first
    assert good.ok and good.code == "GS1 DataMatrix" and "<GS>" in good.raw_visible
    assert not dropped.ok
    verdict = screen.results.index(0, 2).data()
    assert "FIX: Drops the GS separator" in verdict


def test_a_real_keyboard_burst_is_judged_and_types_nothing(qtbot, tmp_path):
    hub, wedge, screen, _ = make(qtbot, tmp_path)
    stamps = iter(range(1000, 10_000, 4))  # keys 4 ms apart by the window system's clock
    wedge.key_clock = lambda _event: float(next(stamps))
    screen.prefix.setFocus()
    with qtbot.waitSignal(hub.scanned, timeout=3000):
        qtbot.keyClicks(screen.prefix, TEST_EAN13)
        qtbot.keyClick(screen.prefix, Qt.Key.Key_Return)
    assert screen.prefix.text() == ""
    report = screen.results.row(0)
    assert report.code == "EAN-13" and report.ok
    messages = [f.message for f in report.findings]
    assert "Ends each scan with Enter." in messages
    assert "Keys arrived at most 4 ms apart (limit 30 ms)." in messages


def test_save_applies_and_hands_over_the_settings(qtbot, tmp_path):
    _, wedge, screen, saved = make(qtbot, tmp_path)
    screen.port.setCurrentIndex(1)
    screen.baud.setCurrentText("115200")
    screen.terminator.setCurrentText("CRLF")
    screen.gap.setValue(45)
    screen.tab.setChecked(False)
    screen.save()
    (config,) = saved
    assert config.serial_port == "/dev/ttyACM0" and config.baud == 115200
    assert config.terminator == "CRLF" and config.wedge_suffixes == ("enter",)
    assert wedge.settings.max_gap_ms == 45
    hub = screen.scanners.hub
    assert hub.serial is not None and hub.serial.url == "/dev/ttyACM0"  # in use, no restart
    assert hub.serial.baud == 115200


def test_test_sheet_is_saved_where_asked(qtbot, tmp_path):
    _, _, screen, _ = make(qtbot, tmp_path)
    screen.print_test_sheet()
    assert (tmp_path / "sheet.pdf").read_bytes().startswith(b"%PDF")
    assert "Test sheet saved" in screen.message.text()


def test_config_round_trips_through_per_pc_settings(tmp_path):
    settings = QSettings(str(tmp_path / "pc.ini"), QSettings.Format.IniFormat)
    config = ScannerConfig(
        serial_port="/dev/ttyUSB0",
        baud=115200,
        terminator="LF",
        wedge_max_gap_ms=40,
        wedge_min_length=8,
        wedge_suffixes=("tab",),
        wedge_prefix="~",
    )
    save_config(settings, config)
    again = QSettings(str(tmp_path / "pc.ini"), QSettings.Format.IniFormat)
    assert load_config(again) == config


def test_results_model_passes_qtmodeltester(qtmodeltester, qtbot, tmp_path):
    hub, _, screen, _ = make(qtbot, tmp_path)
    hub.receive(GS1)
    hub.receive("junk")
    qtmodeltester.check(screen.results)


def test_a_closed_settings_window_leaves_the_scanner_hub_to_report_on(qtbot, tmp_path):
    """The hub outlives the window: the next unplug must not reach the window's deleted labels
    (it did, under load, as a RuntimeError in the event loop)."""
    hub, _, screen, _ = make(qtbot, tmp_path)
    hub.status.emit("ready", "Scanner ready on /dev/ttyACM0")
    assert screen.serial_state.text() == "Scanner ready on /dev/ttyACM0"
    screen.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(screen), timeout=10_000)
    hub.status.emit("unplugged", "Scanner on /dev/ttyACM0 disconnected")
    assert hub.state == ("unplugged", "Scanner on /dev/ttyACM0 disconnected")
