"""Keys every secondary window shares: Ctrl+W (the platform's Close) closes it, so a window
opened from the round never needs the mouse to go away."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget


def close_with_keys(window: QWidget) -> None:
    shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Close), window)
    shortcut.activated.connect(window.close)
