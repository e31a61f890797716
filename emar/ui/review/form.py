"""The pharmacist's part of the review screen: "what matters to me", who took part, in person or
remote, the recommendations (to the GP or to the home), the summary and the next review date.
The per-line assessments sit beside the lines on the chart (review_window.py); `collect` puts
everything into the contract's `ReviewForm`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from emar.errors import ValidationError
from emar.services.review.records import LineAssessment, RecommendationForm, ReviewForm

MODES = ("in person", "remote")
ADDRESSEES = (("GP / prescriber", "gp"), ("The home", "home"))
KINDS = ("stop", "reduce", "change", "start", "monitor", "review", "other")
NEXT_REVIEW_DAYS = 365  # NICE: at least yearly


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _date(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def _text(edit: QPlainTextEdit) -> QPlainTextEdit:
    edit.setTabChangesFocus(True)  # Tab moves on, as in every other field
    edit.setFixedHeight(64)
    return edit


def _labelled(form: QFormLayout, text: str, field: QWidget) -> None:
    label = QLabel(text)
    label.setBuddy(field)
    form.addRow(label, field)


class ReviewFormPanel(QGroupBox):
    def __init__(self, today: date) -> None:
        super().__init__("The review (signed with your PIN; never edited after)")
        self.what_matters = _text(QPlainTextEdit())
        self.what_matters.setPlaceholderText("In the resident's or family's own words")
        self.participants = QLineEdit(
            placeholderText="e.g. Nina Patel (nurse), the resident, daughter"
        )
        self.mode = QComboBox()
        self.mode.addItems(list(MODES))
        self.summary = _text(QPlainTextEdit())
        self.next_review = QDateEdit(calendarPopup=True, displayFormat="dd/MM/yyyy")
        self.lines: list[tuple[str, int]] = []  # the chart's lines, for a recommendation

        self.to = QComboBox()
        for label, key in ADDRESSEES:
            self.to.addItem(label, key)
        self.kind = QComboBox()
        self.kind.addItems(list(KINDS))
        self.text = QLineEdit(placeholderText="What is recommended, and why")
        self.line = QComboBox()
        self.has_due = QCheckBox("D&ue by")
        self.due = QDateEdit(calendarPopup=True, displayFormat="dd/MM/yyyy")
        self.due.setEnabled(False)
        self.has_due.toggled.connect(self.due.setEnabled)
        self.add = QPushButton("&Add recommendation")
        self.add.clicked.connect(self.add_recommendation)
        self.remove = QPushButton("R&emove recommendation")
        self.remove.clicked.connect(self.remove_recommendation)
        self.recommendations: list[RecommendationForm] = []
        self.listed = QListWidget()
        self.listed.setMaximumHeight(110)
        self.sign = QPushButton("&Sign review…")
        self.sign.setObjectName("signButton")
        self.reset(today)

        top = QFormLayout()  # one form: the labels line up
        _labelled(top, "&What matters to me", self.what_matters)
        _labelled(top, "Who took &part", self.participants)
        _labelled(top, "&Mode", self.mode)
        _labelled(top, "Summar&y", self.summary)
        _labelled(top, "&Next review", self.next_review)
        rec = QFormLayout()
        _labelled(rec, "&To", self.to)
        _labelled(rec, "&Kind", self.kind)
        _labelled(rec, "Te&xt", self.text)
        _labelled(rec, "&Line (optional)", self.line)
        due_row = QHBoxLayout()
        due_row.addWidget(self.has_due)
        due_row.addWidget(self.due)
        due_row.addStretch(1)
        rec.addRow("", due_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add)
        buttons.addWidget(self.remove)
        buttons.addStretch(1)
        rec.addRow("", buttons)
        rec.addRow("", self.listed)
        rec_box = QGroupBox("Recommendations")
        rec_box.setLayout(rec)
        left = QVBoxLayout()
        left.addLayout(top)
        left.addStretch(1)
        row = QHBoxLayout()
        row.addLayout(left, 1)
        row.addWidget(rec_box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        sign_row = QHBoxLayout()
        sign_row.addStretch(1)
        sign_row.addWidget(self.sign)
        layout.addLayout(sign_row)

    def reset(self, today: date) -> None:
        """Empty, after signing or on opening."""
        for edit in (self.what_matters, self.summary):
            edit.clear()
        self.participants.clear()
        self.text.clear()
        self.mode.setCurrentIndex(0)
        self.today = today
        self.next_review.setDate(_qdate(today + timedelta(days=NEXT_REVIEW_DAYS)))
        self.due.setDate(_qdate(today + timedelta(days=28)))
        self.has_due.setChecked(False)
        self.recommendations = []
        self.listed.clear()

    def set_today(self, today: date) -> None:
        """The home's today (known once the page loads; the PC's date may be another day):
        moves the default dates the pharmacist has not changed."""
        for edit, days in ((self.next_review, NEXT_REVIEW_DAYS), (self.due, 28)):
            if edit.date() == _qdate(self.today + timedelta(days=days)):
                edit.setDate(_qdate(today + timedelta(days=days)))
        self.today = today

    def set_lines(self, lines: list[tuple[str, int]]) -> None:
        chosen = self.line.currentData()
        self.lines = lines
        self.line.clear()
        self.line.addItem("(the whole chart)", None)
        for name, line_id in lines:
            self.line.addItem(name, line_id)
        self.line.setCurrentIndex(max(self.line.findData(chosen), 0))

    def add_recommendation(self) -> None:
        text = self.text.text().strip()
        if not text:
            self.text.setFocus()
            return
        rec = RecommendationForm(
            addressed_to=str(self.to.currentData()),
            kind=self.kind.currentText(),
            text=text,
            chart_line_id=self.line.currentData(),
            due_on=_date(self.due.date()) if self.has_due.isChecked() else None,
        )
        self.recommendations.append(rec)
        to = "GP" if rec.addressed_to == "gp" else "Home"
        line = f" ({self.line.currentText()})" if rec.chart_line_id is not None else ""
        due = f", by {rec.due_on:%d/%m/%Y}" if rec.due_on else ""
        self.listed.addItem(f"To {to}: {rec.kind}{line}: {text}{due}")
        self.text.clear()
        self.text.setFocus()

    def remove_recommendation(self) -> None:
        row = self.listed.currentRow()
        if 0 <= row < len(self.recommendations):
            del self.recommendations[row]
            self.listed.takeItem(row)

    def collect(
        self, resident_id: int, assessments: Callable[[], list[LineAssessment]]
    ) -> ReviewForm:
        participants = self.participants.text().strip()
        if not participants:
            self.participants.setFocus()
            raise ValidationError("Say who took part in the review.")
        return ReviewForm(
            resident_id=resident_id,
            mode=self.mode.currentText(),
            participants=participants,
            what_matters=self.what_matters.toPlainText().strip() or None,
            summary=self.summary.toPlainText().strip() or None,
            assessments=tuple(assessments()),
            recommendations=tuple(self.recommendations),
            next_review_on=_date(self.next_review.date()),
        )
