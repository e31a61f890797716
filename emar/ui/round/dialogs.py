"""The round's questions to the carer, each a small dialog. Tests answer them instead (every
window takes its questions as a `RoundQuestions`), so the windows are driven without a human."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from emar.domain.codes import CORRECTIONS
from emar.ui.first_run import FirstRunAnswer, ask_first_run
from emar.ui.round.late_entry_dialog import LateAnswer, ask_late_entry
from emar.ui.round.not_given_dialog import ask_not_given

OverrideAnswer = tuple[str, str, str]  # senior's username, PIN, reason


def ask_text(parent: QWidget, title: str, question: str) -> str | None:
    text, ok = QInputDialog.getText(parent, title, question)
    return text.strip() if ok and text.strip() else None


def ask_witness(parent: QWidget, medicine: str) -> tuple[str, str] | None:
    """A controlled drug destroyed (code D): the witness's username and PIN."""
    title = f"Witness: {medicine} destroyed"
    username, ok = QInputDialog.getText(parent, title, "Witness's username:")
    if not ok or not username.strip():
        return None
    pin, ok = QInputDialog.getText(parent, title, "Witness's PIN:", QLineEdit.EchoMode.Password)
    return (username.strip(), pin) if ok and pin else None


def ask_override(parent: QWidget, stop: str) -> OverrideAnswer | None:
    """A senior's username, PIN and reason, or None."""
    username = ask_text(parent, "Override", f"{stop}\n\nSenior's username:")
    if not username:
        return None
    pin, ok = QInputDialog.getText(parent, "Override", "Senior's PIN:", QLineEdit.EchoMode.Password)
    reason = ask_text(parent, "Override", "Reason for overriding (recorded and reviewed):")
    return (username, pin, reason) if ok and pin and reason else None


def ask_prn_outcome(parent: QWidget, question: str) -> tuple[str, str | None] | None:
    labels = {
        "Effective": "effective",
        "Partly effective": "partly_effective",
        "Not effective": "not_effective",
    }
    choice, ok = QInputDialog.getItem(parent, "PRN outcome", question, list(labels), 0, False)
    if not ok:
        return None
    note = ask_text(parent, "PRN outcome", "Note (optional):")
    return labels[choice], note


def ask_correction(parent: QWidget, recorded_by: str) -> tuple[str, str, str] | None:
    """What really happened and why: (outcome, code, reason)."""
    choice, ok = QInputDialog.getItem(
        parent,
        "Correct an entry",
        f"Entry recorded by {recorded_by}. What really happened?",
        list(CORRECTIONS),
        0,
        False,
    )
    if not ok:
        return None
    reason = ask_text(parent, "Correct an entry", "Why is it being corrected? (kept on record)")
    if not reason:
        return None
    outcome, code = CORRECTIONS[choice]
    return outcome, code, reason


def ask_new_password(parent: QWidget, name: str) -> str | None:
    """A new password, typed twice (None when cancelled; asked again when they differ)."""
    question = f"{name}, your password was reset: choose a new one (at least 8 characters)."
    while True:
        first, ok = QInputDialog.getText(
            parent, "New password", question, QLineEdit.EchoMode.Password
        )
        if not ok or not first:
            return None
        again, ok = QInputDialog.getText(
            parent, "New password", "The new password again:", QLineEdit.EchoMode.Password
        )
        if not ok:
            return None
        if again == first:
            return first
        question = "The two entries did not match. Choose a new password:"


@dataclass
class RoundQuestions:
    ask_text: Callable[[QWidget, str, str], str | None] = ask_text
    ask_override: Callable[[QWidget, str], OverrideAnswer | None] = ask_override
    ask_prn_outcome: Callable[[QWidget, str], tuple[str, str | None] | None] = ask_prn_outcome
    ask_correction: Callable[[QWidget, str], tuple[str, str, str] | None] = ask_correction
    ask_not_given: Callable[..., tuple[str, str | None] | None] = ask_not_given
    ask_late_entry: Callable[..., LateAnswer | None] = ask_late_entry
    ask_first_run: Callable[[QWidget], FirstRunAnswer] = ask_first_run
    ask_new_password: Callable[[QWidget, str], str | None] = ask_new_password
    ask_witness: Callable[[QWidget, str], tuple[str, str] | None] = ask_witness
