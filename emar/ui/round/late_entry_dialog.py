"""A late entry: fill in a dose whose time has passed. It was given at a time the carer says, or
not given (a code as large buttons); either way the reason it is recorded late is required."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from emar.ui.round.not_given_dialog import CodeChoice, code_buttons


@dataclass(frozen=True)
class LateAnswer:
    given_at: time | None  # None: not given
    code: str | None
    note: str | None
    reason: str


class LateEntryDialog(QDialog):
    def __init__(
        self, codes: list[CodeChoice], question: str, due: time, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Late entry")
        self.answer: LateAnswer | None = None
        self.reason = QLineEdit(placeholderText="e.g. given on paper during a power cut")
        self.when = QTimeEdit(QTime(due.hour, due.minute))
        self.when.setDisplayFormat("HH:mm")
        self.note = QLineEdit(placeholderText="Note (needed for W, U, D and O)")
        self.problem = QLabel()
        self.problem.setObjectName("signInError")
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Why is it recorded late?", self.reason)
        given_box = QGroupBox("It was given")
        given_row = QHBoxLayout(given_box)
        given_row.addWidget(QLabel("at"))
        given_row.addWidget(self.when)
        self.given = QPushButton("Given at this time")
        self.given.setMinimumHeight(48)
        self.given.clicked.connect(self._given)
        given_row.addWidget(self.given, 1)
        codes_box = QGroupBox("It was not given")
        grid = QGridLayout(codes_box)
        self.buttons = code_buttons(grid, codes, self._not_given)
        grid.addWidget(self.note, (len(codes) + 2) // 3, 0, 1, 3)
        cancel = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        cancel.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        title = QLabel(question)
        title.setWordWrap(True)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(given_box)
        layout.addWidget(codes_box)
        layout.addWidget(self.problem)
        layout.addWidget(cancel)

    def _reason(self) -> str | None:
        reason = self.reason.text().strip()
        if not reason:
            self.problem.setText("Say why it is recorded late first.")
            self.reason.setFocus()
        return reason or None

    def _given(self) -> None:
        reason = self._reason()
        if reason:
            at = self.when.time()
            self.answer = LateAnswer(time(at.hour(), at.minute()), None, None, reason)
            self.accept()

    def _not_given(self, code: CodeChoice) -> None:
        reason = self._reason()
        if not reason:
            return
        note = self.note.text().strip() or None
        if code.note_required and not note:
            self.problem.setText(f"{code.code} {code.label}: write a note first.")
            self.note.setFocus()
            return
        self.answer = LateAnswer(None, code.code, note, reason)
        self.accept()


def ask_late_entry(
    parent: QWidget, codes: list[CodeChoice], question: str, due: time
) -> LateAnswer | None:
    dialog = LateEntryDialog(codes, question, due, parent)
    return dialog.answer if dialog.exec() == QDialog.DialogCode.Accepted else None
