"""Recording an observation: what (weight, eGFR, INR, a fall...), the value in its unit, when it
was observed (date and time: not in the future) and a note. The service checks the value."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from emar.domain.review.facts import OBSERVATIONS


@dataclass(frozen=True)
class ObservationForm:
    kind: str
    value: str | None
    observed_at: datetime
    note: str | None


class ObservationDialog(QDialog):
    def __init__(self, parent: QWidget | None, now: datetime, zone: ZoneInfo) -> None:
        super().__init__(parent)
        self.setWindowTitle("Record an observation")
        self.zone = zone
        self.kind = QComboBox()
        for kind in OBSERVATIONS.values():
            self.kind.addItem(kind.label, kind.key)
        self.kind.currentIndexChanged.connect(lambda _i: self._unit())
        self.value = QLineEdit()
        self.value.setObjectName("observationValue")
        self.unit = QLabel("")
        self.at = QDateTimeEdit(QDateTime(now.astimezone(zone).replace(tzinfo=None)))
        self.at.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.at.setCalendarPopup(True)
        self.note = QLineEdit(placeholderText="optional: where, which lab, what happened")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.save = buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QFormLayout(self)
        layout.addRow("What", self.kind)
        layout.addRow("Value", self.value)
        layout.addRow("", self.unit)
        layout.addRow("Observed at", self.at)
        layout.addRow("Note", self.note)
        layout.addRow(buttons)
        self._unit()

    def _unit(self) -> None:
        kind = OBSERVATIONS[str(self.kind.currentData())]
        self.value.setEnabled(not kind.is_event)
        self.unit.setText("an event: no value" if kind.is_event else f"in {kind.unit or 'ratio'}")

    def form(self) -> ObservationForm:
        local = self.at.dateTime().toPython()
        assert isinstance(local, datetime)
        return ObservationForm(
            str(self.kind.currentData()),
            self.value.text() if self.value.isEnabled() else None,
            local.replace(tzinfo=self.zone),
            self.note.text() or None,
        )


def ask_observation(parent: QWidget, now: datetime, zone: ZoneInfo) -> ObservationForm | None:
    dialog = ObservationDialog(parent, now, zone)
    return dialog.form() if dialog.exec() == QDialog.DialogCode.Accepted else None
