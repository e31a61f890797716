"""The receipt check (Manage > Receipt check, issue 18 part 2): what was booked in since a
monthly order was recorded, against the order line by line (the rule is emar.domain.receipt,
read through emar.services.charts.receipt), urgent items first and in red so the nurse knows
what to chase; signed by the person signed in (with a note if she wants) and printed as
`emar receipt` does. It is read afresh when shown, on Refresh and after stock is booked in."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from emar.domain.receipt import Outcome
from emar.domain.wording import format_amount, unit_text
from emar.infra.db import Session
from emar.reports.receipt_check import print_receipt_check
from emar.services.charts.ordering import OrderSummary, orders
from emar.services.charts.receipt import (
    Receipt,
    ReceiptCheckView,
    ReceiptLine,
    receipt_checks,
    reconcile,
    sign_receipt_check,
)
from emar.services.home import get_home
from emar.ui.operations import STOCK, Desk, QueryOp
from emar.ui.tasks import TaskRunner
from emar.ui.widgets.message_line import MessageLine
from emar.ui.widgets.window_keys import close_with_keys

COLUMNS = ["", "Resident", "Room", "Medicine", "Ordered", "Received", "Status", "What was found"]
URGENT_BACK = QBrush(QColor("#ffd6d6"))
CHASE_BACK = QBrush(QColor("#fff3cd"))  # not urgent, still to chase: short, missing, wrong pack
CHASE = {
    Outcome.SHORT,
    Outcome.MISSING,
    Outcome.WRONG_STRENGTH,
    Outcome.ANOTHER_PRODUCT,
}


def amount(value: Decimal, unit: str) -> str:
    """28 tablets, 500 ml: what a number counts."""
    return f"{format_amount(value)} {unit_text(unit, value)}".strip()


def to_chase(x: ReceiptLine) -> bool:
    """Short, missing, a wrong pack, or come for a line stopped since: to act on."""
    return x.outcome in CHASE or x.stopped


def status(x: ReceiptLine) -> str:
    """The item's status in a word or three."""
    if x.stopped:
        return "stopped: return it" if x.received else "stopped"
    if x.outcome == Outcome.SHORT:
        return f"short by {format_amount(x.ordered - x.received)}"
    if x.outcome == Outcome.EXTRA:
        return f"extra {format_amount(x.received - x.ordered)}"
    return x.outcome


def summary(receipt: Receipt) -> str:
    """One line: how many items, how many urgent, and how many of each outcome."""
    if not receipt.lines:
        return "Nothing ordered or booked in for this order."
    counts = Counter(Outcome(x.outcome) for x in receipt.lines)
    parts = [f"{counts[o]} {o}" for o in Outcome if counts[o]]
    urgent = len(receipt.urgent)
    lead = f"{urgent} URGENT to chase now. " if urgent else "Nothing urgent. "
    n = len(receipt.lines)
    return f"{lead}{n} item{'' if n == 1 else 's'}: {', '.join(parts)}."


def order_text(o: OrderSummary, zone: tzinfo) -> str:
    return (
        f"Order {o.id}: cycle starting {o.cycle_start:%d %b %Y}, recorded "
        f"{o.made_at.astimezone(zone):%d %b %Y %H:%M} by {o.made_by} ({o.lines} lines)"
    )


def check_text(c: ReceiptCheckView, zone: tzinfo) -> str:
    at = f"{c.checked_at.astimezone(zone):%d %b %Y at %H:%M}" if c.checked_at else ""
    urgent = len(c.urgent)
    note = f"; note: {c.note}" if c.note else ""
    return (
        f"Receipt check {c.id} signed by {c.checked_by} on {at}: {len(c.lines)} items, "
        f"{urgent} urgent{note}"
    )


def ask_note(parent: QWidget) -> str | None:
    """The nurse's note for the signed check ("" for none); None when cancelled."""
    note, ok = QInputDialog.getText(
        parent, "Sign the receipt check", "A note with the check (optional):"
    )
    return note if ok else None


def confirm(parent: QWidget, text: str) -> bool:
    answer = QMessageBox.question(parent, "Sign the receipt check", text)
    return answer == QMessageBox.StandardButton.Yes


