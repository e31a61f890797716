"""Tell a USB keyboard-wedge scanner's burst of keys from a person typing, wherever the focus is.

Installed on the QApplication, the filter holds back each printable key for at most `max_gap_ms`.
Keys that keep arriving faster than that, ending in Enter or Tab (or just stopping, for scanners
with no suffix), and at least `min_length` long, are a scan: they are emitted on the hub and never
reach the focused widget (a scan must not type into a text field). Anything slower is replayed
to the widget it was meant for, unchanged. Ctrl+] is how many wedges send GS (ASCII 29).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from emar.ui.scan_hub import ScanHub

GS = "\x1d"
MODIFIER_KEYS = {
    Qt.Key.Key_Shift,
    Qt.Key.Key_Control,
    Qt.Key.Key_Alt,
    Qt.Key.Key_AltGr,
    Qt.Key.Key_Meta,
}
SUFFIX_KEYS = {"enter": (Qt.Key.Key_Return, Qt.Key.Key_Enter), "tab": (Qt.Key.Key_Tab,)}


@dataclass
class WedgeSettings:
    max_gap_ms: int = 30  # scanners send a key every 1-10 ms; people every 80 ms or more
    min_length: int = 6
    suffixes: tuple[str, ...] = ("enter", "tab")
    prefix: str = ""  # some wedges are set to send e.g. "~" first; it is removed


@dataclass
class _Held:
    receiver: QObject
    event: QKeyEvent
    text: str
    at: float


class KeyboardWedgeFilter(QObject):
    def __init__(
        self,
        hub: ScanHub,
        settings: WedgeSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(hub)
        self.hub, self.settings, self.clock = hub, settings or WedgeSettings(), clock
        self._held: list[_Held] = []
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._gap_elapsed)
        # the last scan, for the self-test screen
        self.last_gaps_ms: list[float] = []
        self.last_scan: str | None = None
        self.last_suffix: str | None = None

    def install(self, app: QApplication) -> None:
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying or event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        if event.key() in MODIFIER_KEYS:
            return False  # Shift or Ctrl pressed on its own (before ] for GS) is not a key
        now = self.clock()
        if self._held and (now - self._held[-1].at) * 1000 > self.settings.max_gap_ms:
            self._finish(timed_out=True)  # the previous keys were typed, or a suffix-less scan
        if self._is_suffix(event):
            if self._held:
                name = "enter" if event.key() != Qt.Key.Key_Tab else "tab"
                return self._finish(timed_out=False, suffix=name)
            return False
        text = self._text(event)
        if not text:
            if self._held:
                self._finish(timed_out=True)
            return False
        self._held.append(_Held(watched, event.clone(), text, now))
        self._timer.start(self.settings.max_gap_ms)
        return True

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

    def _gap_elapsed(self) -> None:
        if self._held:
            self._finish(timed_out=True)

    def _finish(self, *, timed_out: bool, suffix: str | None = None) -> bool:
        """Emit the held keys as a scan if they were one; otherwise replay them. Returns whether
        a suffix key should be swallowed."""
        self._timer.stop()
        held, self._held = self._held, []
        text = "".join(h.text for h in held)
        gaps = [(b.at - a.at) * 1000 for a, b in pairwise(held)]
        fast = all(g <= self.settings.max_gap_ms for g in gaps)
        prefix = self.settings.prefix
        is_scan = (
            fast
            and len(text) >= self.settings.min_length + len(prefix)
            and (not prefix or text.startswith(prefix))
        )
        if is_scan:
            self.last_gaps_ms, self.last_suffix = gaps, suffix
            self.last_scan = text[len(prefix) :]
            self.hub.scanned.emit(self.last_scan)
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
