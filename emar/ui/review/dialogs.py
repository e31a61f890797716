"""The review screens' questions, each a small dialog. Tests answer them instead (the windows
take their questions as a `ReviewQuestions`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget


def ask_pin(parent: QWidget, who: str) -> str | None:
    pin, ok = QInputDialog.getText(
        parent, "Sign the review", f"{who}: your PIN to sign", QLineEdit.EchoMode.Password
    )
    return pin if ok and pin else None


def ask_reason(parent: QWidget, title: str, question: str) -> str | None:
    text, ok = QInputDialog.getText(parent, title, question)
    return text.strip() if ok and text.strip() else None


@dataclass
class ReviewQuestions:
    ask_pin: Callable[[QWidget, str], str | None] = ask_pin
    ask_reason: Callable[[QWidget, str, str], str | None] = ask_reason
