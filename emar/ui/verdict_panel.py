"""The engine's verdict on a scan, full width: a green go-ahead or a red stop, never small."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from emar.domain.verdict import CheckCode, Severity, Verdict
from emar.domain.wording import dose_text, format_amount
from emar.services.recording import SITE_ROUTES


def dose_choices(low: Decimal, high: Decimal, unit: str) -> list[Decimal]:
    """The doses a carer picks from for a range: whole units, or halves for liquids."""
    step = Decimal("0.5") if unit == "ml" and high - low <= 5 else Decimal(1)
    out, value = [], low
    while value <= high and len(out) < 8:
        out.append(value)
        value += step
    return out


class VerdictPanel(QFrame):
    confirmed = Signal()
    cancelled = Signal()
    override_requested = Signal()
    dose_chosen = Signal(object)  # Decimal

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdictPanel")
        self.verdict: Verdict | None = None
        self.headline = QLabel()
        self.headline.setObjectName("verdictHeadline")
        self.headline.setWordWrap(True)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.doses = QHBoxLayout()
        self.prn_reason = QLineEdit(placeholderText="Why is it needed now? (e.g. pain 6/10)")
        self.witness = QLineEdit(placeholderText="Witness: scan their badge or type username")
        self.witness_pin = QLineEdit(
            placeholderText="Witness PIN", echoMode=QLineEdit.EchoMode.Password
        )
        self.site = QLineEdit(placeholderText="Where applied, e.g. left upper arm")
        self.extra = QFormLayout()
        self.extra.addRow("Site", self.site)
        self.extra.addRow("PRN reason", self.prn_reason)
        self.extra.addRow("Witness", self.witness)
        self.extra.addRow("Witness PIN", self.witness_pin)
        self.confirm = QPushButton("&Confirm and record (Enter)")
        self.confirm.setObjectName("confirmButton")
        self.confirm.clicked.connect(self.confirmed.emit)
        self.cancel = QPushButton("Cancel (Esc)")
        self.cancel.clicked.connect(self.cancelled.emit)
        self.override = QPushButton("&Override (senior with PIN)…")
        self.override.clicked.connect(self.override_requested.emit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm, 2)
        buttons.addWidget(self.override, 1)
        buttons.addWidget(self.cancel, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.details)
        layout.addLayout(self.doses)
        layout.addLayout(self.extra)
        layout.addLayout(buttons)
        self.hide()

    def show_verdict(self, verdict: Verdict, last_site: str | None = None) -> None:
        self.verdict = verdict
        severity = verdict.severity
        state = {Severity.BLOCK: "stop", Severity.WARN: "warn", Severity.OK: "go"}[severity]
        self.setProperty("state", state)
        self.style().unpolish(self)
        self.style().polish(self)
        self.headline.setText(verdict.headline)
        lines = [
            c.message
            for c in verdict.checks
            if c.message != verdict.headline.removeprefix("STOP: ") and c.code != CheckCode.RIGHTS
        ]
        self.details.setText("\n".join(lines))
        self._dose_buttons(verdict)
        line = verdict.line
        self._show_row(self.prn_reason, bool(line and line.is_prn))
        needs_site = bool(line and line.route.split()[0] in SITE_ROUTES)
        self._show_row(self.site, needs_site)
        label = self.extra.labelForField(self.site)
        if needs_site and label is not None:
            label.setText(f"Site (last: {last_site})" if last_site else "Site")
        self._show_row(self.witness, verdict.needs_witness)
        self._show_row(self.witness_pin, verdict.needs_witness)
        self.confirm.setEnabled(not verdict.blocked)
        self.override.setVisible(verdict.overridable)
        self.show()
        if verdict.blocked:
            QApplication.beep()  # a wrong scan is loud as well as red
        (self.prn_reason if line and line.is_prn else self.confirm).setFocus()

    def _show_row(self, field: QLineEdit, visible: bool) -> None:
        field.setVisible(visible)
        label = self.extra.labelForField(field)
        if label is not None:
            label.setVisible(visible)
        if not visible:
            field.clear()

    def _dose_buttons(self, verdict: Verdict) -> None:
        while self.doses.count():
            item = self.doses.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        line = verdict.line
        if line is None or not verdict.has(CheckCode.DOSE_CHOICE):
            return
        self.doses.addWidget(QLabel("Which dose?"))
        for amount in dose_choices(line.dose_min, line.dose_max, line.dose_unit):
            button = QPushButton(dose_text(amount, amount, line.dose_unit))
            button.setObjectName(f"dose_{format_amount(amount)}")
            button.setMinimumHeight(44)
            button.clicked.connect(lambda _=False, a=amount: self.dose_chosen.emit(a))
            self.doses.addWidget(button)

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.confirm.isEnabled():
            self.confirmed.emit()
        elif event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
        else:
            super().keyPressEvent(event)
