"""Adding or changing an allergy: the substance searched as you type in the shipped reference
(a group such as "Penicillins", a combination, a substance) or typed freely, then the reaction,
its severity, the criticality and the category. Text the reference does not know is kept as
typed and matched by name only; the dialog says so before saving."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from emar.services.residents.allergies import (
    CATEGORIES,
    CRITICALITIES,
    NOT_CODED,
    SEVERITIES,
    AllergyForm,
    knows_substance,
    suggest_substances,
)

NOT_SAID = "(not known)"


class AllergyDialog(QDialog):
    def __init__(self, parent: QWidget | None, current: AllergyForm | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Change allergy" if current else "Add allergy")
        self.setMinimumWidth(560)
        self.substance = QLineEdit(placeholderText="Type: penicillin, codeine, latex…")
        self.substance.setObjectName("allergySubstance")
        self.substance.textEdited.connect(self._suggest)
        self.suggestions = QListWidget()
        self.suggestions.setMaximumHeight(150)
        self.suggestions.itemClicked.connect(self._choose)
        self.suggestions.itemActivated.connect(self._choose)
        self.coding = QLabel("")
        self.coding.setWordWrap(True)
        self.reaction = QLineEdit(placeholderText="e.g. rash, anaphylaxis, vomiting")
        self.severity, self.criticality, self.category = QComboBox(), QComboBox(), QComboBox()
        self.severity.addItems([NOT_SAID, *SEVERITIES])
        self.criticality.addItems([NOT_SAID, *CRITICALITIES])
        self.category.addItems(list(CATEGORIES))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.save = buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QFormLayout(self)
        layout.addRow("Allergic to", self.substance)
        layout.addRow("", self.suggestions)
        layout.addRow("", self.coding)
        layout.addRow("Reaction", self.reaction)
        layout.addRow("Severity of the reaction", self.severity)
        layout.addRow("Criticality (risk of harm)", self.criticality)
        layout.addRow("Category", self.category)
        layout.addRow(buttons)
        if current is not None:
            self.substance.setText(current.substance)
            self.reaction.setText(current.reaction or "")
            self.severity.setCurrentText(current.severity or NOT_SAID)
            self.criticality.setCurrentText(current.criticality or NOT_SAID)
            self.category.setCurrentText(current.category)
        self._suggest(self.substance.text())

    def _suggest(self, typed: str) -> None:
        self.suggestions.clear()
        found = suggest_substances(typed) if typed.strip() else []
        for s in found:
            item = QListWidgetItem(f"{s.name}   ({s.what})")
            item.setData(Qt.ItemDataRole.UserRole, s.name)
            self.suggestions.addItem(item)
        if not typed.strip():
            self.coding.setText("")
        elif knows_substance(typed):
            self.coding.setText("Known to eMAR: matched through ingredients and groups.")
        else:
            self.coding.setText(f"Not in eMAR's list: kept as typed ({NOT_CODED}).")

    def _choose(self, item: QListWidgetItem) -> None:
        self.substance.setText(str(item.data(Qt.ItemDataRole.UserRole)))
        self._suggest(self.substance.text())
        self.reaction.setFocus()

    def form(self) -> AllergyForm:
        def said(combo: QComboBox) -> str | None:
            return None if combo.currentText() == NOT_SAID else combo.currentText()

        return AllergyForm(
            self.substance.text(),
            self.reaction.text() or None,
            said(self.severity),
            said(self.criticality),
            self.category.currentText(),
        )


def ask_allergy(parent: QWidget, current: AllergyForm | None) -> AllergyForm | None:
    dialog = AllergyDialog(parent, current)
    return dialog.form() if dialog.exec() == QDialog.DialogCode.Accepted else None
