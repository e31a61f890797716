"""Lock the screen after the home's idle time, so a walked-away PC shows no resident data."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleLock(QObject):
    """Watches input application-wide; emits `idle` once `minutes` pass without any."""

    idle = Signal()

    def __init__(
        self,
        minutes: float,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.minutes, self.clock = minutes, clock
        self.armed = False
        self.last_activity = clock()
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.check)

    def arm(self) -> None:
        """Start counting (on sign-in)."""
        self.armed = True
        self.last_activity = self.clock()
        self._timer.start()

    def disarm(self) -> None:
        self.armed = False
        self._timer.stop()

    def touch(self) -> None:
        self.last_activity = self.clock()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY:
            self.last_activity = self.clock()
        return False

    def check(self) -> None:
        if self.armed and self.clock() - self.last_activity >= self.minutes * 60:
            self.disarm()
            self.idle.emit()
