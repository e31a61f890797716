"""Admitting a resident: details, allergies (or none known) and a photo."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from emar.services.residents.admission import AdmissionForm, admit_resident
from emar.ui.manage.workspace import Host, Lists, ManageTab
from emar.ui.operations import RESIDENTS


class AdmissionTab(ManageTab):
    title = "&Admit a resident"

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.photo: bytes | None = None
        self.given, self.family, self.preferred = QLineEdit(), QLineEdit(), QLineEdit()
        self.dob = QDateEdit(displayFormat="dd/MM/yyyy", calendarPopup=True)
        self.dob.setDate(QDate(1940, 1, 1))
        self.nhs = QLineEdit(placeholderText="10 digits, e.g. 943 476 5919")
        self.unit, self.room = QComboBox(), QComboBox()
        self.room.setEditable(True)  # the unit's rooms, or a new one (added to the list)
        self.rooms: dict[int, list[str]] = {}
        self.unit.currentIndexChanged.connect(self._offer_rooms)
        self.gp = QLineEdit()
        self.allergies = QLineEdit(placeholderText="e.g. Penicillin: rash; Latex")
        self.nka = QCheckBox("No &known allergies")
        self.preferences, self.swallowing = QLineEdit(), QLineEdit()
        self.weight = QLineEdit(placeholderText="kg, if known (e.g. 48.5)")
        photo = QPushButton("Choose &photo…")
        photo.clicked.connect(self.pick_photo)
        self.photo_label = QLabel("No photo")
        self.admit_button = QPushButton("A&dmit")
        self.admit_button.setMinimumHeight(44)
        self.admit_button.clicked.connect(self.admit)
        form = QFormLayout(self)
        for label, field in (
            ("&Given name", self.given),
            ("&Family name", self.family),
            ("Preferred name", self.preferred),
            ("Date of &birth", self.dob),
            ("&NHS number", self.nhs),
            ("&Unit", self.unit),
            ("R&oom", self.room),
            ("GP", self.gp),
            ("Allergies", self.allergies),
            ("", self.nka),
            ("Weight", self.weight),
            ("Likes to take medicines", self.preferences),
            ("Swallowing", self.swallowing),
        ):
            form.addRow(label, field)
        row = QHBoxLayout()
        row.addWidget(photo)
        row.addWidget(self.photo_label, 1)
        form.addRow("Photo", row)
        form.addRow(self.admit_button)

    def first_field(self) -> QWidget:
        return self.given  # ready to type an admission

    def show_lists(self, lists: Lists) -> None:
        self.rooms = {}
        for room in lists.rooms:
            self.rooms.setdefault(room.unit_id, []).append(room.name)
        self.unit.clear()
        for u in lists.units:
            self.unit.addItem(u.name, u.id)

    def _offer_rooms(self, _index: int) -> None:
        typed = self.room.currentText()
        self.room.clear()
        self.room.addItems(self.rooms.get(self.unit.currentData(), []))
        self.room.setCurrentText(typed)

    def pick_photo(self) -> None:
        self.photo = self.ask.choose_photo(self)
        self.photo_label.setText(
            f"{len(self.photo) // 1024} KB chosen" if self.photo else "No photo"
        )

    def form(self) -> AdmissionForm:
        allergies = []
        for part in self.allergies.text().split(";"):
            if part.strip():
                substance, _, reaction = part.partition(":")
                allergies.append((substance.strip(), reaction.strip() or None))
        d = self.dob.date()
        return AdmissionForm(
            given_name=self.given.text(),
            family_name=self.family.text(),
            preferred_name=self.preferred.text() or None,
            date_of_birth=date(d.year(), d.month(), d.day()),
            unit_id=self.unit.currentData(),
            room=self.room.currentText(),
            nhs_number=self.nhs.text() or None,
            gp_name=self.gp.text() or None,
            allergies=allergies,
            no_known_allergies=self.nka.isChecked(),
            medicine_preferences=self.preferences.text() or None,
            swallowing_needs=self.swallowing.text() or None,
            photo=self.photo,
            weight_kg=self.weight.text() or None,
        )

    def admit(self) -> None:
        staff = self.host.staff_id()
        if staff is None:
            self.refuse("Sign in first.")
            return
        try:
            form = self.form()
        except ValueError as exc:
            self.fail(exc)
            return
        self.write_sharing(
            lambda s, share: admit_resident(s, staff, form, share=share),
            RESIDENTS,
            lambda _rid: f"Admitted {form.given_name} {form.family_name}.",
        )