def ask_pdf_path(parent: QWidget, suggested: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(
        parent, "Save the receipt check", suggested, "PDF (*.pdf)"
    )
    return Path(path) if path else None


@dataclass
class ReceiptQuestions:
    confirm: Callable[[QWidget, str], bool] = confirm
    ask_note: Callable[[QWidget], str | None] = ask_note
    ask_pdf_path: Callable[[QWidget, str], Path | None] = ask_pdf_path


@dataclass(frozen=True)
class Loaded:
    orders: list[OrderSummary]
    receipt: Receipt | None
    checks: list[ReceiptCheckView]
    zone: tzinfo


class ReceiptWindow(QWidget):
    loaded = Signal()
    saved = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        desk: Desk,
        staff_id: Callable[[], int | None],
        questions: ReceiptQuestions | None = None,
    ) -> None:
        super().__init__()
        close_with_keys(self)
        self.setWindowTitle("eMAR: receipt check")
        self.resize(1150, 640)
        self.desk, self.staff_id = desk, staff_id
        self.questions = questions or ReceiptQuestions()
        self.tasks = TaskRunner(self)
        self.receipt: Receipt | None = None
        self.checks: list[ReceiptCheckView] = []
        self._order_ids: list[int] = []
        desk.changes.happened.connect(self._changed)  # bound: dropped when this window goes
        self.order = QComboBox()
        self.order.activated.connect(lambda _i: self.refresh())
        self.refresh_button = self._button("Re&fresh", self.refresh)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-weight: bold; font-size: 11pt;")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.sign_button = self._button("&Sign the check…", self.sign)
        self.print_button = self._button("&Print…", self.print_check)
        self.earlier = QListWidget()
        self.earlier.setMaximumHeight(90)
        self.earlier.itemSelectionChanged.connect(lambda: self._enable())
        self.print_signed_button = self._button("Print the signed chec&k…", self.print_signed)
        top = QHBoxLayout()
        label = QLabel("&Order")
        label.setBuddy(self.order)
        top.addWidget(label)
        top.addWidget(self.order, 1)
        top.addWidget(self.refresh_button)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.sign_button)
        self.message = MessageLine()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        signed = QHBoxLayout()
        signed.addWidget(QLabel("Signed checks of this order:"))
        signed.addStretch(1)
        signed.addWidget(self.print_signed_button)
        layout.addLayout(signed)
        layout.addWidget(self.earlier)
        layout.addWidget(self.message)
        self._enable()

    def _button(self, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        return button

    def _changed(self, kind: str) -> None:
        if kind == STOCK and self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def fail(self, exc: BaseException) -> None:
        self.failed.emit(self.message.failure(exc, "not read"))

    def chosen_order(self) -> int | None:
        i = self.order.currentIndex()
        return self._order_ids[i] if 0 <= i < len(self._order_ids) else None

    # --- reading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        by = self.staff_id()
        if by is None:
            return
        chosen, now = self.chosen_order(), self.desk.clock()

        def load(s: Session) -> Loaded:
            recorded, zone = orders(s, by), get_home(s).zone
            ids = [o.id for o in recorded]
            order_id = chosen if chosen in ids else (ids[0] if ids else None)
            if order_id is None:
                return Loaded(recorded, None, [], zone)
            return Loaded(
                recorded, reconcile(s, by, order_id, now), receipt_checks(s, by, order_id), zone
            )

        QueryOp(self, load).latest("receipt").success(self._show).run_in_background()

    def _show(self, loaded: Loaded) -> None:
        self.receipt, self.checks = loaded.receipt, loaded.checks
        self._order_ids = [o.id for o in loaded.orders]
        self.order.blockSignals(True)
        self.order.clear()
        for o in loaded.orders:
            self.order.addItem(order_text(o, loaded.zone))
        if self.receipt is not None:
            self.order.setCurrentIndex(self._order_ids.index(self.receipt.order_id))
        self.order.blockSignals(False)
        if self.receipt is None:
            self.summary.setText("No order is recorded yet: make it in Manage > Monthly order.")
        else:
            self.summary.setText(summary(self.receipt))
            colour = "#b00020" if self.receipt.urgent else "#1b5e20"
            self.summary.setStyleSheet(f"font-weight: bold; font-size: 11pt; color: {colour};")
        self._fill()
        self.earlier.clear()
        for c in self.checks:
            self.earlier.addItem(check_text(c, loaded.zone))
        if not self.checks:
            self.earlier.addItem("None signed yet.")
        self._enable()
        self.loaded.emit()

    def _fill(self) -> None:
        # urgent first (as the service lists them), then what is still to chase, then the rest
        lines = sorted(
            self.receipt.lines if self.receipt else (),
            key=lambda x: (not x.urgent, not to_chase(x)),
        )
        self.table.setRowCount(len(lines))
        for row, x in enumerate(lines):
            medicine = x.medicine + (f" (pack: {x.pack_medicine})" if x.pack_medicine else "")
            cells = (
                "URGENT" if x.urgent else "",
                x.resident,
                x.room,
                medicine,
                amount(x.ordered, x.unit),
                amount(x.received, x.unit),
                status(x),
                x.note,
            )
            back = URGENT_BACK if x.urgent else (CHASE_BACK if to_chase(x) else None)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if back is not None:
                    item.setBackground(back)
                if x.urgent and col in (0, 6):
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, col, item)
        for col in range(len(COLUMNS) - 1):  # the last stretches and wraps
            self.table.resizeColumnToContents(col)
        self.table.resizeRowsToContents()

    def _enable(self, busy: bool = False) -> None:
        has = self.receipt is not None and not busy
        self.sign_button.setEnabled(has)
        self.print_button.setEnabled(has)
        self.print_signed_button.setEnabled(not busy and self.chosen_check() is not None)

    def chosen_check(self) -> ReceiptCheckView | None:
        row = self.earlier.currentRow() if self.earlier.selectedItems() else -1
        return self.checks[row] if 0 <= row < len(self.checks) else None

    # --- signing and printing ---------------------------------------------------------------
    def sign(self) -> None:
        by, receipt = self.staff_id(), self.receipt
        if by is None or receipt is None:
            return
        n, urgent = len(receipt.lines), len(receipt.urgent)
        if not self.questions.confirm(
            self,
            f"Sign the receipt check of order {receipt.order_id} as it stands now "
            f"({n} item{'' if n == 1 else 's'}, {urgent} urgent)? It is recorded in your name "
            "and cannot be changed.",
        ):
            return
        note = self.questions.ask_note(self)
        if note is None:
            return
        db, now, order_id = self.desk.db, self.desk.clock(), receipt.order_id

        def work() -> int:
            with db.write() as s:  # signed by the person signed in, as the service checks
                return sign_receipt_check(s, by, order_id, now, note.strip() or None)

        self._enable(busy=True)
        self.tasks.run(work, self._signed, self._sign_failed)

    def _signed(self, check_id: int) -> None:
        self.saved.emit(self.message.success(f"Receipt check {check_id} signed."))
        self.desk.changes.happened.emit(STOCK)  # this screen and the round's alerts follow
        self.refresh()

    def _sign_failed(self, exc: BaseException) -> None:
        self._enable()
        self.failed.emit(self.message.failure(exc, "not signed"))

    def print_check(self) -> None:
        """The check as it stands now (not signed)."""
        if self.receipt is not None:
            now = self.desk.clock()
            self._print(f"receipt-check-order-{self.receipt.order_id}-{now:%Y-%m-%d-%H%M}.pdf")

    def print_signed(self) -> None:
        """The signed check chosen below, as it was recorded."""
        check = self.chosen_check()
        if check is not None:
            self._print(f"receipt-check-{check.id}.pdf", check.id)

    def _print(self, suggested: str, check_id: int | None = None) -> None:
        by, receipt = self.staff_id(), self.receipt
        if by is None or receipt is None:
            return
        out = self.questions.ask_pdf_path(self, suggested)
        if out is None:
            return
        if out.suffix.lower() != ".pdf":
            out = out.with_name(out.name + ".pdf")
        db, order_id, now = self.desk.db, receipt.order_id, self.desk.clock()

        def work() -> Path:
            print_receipt_check(db, by, order_id, out, now, check_id)
            return out

        self._enable(busy=True)
        self.tasks.run(work, self._printed, self._print_failed)

    def _printed(self, out: Path) -> None:
        self._enable()
        self.saved.emit(self.message.success(f"The receipt check is written to {out}."))

    def _print_failed(self, exc: BaseException) -> None:
        self._enable()
        self.failed.emit(self.message.failure(exc, "not printed"))
