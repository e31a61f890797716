"""Not given: one large button per code (R refused, S asleep...), and a note when the code needs
one. Returns the choice; the caller records it through the service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class CodeChoice:
    code: str
    label: str
    note_required: bool


def code_buttons(
    grid: QGridLayout, codes: list[CodeChoice], pick: Callable[[CodeChoice], None]
) -> dict[str, QPushButton]:
    """One large button a code, three to a row (R refused, S asleep...)."""
    buttons = {}
    for i, code in enumerate(codes):
        button = QPushButton(f"{code.code}\n{code.label}")
        button.setMinimumSize(160, 60)
        button.clicked.connect(lambda _=False, c=code: pick(c))
        grid.addWidget(button, i // 3, i % 3)
        buttons[code.code] = button
    return buttons


class NotGivenDialog(QDialog):
    def __init__(self, codes: list[CodeChoice], medicine: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Not given")
        self.choice: CodeChoice | None = None
        self.note = QLineEdit(placeholderText="Note (needed for W, U, D and O)")
        self.problem = QLabel()
        self.problem.setObjectName("signInError")
        grid = QGridLayout()
        self.buttons = code_buttons(grid, codes, self._pick)
        cancel = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        cancel.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Why was {medicine} not given?"))
        layout.addLayout(grid)
        layout.addWidget(self.note)
        layout.addWidget(self.problem)
        layout.addWidget(cancel)

    def _pick(self, code: CodeChoice) -> None:
        if code.note_required and not self.note.text().strip():
            self.problem.setText(f"{code.code} {code.label}: write a note first.")
            self.note.setFocus()
            return
        self.choice = code
        self.accept()


def ask_not_given(
    parent: QWidget, codes: list[CodeChoice], medicine: str
) -> tuple[str, str | None] | None:
    dialog = NotGivenDialog(codes, medicine, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.choice is None:
        return None
    return dialog.choice.code, dialog.note.text().strip() or None
