"""The line under a form that says what happened: green when saved, red (and why) when not."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from emar.errors import EmarError


class MessageLine(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)

    def failure(self, exc: BaseException, headline: str) -> str:
        """Show why something was not done; returns the reason (for a signal or a test)."""
        text = str(exc) if isinstance(exc, EmarError) else f"{headline.capitalize()}: {exc}"
        self.setText(f"{headline.upper()}: {text}")
        self.setStyleSheet("color: #b00020; font-weight: bold;")
        return text

    def warning(self, text: str) -> str:
        """Saved, and something needs doing about it (a chart line a new allergy stops)."""
        self.setText(text)
        self.setStyleSheet("color: white; background: #b00020; font-weight: bold; padding: 4px;")
        return text

    def success(self, text: str) -> str:
        self.setText(text)
        self.setStyleSheet("color: #1b5e20; font-weight: bold;")
        return text
