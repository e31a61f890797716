"""The resident banner: who this is, so the right resident is never in doubt."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from emar.services.residents.reading import ResidentSummary
from emar.ui.widgets.avatar import initials_avatar

PHOTO_SIZE = 96


class ResidentBanner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("residentBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.photo = QLabel()
        self.photo.setFixedSize(PHOTO_SIZE, PHOTO_SIZE)
        self.name = QLabel("Select a resident")
        self.name.setObjectName("bannerName")
        self.details = QLabel("")
        self.details.setWordWrap(True)  # a long unit name must not push the round list aside
        self.allergies = QLabel("")
        self.allergies.setObjectName("bannerAllergies")
        self.allergies.setWordWrap(True)
        self.notes = QLabel("")
        self.notes.setWordWrap(True)
        text = QVBoxLayout()
        for label in (self.name, self.details, self.allergies, self.notes):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.addWidget(label)
        grid = QGridLayout(self)
        grid.addWidget(self.photo, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addLayout(text, 0, 1)
        grid.setColumnStretch(1, 1)

    def show_resident(self, r: ResidentSummary, photo: bytes | None = None) -> None:
        pixmap = QPixmap()
        if not (photo and pixmap.loadFromData(photo)):
            pixmap = initials_avatar(r.name, PHOTO_SIZE)
        self.photo.setPixmap(
            pixmap.scaled(
                PHOTO_SIZE,
                PHOTO_SIZE,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        preferred = f" ({r.preferred_name})" if r.preferred_name else ""
        self.name.setText(f"{r.name}{preferred}")
        born = f"Born {r.date_of_birth:%d %b %Y}"
        weight = f"   ·   {r.weight_kg:g} kg" if r.weight_kg is not None else ""
        self.details.setText(
            f"{born}   ·   NHS {r.nhs_number}   ·   Room {r.room}, {r.unit}{weight}"
        )
        if r.allergies:
            self.allergies.setText("ALLERGIES: " + r.allergy_text)
            self.allergies.setProperty("state", "allergy")
        else:
            self.allergies.setText(r.allergy_text)
            self.allergies.setProperty("state", "none" if r.no_known_allergies else "unknown")
        self.allergies.style().unpolish(self.allergies)
        self.allergies.style().polish(self.allergies)
        notes = []
        if r.absence:
            notes.append(f"AWAY: in {r.absence}")
        if r.covert:
            review = f", review by {r.covert_review_date:%d %b %Y}" if r.covert_review_date else ""
            notes.append(f"Covert administration authorised{review}")
        if r.medicine_preferences:
            notes.append(f"Likes: {r.medicine_preferences}")
        if r.swallowing_needs:
            notes.append(f"Swallowing: {r.swallowing_needs}")
        self.notes.setText("\n".join(notes))

    def clear(self) -> None:
        self.photo.clear()
        self.name.setText("Select a resident")
        for label in (self.details, self.allergies, self.notes):
            label.setText("")
        self.allergies.setProperty("state", "")  # no empty red allergy bar on a locked screen
        self.allergies.style().unpolish(self.allergies)
        self.allergies.style().polish(self.allergies)
