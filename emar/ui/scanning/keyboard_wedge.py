"""Tell a USB keyboard-wedge scanner's burst of keys from a person typing, wherever the focus is.

Installed on the QApplication, the filter holds back each printable key. Keys that arrive faster
than `max_gap_ms` apart, ending in Enter or Tab (or just stopping, for scanners with no suffix),
and at least `min_length` long, are a scan: they go to the hub and never reach the focused
widget (a scan must not type into a text field). Anything slower is replayed to the widget it was
meant for, unchanged. Ctrl+] is how many wedges send GS (ASCII 29).

Gaps are measured between the keys' own time stamps (the X server's, taken when the key was
pressed), not when the GUI thread got round to them: a busy GUI thread neither splits a scan nor
turns a person's typing into one. In a password field a fast burst is a scan only if it is a
barcode eMAR knows (likewise the sign-in username), so a password manager or a fast typist still
types the password, and a password never becomes a scan shown on screen. A burst from a scanner
that ends its scans with Enter or Tab but stopped short is reported as cut short, never used.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from emar.devices.scan import WEDGE
from emar.devices.scan_parser import MAX_SCAN_LENGTH, parse_scan
from emar.ui.scanning.scan_hub import ScanHub

GS = "\x1d"
MODIFIER_KEYS = {
    Qt.Key.Key_Shift,
    Qt.Key.Key_Control,
    Qt.Key.Key_Alt,
    Qt.Key.Key_AltGr,
    Qt.Key.Key_Meta,
}
SUFFIX_KEYS = {"enter": (Qt.Key.Key_Return, Qt.Key.Key_Enter), "tab": (Qt.Key.Key_Tab,)}

KeyClock = Callable[[QKeyEvent], float]  # a key's time in milliseconds


def key_time_ms(event: QKeyEvent) -> float:
    """When the key was pressed, by the window system's clock (milliseconds); the platforms
    that stamp no time fall back to when the GUI thread sees the key."""
    stamp = event.timestamp()
    return float(stamp) if stamp else time.monotonic() * 1000


@dataclass
class WedgeSettings:
    max_gap_ms: int = 30  # scanners send a key every 1-10 ms; people every 80 ms or more
    min_length: int = 6
    suffixes: tuple[str, ...] = ("enter", "tab")
    prefix: str = ""  # some wedges are set to send e.g. "~" first; it is removed

    @property
    def settle_ms(self) -> int:
        """How long after the last key a burst with no suffix is settled. Longer than the gap,
        so a moment's pause of the GUI thread does not cut a scan in two."""
        return max(100, 3 * self.max_gap_ms)


@dataclass
class _Held:
    receiver: QObject
    event: QKeyEvent
    text: str
    at_ms: float


class KeyboardWedgeFilter(QObject):
    def __init__(
        self,
        hub: ScanHub,
        settings: WedgeSettings | None = None,
        key_clock: KeyClock = key_time_ms,
    ) -> None:
        super().__init__(hub)
        self.hub, self.settings, self.key_clock = hub, settings or WedgeSettings(), key_clock
        self._held: list[_Held] = []
        self._replaying = False
        self._flood_at: float | None = None  # last key of an over-long burst, passed through
        self._tail_at: float | None = None  # last key of a scan that was cut short
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._settle)

    def install(self, app: QApplication) -> None:
        app.installEventFilter(self)

    def uninstall(self, app: QApplication) -> None:
        app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying:
            return False
        if event.type() == QEvent.Type.MouseButtonPress:
            self._settle()  # typed keys land before the click that follows them
            return False
        if event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        if event.key() in MODIFIER_KEYS:
            return False  # Shift or Ctrl pressed on its own (before ] for GS) is not a key
        at = self.key_clock(event)
        if self._tail_at is not None:
            if self._close_to(self._tail_at, at):
                self._tail_at = at  # the rest of a scan already reported as cut short
                return True
            self._tail_at = None
        if self._flood_at is not None:
            if self._close_to(self._flood_at, at):
                self._flood_at = at  # still the same stuck key or paste: typing
                return False
            self._flood_at = None
        if self._held and not self._close_to(self._held[-1].at_ms, at):
            self._settle()  # the previous keys were typed, or a suffix-less scan
        if self._is_suffix(event):
            if self._held:
                name = "enter" if event.key() != Qt.Key.Key_Tab else "tab"
                return self._finish(suffix=name)
            return False
        text = self._text(event)
        if not text:
            if self._held:
                self._settle()
            return False
        self._held.append(_Held(watched, event.clone(), text, at))
        if len(self._held) > MAX_SCAN_LENGTH:
            self._settle()  # a stuck key or a paste, not a scan: let it through as typing
            self._flood_at = at
        else:
            self._timer.start(self.settings.settle_ms)
        return True

    def _close_to(self, before_ms: float, at_ms: float) -> bool:
        gap = at_ms - before_ms
        return 0 <= gap <= self.settings.max_gap_ms

    def _text(self, event: QKeyEvent) -> str:
        mods = event.modifiers()
        if event.key() == Qt.Key.Key_BracketRight and mods & Qt.KeyboardModifier.ControlModifier:
            return GS
        text = event.text()
        if text == GS:
            return GS
        if mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            return ""  # shortcuts are never scans
        return text if text and text.isprintable() else ""

    def _is_suffix(self, event: QKeyEvent) -> bool:
        keys = [k for name in self.settings.suffixes for k in SUFFIX_KEYS.get(name, ())]
        return event.key() in keys

    def _settle(self) -> None:
        if self._held:
            self._finish(suffix=None)

    def _finish(self, *, suffix: str | None) -> bool:
        """Send the held keys to the hub if they were a scan; otherwise replay them. Returns
        whether a suffix key should be swallowed."""
        self._timer.stop()
        held, self._held = self._held, []
        text = "".join(h.text for h in held)
        gaps = [b.at_ms - a.at_ms for a, b in pairwise(held)]
        prefix = self.settings.prefix
        is_scan = (
            len(held) <= MAX_SCAN_LENGTH
            and all(0 <= g <= self.settings.max_gap_ms for g in gaps)
            and len(text) >= self.settings.min_length + len(prefix)
            and (not prefix or text.startswith(prefix))
        )
        body = text[len(prefix) :]
        if is_scan and _is_secret_field(held[0].receiver) and not parse_scan(body).ok:
            is_scan = False  # a password typed fast (or pasted by a manager) stays a password
        if is_scan and suffix is None and self.settings.suffixes:
            # This scanner ends its scans with Enter or Tab, and this one stopped short: the GUI
            # was held up mid-burst, or the scan was misread. Its first part could be another
            # valid code (EMAR-R-12 of EMAR-R-123), so it is not used, nor typed: scan again.
            self.hub.receive(body, WEDGE, None, gaps, complete=False)
            self._tail_at = held[-1].at_ms
            return False
        if is_scan:
            self.hub.receive(body, WEDGE, suffix, gaps)
            return suffix is not None
        self._replay(held)
        return False

    def _replay(self, held: list[_Held]) -> None:
        self._replaying = True
        try:
            for h in held:
                QApplication.sendEvent(h.receiver, h.event)
        finally:
            self._replaying = False


CREDENTIAL = "emarCredential"  # a QLineEdit property: a sign-in field password managers fill


def _is_secret_field(receiver: QObject) -> bool:
    widget = receiver if isinstance(receiver, QLineEdit) else QApplication.focusWidget()
    return isinstance(widget, QLineEdit) and (
        widget.echoMode() != QLineEdit.EchoMode.Normal or bool(widget.property(CREDENTIAL))
    )
