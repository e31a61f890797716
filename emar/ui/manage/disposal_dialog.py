"""Stock out (the disposal register): how many, the reason from the register's list, the way it
goes as the rule says it (destroyed in the home or returned to the pharmacy), and, only for a
controlled drug the home witnesses, the witness's username and PIN."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from emar.domain.disposal import REASONS, Reason, quantity_refused, way_text
from emar.domain.wording import format_amount, unit_text
from emar.services.charts.disposals import DisposalQuestion


@dataclass(frozen=True)
class DisposalForm:
    quantity: Decimal
    reason: str
    witness: tuple[str, str] | None  # username, PIN


class DisposalDialog(QDialog):
    def __init__(self, parent: QWidget | None, question: DisposalQuestion) -> None:
        super().__init__(parent)
        self.question = question
        self.setWindowTitle("Return or dispose of")
        self.setMinimumWidth(480)
        held = format_amount(question.balance)
        if question.unit:
            held += f" {unit_text(question.unit, question.balance)}"
        self.heading = QLabel(f"<b>{question.medicine}</b>: {held} in stock.")
        self.heading.setWordWrap(True)
        self.quantity = QLineEdit(placeholderText=f"at most {held}")
        self.quantity.setObjectName("disposalQuantity")
        self.reason = QComboBox()
        self.reason.addItems([r.value for r in REASONS])
        # no reason chosen for her: a default would send a stopped supply the wrong way
        self.reason.setPlaceholderText("Choose the reason…")
        self.reason.setCurrentIndex(-1)
        self.reason.currentIndexChanged.connect(lambda _i: self._show_way())
        self.way = QLabel()
        self.way.setWordWrap(True)
        self.witness = QLineEdit(placeholderText="witness's username")
        self.witness_pin = QLineEdit(placeholderText="witness's PIN")
        self.witness_pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00020")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout = QFormLayout(self)
        layout.addRow(self.heading)
        layout.addRow("How many", self.quantity)
        layout.addRow("Reason", self.reason)
        layout.addRow("What happens", self.way)
        layout.addRow("Witness", self.witness)
        layout.addRow("Witness's PIN", self.witness_pin)
        layout.addRow(self.problem)
        layout.addRow(buttons)
        self.layout_form = layout
        for field in (self.witness, self.witness_pin):
            layout.setRowVisible(field, question.witness_needed)
        self._show_way()

    def _show_way(self) -> None:
        if self.reason.currentIndex() < 0:
            self.way.setText("The reason says whether it is destroyed here or returned.")
            return
        text = way_text(Reason(self.reason.currentText()), self.question.cd_schedule)
        if self.question.witness_needed:
            text += (
                f" Controlled drug (Schedule {self.question.cd_schedule}): a second member of "
                "staff witnesses and signs with their PIN."
            )
        self.way.setText(text)

    def _quantity(self) -> Decimal | None:
        try:
            value = Decimal(self.quantity.text().strip())
        except InvalidOperation:
            return None
        return value if value.is_finite() and value > 0 else None

    def _save(self) -> None:
        quantity = self._quantity()
        if quantity is None:
            self.problem.setText("Type how many, a number more than zero.")
            return
        wrong = quantity_refused(quantity, self.question.unit)
        if wrong is None and quantity > self.question.balance:
            wrong = "That is more than the recorded stock: count it first."
        if wrong is not None:
            self.problem.setText(wrong)
            return
        if self.reason.currentIndex() < 0:
            self.problem.setText("Choose the reason.")
            return
        if self.question.witness_needed and not (
            self.witness.text().strip() and self.witness_pin.text()
        ):
            self.problem.setText("Controlled drug: the witness types their username and PIN.")
            return
        self.accept()

    def form(self) -> DisposalForm:
        quantity = self._quantity()
        assert quantity is not None
        witness = (
            (self.witness.text().strip(), self.witness_pin.text())
            if self.question.witness_needed
            else None
        )
        return DisposalForm(quantity, self.reason.currentText(), witness)


def ask_disposal(parent: QWidget, question: DisposalQuestion) -> DisposalForm | None:
    dialog = DisposalDialog(parent, question)
    return dialog.form() if dialog.exec() == QDialog.DialogCode.Accepted else None
