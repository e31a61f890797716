"""The Manage window's questions, each a small dialog. Tests answer them instead (the window
takes its questions as a `ManageQuestions`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QWidget

from emar.domain.periods import MAR_DAYS  # a cycle's supply of a once-daily tablet


def ask_checker(parent: QWidget) -> tuple[str, str] | None:
    username, ok = QInputDialog.getText(parent, "Second check", "Checker's username:")
    if not ok or not username.strip():
        return None
    pin, ok = QInputDialog.getText(
        parent, "Second check", "Checker's PIN:", QLineEdit.EchoMode.Password
    )
    return (username.strip(), pin) if ok and pin else None


def ask_quantity(parent: QWidget, medicine: str) -> Decimal | None:
    value, ok = QInputDialog.getDouble(
        parent, "Book in", f"How many of {medicine} received?", MAR_DAYS, 0, 100000, 1
    )
    return Decimal(str(value)) if ok and value > 0 else None


def ask(parent: QWidget, title: str, question: str, choices: list[str] | None = None) -> str | None:
    """One question: pick from `choices`, or type an answer. None if cancelled or empty."""
    if choices:
        text, ok = QInputDialog.getItem(parent, title, question, choices, 0, False)
    else:
        text, ok = QInputDialog.getText(parent, title, question)
    return text.strip() if ok and text.strip() else None


def choose_photo(parent: QWidget) -> bytes | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Resident photo", "", "Images (*.png *.jpg)")
    return Path(path).read_bytes() if path else None


@dataclass
class ManageQuestions:
    ask_checker: Callable[[QWidget], tuple[str, str] | None] = ask_checker
    ask_quantity: Callable[[QWidget, str], Decimal | None] = ask_quantity
    choose_photo: Callable[[QWidget], bytes | None] = choose_photo
    ask: Callable[[QWidget, str, str, list[str] | None], str | None] = ask
