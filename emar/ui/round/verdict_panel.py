"""The engine's verdict on a scan, full width: a green go-ahead, a question, or a red stop.

The panel is the view of one giving flow (emar/ui/round/giving.py): `reset` at the flow's end clears
every field typed for the dose, so nothing carries over to the next one.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QDate, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCalendarWidget,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from emar.domain.dose_choices import dose_choices
from emar.domain.pack_expiry import read_expiry
from emar.domain.rights.route import route_in_words
from emar.domain.sites import needs_site
from emar.domain.verdict import QUESTIONS, CheckCode, Severity, Verdict
from emar.domain.wording import dose_text, format_amount
from emar.errors import EmarError


@dataclass(frozen=True)
class DoseForm:
    """What was typed on the panel for this dose."""

    prn_reason: str | None
    witness: str
    witness_pin: str
    site: str | None
    late_reason: str | None


class VerdictPanel(QFrame):
    confirmed = Signal()
    cancelled = Signal()
    override_requested = Signal()
    dose_chosen = Signal(object)  # Decimal
    route_confirmed = Signal(str)  # the line's route, confirmed for a dose without a barcode
    other_route_requested = Signal()
    expiry_answered = Signal(object)  # the date read off the pack, or None: it shows none

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdictPanel")
        self.verdict: Verdict | None = None
        self.headline = QLabel()
        self.headline.setObjectName("verdictHeadline")
        self.headline.setWordWrap(True)
        # a stop is never clipped: the label takes the height its wrapped text needs (Qt's box
        # layouts do not give a wrapped label its height-for-width by themselves)
        self.headline.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.headline.installEventFilter(self)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.doses = QHBoxLayout()
        self.prn_reason = QLineEdit(placeholderText="Why is it needed now? (e.g. pain 6/10)")
        self.witness = QLineEdit(placeholderText="Witness: scan their badge or type username")
        self.witness_pin = QLineEdit(
            placeholderText="Witness PIN", echoMode=QLineEdit.EchoMode.Password
        )
        self.site = QLineEdit(placeholderText="Where applied, e.g. left upper arm")
        self.late_reason = QLineEdit(placeholderText="Why is it recorded late?")
        self.route_yes = QPushButton()
        self.route_yes.setObjectName("routeYes")
        self.route_yes.clicked.connect(self._confirm_route)
        self.route_other = QPushButton("Another route…")
        self.route_other.clicked.connect(self.other_route_requested.emit)
        self.route_row = _row(self.route_yes, self.route_other)
        self.expiry = QLineEdit(placeholderText="As printed, e.g. 12/2026 — then Enter")
        self.expiry.setObjectName("expiryRead")
        self.expiry.returnPressed.connect(self._expiry_typed)
        self.expiry_pick = QToolButton(text="Choose…")
        self.expiry_pick.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendar = QCalendarWidget()
        self.calendar.clicked.connect(self._expiry_chosen)
        menu = QMenu(self.expiry_pick)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        self.expiry_pick.setMenu(menu)
        self.expiry_none = QPushButton("The pack shows no expiry")
        self.expiry_none.setObjectName("expiryNone")
        self.expiry_none.clicked.connect(self._no_expiry)
        self.expiry_row = _row(self.expiry, self.expiry_pick, self.expiry_none)
        self.extra = QFormLayout()
        self.extra.addRow("Route", self.route_row)
        self.extra.addRow("Expiry on the pack", self.expiry_row)
        self.extra.addRow("Late entry", self.late_reason)
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

    def show_verdict(
        self,
        verdict: Verdict,
        last_site: str | None = None,
        *,
        refresh: bool = False,
        late_reason: str | None = None,
    ) -> None:
        """Show a verdict for the current dose. Fields already typed for this dose stay;
        a refresh (the data changed underneath) leaves the focus where the carer is."""
        self.verdict = verdict
        question = verdict.question
        self._set_state(
            "ask"
            if question is not None
            else {Severity.BLOCK: "stop", Severity.WARN: "warn"}.get(verdict.severity, "go")
        )
        self._set_headline(verdict.headline)
        shown = verdict.headline.removeprefix("STOP: ")
        lines = [
            c.message
            for c in sorted(verdict.checks, key=lambda c: -c.severity)
            if c.message != shown and c.code not in (CheckCode.RIGHTS, *QUESTIONS)
        ]
        self.details.setText("\n".join(lines))
        self.details.setVisible(bool(lines))
        self._dose_buttons(verdict)
        line = verdict.line
        asks_route = question is not None and question.code == CheckCode.ROUTE_CONFIRM
        asks_expiry = question is not None and question.code == CheckCode.EXPIRY_UNREAD
        if asks_route and line is not None:
            self.route_yes.setText(f"&Yes, {route_in_words(line.route)} (Enter)")
        self._show_row(self.route_row, asks_route)
        self._show_row(self.expiry_row, asks_expiry)
        self._show_row(self.prn_reason, bool(line and line.is_prn))
        site_needed = bool(line and needs_site(line.route))
        self._show_row(self.site, site_needed)
        label = self.extra.labelForField(self.site)
        if site_needed and label is not None:
            label.setText(f"Site (last: {last_site})" if last_site else "Site")
        self._show_row(self.late_reason, verdict.has(CheckCode.LATE_ENTRY))
        if late_reason and not self.late_reason.text() and verdict.has(CheckCode.LATE_ENTRY):
            self.late_reason.setText(late_reason)
        self._show_row(self.witness, verdict.needs_witness)
        self._show_row(self.witness_pin, verdict.needs_witness)
        self.confirm.setEnabled(not verdict.blocked)
        self.override.setVisible(verdict.overridable)
        self.override.setEnabled(True)
        self.show()
        if refresh:
            return
        if verdict.stops:
            QApplication.beep()  # a wrong scan is loud as well as red
            self.cancel.setFocus()
        elif asks_expiry:
            self.expiry.setFocus()
        elif asks_route:
            self.route_yes.setFocus()
        elif self.late_reason.isVisible() and not self.late_reason.text():
            self.late_reason.setFocus()
        elif line is not None and line.is_prn and not self.prn_reason.text():
            self.prn_reason.setFocus()
        else:
            self.confirm.setFocus()

    def eventFilter(self, watched, event) -> bool:  # type: ignore[no-untyped-def]
        if watched is self.headline and event.type() == QEvent.Type.Resize:
            self._fit_headline()
        return False

    def _fit_headline(self) -> None:
        width = self.headline.width()
        if width > 0:
            self.headline.setMinimumHeight(self.headline.heightForWidth(width))

    def _set_headline(self, text: str) -> None:
        self.headline.setText(text)
        self._fit_headline()

    def form(self) -> DoseForm:
        return DoseForm(
            prn_reason=self.prn_reason.text().strip() or None,
            witness=self.witness.text().strip(),
            witness_pin=self.witness_pin.text(),
            site=self.site.text().strip() or None,
            late_reason=self.late_reason.text().strip() or None,
        )

    def busy(self) -> None:
        """Waiting for the database (a save, or the check of a newly chosen dose)."""
        self.confirm.setEnabled(False)
        self.override.setEnabled(False)

    def not_recorded(self, why: str) -> None:
        """The database refused or failed: say so in red; the carer may fix and confirm."""
        self._set_headline(f"NOT RECORDED: {why}")
        self._set_state("stop")
        self.witness_pin.clear()  # a PIN is typed again for every attempt
        self.confirm.setEnabled(self.verdict is not None and not self.verdict.blocked)
        self.override.setEnabled(True)
        QApplication.beep()

    def reset(self) -> None:
        """The dose is over: clear everything typed for it and hide."""
        self.verdict = None
        self._set_headline("")
        self.details.clear()
        self._clear_dose_buttons()
        for field in (
            self.prn_reason,
            self.witness,
            self.witness_pin,
            self.site,
            self.late_reason,
            self.expiry,
        ):
            field.clear()
        self.confirm.setEnabled(False)
        self.override.setEnabled(True)
        self.hide()

    def _set_state(self, state: str) -> None:
        self.setProperty("state", state)
        self.style().unpolish(self)
        self.style().polish(self)

    def _show_row(self, field: QWidget, visible: bool) -> None:
        field.setVisible(visible)
        label = self.extra.labelForField(field)
        if label is not None:
            label.setVisible(visible)
        if not visible and isinstance(field, QLineEdit):
            field.clear()

    # --- the questions: the route without a barcode, the expiry the scan could not show -------
    def _asks(self, code: CheckCode) -> bool:
        question = self.verdict.question if self.verdict is not None else None
        return question is not None and question.code == code

    def _confirm_route(self) -> None:
        line = self.verdict.line if self.verdict is not None else None
        if line is not None and self._asks(CheckCode.ROUTE_CONFIRM):
            self.route_confirmed.emit(line.route)

    def _expiry_typed(self) -> None:
        if not self._asks(CheckCode.EXPIRY_UNREAD):
            return
        try:
            read = read_expiry(self.expiry.text())
        except EmarError as exc:
            self.details.setText(str(exc))
            self.details.setVisible(True)
            QApplication.beep()
            return
        self.expiry_answered.emit(read)

    def _no_expiry(self) -> None:
        if self._asks(CheckCode.EXPIRY_UNREAD):
            self.expiry_answered.emit(None)

    def _expiry_chosen(self, day: QDate) -> None:
        self.expiry.setText(f"{day.day():02d}/{day.month():02d}/{day.year()}")
        self.expiry_pick.menu().hide()
        self._expiry_typed()

    def _clear_dose_buttons(self) -> None:
        while self.doses.count():
            item = self.doses.takeAt(0)
            if item.widget():
                item.widget().deleteLater()

    def _dose_buttons(self, verdict: Verdict) -> None:
        self._clear_dose_buttons()
        line = verdict.line
        if line is None or not verdict.offers_doses:
            return
        self.doses.addWidget(QLabel("Which dose?"))
        for n, amount in enumerate(dose_choices(line.dose_min, line.dose_max, line.dose_unit), 1):
            # Alt+1, Alt+2...: the dose without leaving the keyboard
            button = QPushButton(f"&{n}:  {dose_text(amount, amount, line.dose_unit)}")
            button.setObjectName(f"dose_{format_amount(amount)}")
            button.setMinimumHeight(44)
            button.clicked.connect(lambda _=False, a=amount: self.dose_chosen.emit(a))
            self.doses.addWidget(button)

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and self.confirm.isEnabled():
            self.confirmed.emit()
        elif enter and self._asks(CheckCode.ROUTE_CONFIRM):
            self._confirm_route()  # one key: the route on the chart is the one given
        else:
            super().keyPressEvent(event)


def _row(*widgets: QWidget) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    return row
