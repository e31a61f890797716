"""Keyboard-wedge scanners: a burst of keys stamped a few ms apart is one scan and types nothing;
keys stamped 150 ms apart are a person typing and are left alone.

The keys' time stamps come from a clock the test sets (in the product they are the window
system's), so a busy machine cannot change what these tests see. The real X server's stamps are
exercised by the end-to-end tests (tests/e2e)."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from emar.devices.scan import WEDGE
from emar.ui.scanning.keyboard_wedge import KeyboardWedgeFilter, WedgeSettings
from emar.ui.scanning.scan_hub import ScanHub


class KeyClock:
    """Stamps each key with the test's clock (ms)."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self, _event) -> float:
        return self.now


@pytest.fixture
def form(qtbot):
    window = QWidget()
    layout = QVBoxLayout(window)
    name, note = QLineEdit(), QLineEdit()
    secret = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
    for field in (name, note, secret):
        layout.addWidget(field)
    qtbot.addWidget(window)
    window.show()
    name.setFocus()
    qtbot.waitExposed(window)
    return window, name, note, secret


def install(settings=None):
    hub, clock = ScanHub(), KeyClock()
    wedge = KeyboardWedgeFilter(hub, settings or WedgeSettings(), key_clock=clock)
    wedge.install(QApplication.instance())
    return hub, wedge, clock


@pytest.fixture
def wedge(qtbot):
    hub, wedge, clock = install()
    scans = []
    hub.scanned.connect(scans.append)
    yield hub, clock, scans
    wedge.uninstall(QApplication.instance())


def burst(qtbot, widget, clock, text, gap_ms=5, suffix=Qt.Key.Key_Return, wait_ms=0):
    """Keys stamped `gap_ms` apart; `wait_ms` of real time between deliveries (a busy GUI)."""
    for ch in text:
        clock.now += gap_ms
        if ch == "\x1d":
            qtbot.keyClick(widget, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier)
        else:
            qtbot.keyClicks(widget, ch)
        if wait_ms:
            qtbot.wait(wait_ms)
    if suffix is not None:
        clock.now += gap_ms
        qtbot.keyClick(widget, suffix)


def test_a_scanner_burst_is_one_scan_and_types_nothing(qtbot, form, wedge):
    _, name, _, _ = form
    _, clock, scans = wedge
    burst(qtbot, name, clock, "5012345678900")
    (scan,) = scans
    assert (scan.raw, scan.source, scan.suffix) == ("5012345678900", WEDGE, "enter")
    assert scan.kind == "pack" and scan.parsed.gtin == "05012345678900"  # parsed once, by the hub
    assert scan.gaps_ms == (5.0,) * 12
    assert name.text() == ""


def test_gs_sent_as_ctrl_bracket_arrives_as_gs(qtbot, form, wedge):
    _, name, _, _ = form
    _, clock, scans = wedge
    burst(qtbot, name, clock, "010501234567890010AB12\x1d21XYZ", suffix=Qt.Key.Key_Tab)
    assert [s.raw for s in scans] == ["010501234567890010AB12\x1d21XYZ"]
    assert name.text() == "" and name.hasFocus()  # Tab suffix did not move the focus


def test_a_person_typing_is_left_alone(qtbot, form, wedge):
    _, name, _, _ = form
    _, clock, scans = wedge
    burst(qtbot, name, clock, "Mary Jones", gap_ms=150, suffix=None)
    qtbot.waitUntil(lambda: name.text() == "Mary Jones", timeout=3000)
    assert scans == []


def test_typing_seen_late_by_a_busy_gui_is_still_typing(qtbot, form, wedge):
    """Keys stamped 150 ms apart but handled back to back (the GUI thread was busy) are not
    mistaken for a scanner: the stamps decide, not when the keys were handled."""
    _, name, _, _ = form
    _, clock, scans = wedge
    burst(qtbot, name, clock, "EMAR-R-1", gap_ms=150)  # Enter typed too
    qtbot.waitUntil(lambda: name.text() == "EMAR-R-1", timeout=3000)
    assert scans == []


def test_a_scan_handled_slowly_by_a_busy_gui_is_not_split(qtbot, form, wedge):
    _, name, _, _ = form
    _, clock, scans = wedge
    burst(qtbot, name, clock, "EMAR-R-12345", gap_ms=4, wait_ms=60)
    assert [s.raw for s in scans] == ["EMAR-R-12345"] and name.text() == ""


def test_enter_after_typing_still_reaches_the_field(qtbot, form, wedge):
    _, name, _, _ = form
    _, clock, _ = wedge
    pressed = []
    name.returnPressed.connect(lambda: pressed.append(name.text()))
    burst(qtbot, name, clock, "abc", gap_ms=120)
    qtbot.waitUntil(lambda: pressed == ["abc"], timeout=3000)


