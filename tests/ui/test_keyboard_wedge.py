"""Keyboard-wedge scanners: a 5 ms-per-key burst is one scan and types nothing; a person typing
at 150 ms per key is left alone (pytest-qt, offscreen, real key events and real time)."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from emar.ui.keyboard_wedge import KeyboardWedgeFilter, WedgeSettings
from emar.ui.scan_hub import ScanHub


@pytest.fixture
def form(qtbot):
    window = QWidget()
    layout = QVBoxLayout(window)
    name, note = QLineEdit(), QLineEdit()
    layout.addWidget(name)
    layout.addWidget(note)
    qtbot.addWidget(window)
    window.show()
    name.setFocus()
    qtbot.waitExposed(window)
    qtbot.wait(100)  # let the first layout finish: it must not sit inside a burst's key gap
    return window, name, note


@pytest.fixture
def wedge(qtbot):
    hub = ScanHub()
    wedge = KeyboardWedgeFilter(hub, WedgeSettings())
    app = QApplication.instance()
    wedge.install(app)
    yield hub, wedge
    app.removeEventFilter(wedge)


def burst(qtbot, widget, text, delay_ms=5, suffix=Qt.Key.Key_Return):
    for ch in text:
        if ch == "\x1d":
            qtbot.keyClick(widget, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier)
        else:
            qtbot.keyClicks(widget, ch)
        qtbot.wait(delay_ms)
    if suffix is not None:
        qtbot.keyClick(widget, suffix)


def test_a_scanner_burst_is_one_scan_and_types_nothing(qtbot, form, wedge):
    _, name, _ = form
    hub, _ = wedge
    with qtbot.waitSignal(hub.scanned, timeout=3000) as got:
        burst(qtbot, name, "5012345678900")
    assert got.args == ["5012345678900"]
    assert name.text() == ""


def test_gs_sent_as_ctrl_bracket_arrives_as_gs(qtbot, form, wedge):
    _, name, _ = form
    hub, _ = wedge
    with qtbot.waitSignal(hub.scanned, timeout=3000) as got:
        burst(qtbot, name, "010501234567890010AB12\x1d21XYZ", suffix=Qt.Key.Key_Tab)
    assert got.args == ["010501234567890010AB12\x1d21XYZ"]
    assert name.text() == "" and name.hasFocus()  # Tab suffix did not move the focus


def test_a_person_typing_is_left_alone(qtbot, form, wedge):
    _, name, _ = form
    hub, _ = wedge
    scans = []
    hub.scanned.connect(scans.append)
    burst(qtbot, name, "Mary Jones", delay_ms=150, suffix=None)
    qtbot.waitUntil(lambda: name.text() == "Mary Jones", timeout=3000)
    assert scans == []


def test_enter_after_typing_still_reaches_the_field(qtbot, form, wedge):
    _, name, _ = form
    assert wedge
    pressed = []
    name.returnPressed.connect(lambda: pressed.append(name.text()))
    burst(qtbot, name, "abc", delay_ms=120)
    qtbot.waitUntil(lambda: pressed == ["abc"], timeout=3000)


def test_short_fast_bursts_are_not_scans(qtbot, form, wedge):
    _, name, _ = form
    hub, _ = wedge
    scans = []
    hub.scanned.connect(scans.append)
    burst(qtbot, name, "ok", delay_ms=2, suffix=None)
    qtbot.waitUntil(lambda: name.text() == "ok", timeout=3000)
    assert scans == []


def test_a_scanner_without_suffix_is_recognised_when_the_burst_stops(qtbot, form, wedge):
    _, name, _ = form
    hub, _ = wedge
    with qtbot.waitSignal(hub.scanned, timeout=3000) as got:
        burst(qtbot, name, "EMAR-R-42", suffix=None)
    assert got.args == ["EMAR-R-42"] and name.text() == ""


def test_configured_prefix_is_required_and_removed(qtbot, form):
    _, name, _ = form
    hub = ScanHub()
    wedge = KeyboardWedgeFilter(hub, WedgeSettings(prefix="~"))
    app = QApplication.instance()
    wedge.install(app)
    try:
        with qtbot.waitSignal(hub.scanned, timeout=3000) as got:
            burst(qtbot, name, "~5012345678900")
        assert got.args == ["5012345678900"]
    finally:
        app.removeEventFilter(wedge)


def test_scan_goes_to_the_hub_whichever_field_has_focus(qtbot, form, wedge):
    _, name, note = form
    hub, _ = wedge
    note.setFocus()
    with qtbot.waitSignal(hub.scanned, timeout=3000):
        burst(qtbot, note, "EMAR-S-B1001")
    assert note.text() == "" and name.text() == ""
