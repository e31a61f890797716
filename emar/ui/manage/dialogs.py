"""The Manage window's questions, each a small dialog. Tests answer them instead (the window
takes its questions as a `ManageQuestions`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from emar.domain.periods import MAR_DAYS  # a cycle's supply of a once-daily tablet
from emar.services.charts.disposals import DisposalQuestion
from emar.services.residents.allergies import AllergyForm
from emar.ui.manage.allergy_dialog import ask_allergy
from emar.ui.manage.disposal_dialog import DisposalForm, ask_disposal
from emar.ui.manage.health_dialog import ObservationForm, ask_observation


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


def confirm_allergy(parent: QWidget, title: str, warnings: list[str]) -> bool:
    """The allergy conflicts, in red, and a deliberate yes (No is the default)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText("<br><br>".join(f'<b style="color:#b00020">{escape(w)}</b>' for w in warnings))
    box.setInformativeText(
        "Confirm only if you have seen this and the prescriber or pharmacist has been asked."
    )
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def confirm(parent: QWidget, title: str, text: str) -> bool:
    """A yes-or-no question; No is the default."""
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setText(text)
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def choose_photo(parent: QWidget) -> bytes | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Resident photo", "", "Images (*.png *.jpg)")
    return Path(path).read_bytes() if path else None


@dataclass
class ManageQuestions:
    ask_checker: Callable[[QWidget], tuple[str, str] | None] = ask_checker
    ask_quantity: Callable[[QWidget, str], Decimal | None] = ask_quantity
    choose_photo: Callable[[QWidget], bytes | None] = choose_photo
    ask: Callable[[QWidget, str, str, list[str] | None], str | None] = ask
    ask_allergy: Callable[[QWidget, AllergyForm | None], AllergyForm | None] = ask_allergy
    confirm_allergy: Callable[[QWidget, str, list[str]], bool] = confirm_allergy
    confirm: Callable[[QWidget, str, str], bool] = confirm
    ask_observation: Callable[[QWidget, datetime, ZoneInfo], ObservationForm | None] = (
        ask_observation
    )
    ask_disposal: Callable[[QWidget, DisposalQuestion], DisposalForm | None] = ask_disposal