def test_short_fast_bursts_are_not_scans(qtbot, form, wedge):
    _, name, _, _ = form
    _, clock, scans = wedge
    burst(qtbot, name, clock, "ok", gap_ms=2, suffix=None)
    qtbot.waitUntil(lambda: name.text() == "ok", timeout=3000)
    assert scans == []


def test_a_scanner_set_up_without_suffix_is_recognised_when_the_burst_stops(qtbot, form):
    _, name, _, _ = form
    hub, wedge, clock = install(WedgeSettings(suffixes=()))
    try:
        with qtbot.waitSignal(hub.scanned, timeout=3000) as got:
            burst(qtbot, name, clock, "EMAR-R-42", suffix=None)
        assert got.args[0].raw == "EMAR-R-42" and got.args[0].kind == "resident"
        assert name.text() == ""
    finally:
        wedge.uninstall(QApplication.instance())


def test_a_scan_cut_short_is_never_used_nor_typed(qtbot, form, wedge):
    """The GUI held up mid-burst past the settle time: "EMAR-R-12" of "EMAR-R-123" would open
    another resident. It is reported as cut short; the rest of the burst is not typed."""
    _, name, _, _ = form
    _, clock, scans = wedge
    burst(qtbot, name, clock, "EMAR-R-12", suffix=None)
    qtbot.waitUntil(lambda: len(scans) == 1, timeout=3000)  # the settle timer fired
    burst(qtbot, name, clock, "3")  # the rest, stamped 5 ms after the first part, and Enter
    (scan,) = scans
    assert scan.kind == "unknown" and scan.parsed.problem == "The scan was cut short — scan again."
    assert "EMAR-R-12" in scan.parsed.detail
    qtbot.wait(150)
    assert name.text() == "" and len(scans) == 1
    clock.now += 500  # later, a person types: that is typing again
    burst(qtbot, name, clock, "ok", gap_ms=150, suffix=None)
    qtbot.waitUntil(lambda: name.text() == "ok", timeout=3000)


def test_a_password_manager_filling_the_username_is_typing(qtbot, form, wedge):
    from emar.ui.scanning.keyboard_wedge import CREDENTIAL

    _, name, _, _ = form
    _, clock, scans = wedge
    name.setProperty(CREDENTIAL, True)
    burst(qtbot, name, clock, "amy.carter", suffix=Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: name.text() == "amy.carter", timeout=3000)
    assert scans == []


def test_configured_prefix_is_required_and_removed(qtbot, form):
    _, name, _, _ = form
    hub, wedge, clock = install(WedgeSettings(prefix="~"))
    scans = []
    hub.scanned.connect(scans.append)
    try:
        burst(qtbot, name, clock, "~5012345678900")
        assert [s.raw for s in scans] == ["5012345678900"]
    finally:
        wedge.uninstall(QApplication.instance())


def test_scan_goes_to_the_hub_whichever_field_has_focus(qtbot, form, wedge):
    _, name, note, _ = form
    _, clock, scans = wedge
    note.setFocus()
    burst(qtbot, note, clock, "EMAR-S-B1001")
    assert [s.kind for s in scans] == ["staff"]
    assert note.text() == "" and name.text() == ""


def test_a_password_typed_fast_stays_in_the_password_field(qtbot, form, wedge):
    """A password manager or a fast typist: the burst is not a barcode, so it is typed (and
    never shown anywhere as a scan)."""
    _, _, _, secret = form
    _, clock, scans = wedge
    secret.setFocus()
    pressed = []
    secret.returnPressed.connect(lambda: pressed.append(secret.text()))
    burst(qtbot, secret, clock, "correct-horse-42")
    qtbot.waitUntil(lambda: pressed == ["correct-horse-42"], timeout=3000)
    assert scans == []


def test_a_badge_scanned_in_the_password_field_is_still_a_scan(qtbot, form, wedge):
    _, _, _, secret = form
    _, clock, scans = wedge
    secret.setFocus()
    burst(qtbot, secret, clock, "EMAR-S-B1001")
    assert [s.kind for s in scans] == ["staff"] and secret.text() == ""


def test_a_stuck_key_is_typing_not_a_scan(qtbot, form, wedge):
    _, name, _, _ = form
    _, clock, scans = wedge
    burst(qtbot, name, clock, "9" * 600, gap_ms=1, suffix=None)
    qtbot.waitUntil(lambda: len(name.text()) == 600, timeout=5000)
    assert scans == []


def test_a_click_lands_after_the_keys_typed_before_it(qtbot, form, wedge):
    _, name, note, _ = form
    _, clock, scans = wedge
    burst(qtbot, name, clock, "Jo", gap_ms=150, suffix=None)
    qtbot.mouseClick(note, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert name.text() == "Jo" and scans == []  # replayed at the click, not after it
