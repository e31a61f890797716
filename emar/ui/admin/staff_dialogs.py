"""The staff window's questions, each a small dialog. Tests answer them instead (the window
takes its questions as a `StaffQuestions`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from emar.errors import EmarError
from emar.infra.passwords import check_password_rules, check_pin_rules
from emar.services.permissions import ROLE_LABELS
from emar.services.staff.accounts import check_username

ROLE_CHOICES = [(label, role.value) for role, label in ROLE_LABELS.items()]


@dataclass(frozen=True)
class NewStaff:
    username: str
    full_name: str
    role: str
    password: str
    pin: str | None
    badge: str | None


def _new_staff_problem(
    full_name: str, username: str, password: str, again: str, pin: str
) -> str | None:
    try:
        if not full_name.strip():
            raise EmarError("Give their full name: it is shown on records.")
        check_username(username)
        if password != again:
            raise EmarError("The two passwords did not match.")
        check_password_rules(password)
        if pin:
            check_pin_rules(pin)
    except EmarError as exc:
        return str(exc)
    return None


def ask_new_staff(parent: QWidget) -> NewStaff | None:
    dialog = QDialog(parent)
    dialog.setWindowTitle("Add a member of staff")
    full_name, username = QLineEdit(), QLineEdit()
    role = QComboBox()
    for label, value in ROLE_CHOICES:
        role.addItem(label, value)
    password, again = QLineEdit(), QLineEdit()
    pin, badge = QLineEdit(), QLineEdit()
    for field in (password, again, pin):
        field.setEchoMode(QLineEdit.EchoMode.Password)
    form = QFormLayout(dialog)
    form.addRow("&Full name", full_name)
    form.addRow("&Username", username)
    form.addRow("&Role", role)
    form.addRow("&Password (to change at first sign-in)", password)
    form.addRow("Password &again", again)
    form.addRow("P&IN (4-8 digits, optional)", pin)
    form.addRow("&Badge code (optional)", badge)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    while dialog.exec() == QDialog.DialogCode.Accepted:
        # checked here with the service's own rules, so a mistake keeps what was typed
        problem = _new_staff_problem(
            full_name.text(), username.text(), password.text(), again.text(), pin.text()
        )
        if problem:
            QMessageBox.warning(dialog, "Add staff", problem)
            continue
        return NewStaff(
            username.text(),
            full_name.text(),
            str(role.currentData()),
            password.text(),
            pin.text() or None,
            badge.text() or None,
        )
    return None


def ask_role(parent: QWidget, name: str, current: str) -> str | None:
    labels = [label for label, _ in ROLE_CHOICES]
    values = [value for _, value in ROLE_CHOICES]
    choice, ok = QInputDialog.getItem(
        parent, "Change role", f"New role for {name}:", labels, values.index(current), False
    )
    return values[labels.index(choice)] if ok else None


def ask_password(parent: QWidget, name: str) -> str | None:
    """A temporary password, typed twice; None when cancelled or the two differ."""
    first, ok = QInputDialog.getText(
        parent,
        "Reset password",
        f"Temporary password for {name} (they choose their own at the next sign-in):",
        QLineEdit.EchoMode.Password,
    )
    if not ok or not first:
        return None
    again, ok = QInputDialog.getText(
        parent, "Reset password", "The temporary password again:", QLineEdit.EchoMode.Password
    )
    if ok and again != first:
        QMessageBox.warning(parent, "Reset password", "The two entries did not match.")
        return None
    return first if ok else None


def ask_pin(parent: QWidget, name: str) -> str | None:
    """A new PIN ("" clears it), or None when cancelled."""
    pin, ok = QInputDialog.getText(
        parent,
        "Set PIN",
        f"New PIN for {name} (4-8 digits; leave empty to clear it):",
        QLineEdit.EchoMode.Password,
    )
    return pin if ok else None


def ask_badge(parent: QWidget, name: str, current: str | None) -> str | None:
    """A badge code ("" clears it), or None when cancelled."""
    code, ok = QInputDialog.getText(
        parent, "Set badge", f"Badge code for {name} (scan it, or leave empty to clear):",
        text=current or "",
    )  # fmt: skip
    return code if ok else None


def ask_pdf_path(parent: QWidget, suggested: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Badge label", suggested, "PDF (*.pdf)")
    return Path(path) if path else None


def confirm(parent: QWidget, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text)
    return answer == QMessageBox.StandardButton.Yes


@dataclass
class StaffQuestions:
    ask_new_staff: Callable[[QWidget], NewStaff | None] = ask_new_staff
    ask_role: Callable[[QWidget, str, str], str | None] = ask_role
    ask_password: Callable[[QWidget, str], str | None] = ask_password
    ask_pin: Callable[[QWidget, str], str | None] = ask_pin
    ask_badge: Callable[[QWidget, str, str | None], str | None] = ask_badge
    ask_pdf_path: Callable[[QWidget, str], Path | None] = ask_pdf_path
    confirm: Callable[[QWidget, str, str], bool] = confirm
