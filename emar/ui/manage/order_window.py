"""The monthly order (Manage > Monthly order, issue 18 part 1): the draft for the next cycle
from the charts and the stock, checked line by line (not required this cycle, or another
quantity, each with its reason), then recorded signed by the person signed in and printed as the
order list (PDF, with the CSV beside it), as `emar order` does. The reminder to order is in the
header. Every check is the service's; a refusal is shown with its reason and saves nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from emar.domain.wording import format_amount
from emar.errors import EmarError
from emar.infra.db import Session
from emar.reports.order_list import print_order, refuse_existing
from emar.services.charts.ordering import (
    NextCycle,
    OrderChange,
    OrderDraft,
    OrderExists,
    OrderLine,
    changed_line,
    draft_order,
    next_cycle,
    record_order,
)
from emar.ui.operations import CHARTS, STOCK, Desk, QueryOp
from emar.ui.tasks import TaskRunner
from emar.ui.widgets.message_line import MessageLine
from emar.ui.widgets.window_keys import close_with_keys

COLUMNS = [
    "Resident",
    "Room",
    "Medicine",
    "Dose and when",
    "Needed",
    "In stock",
    "To order",
    "Packs",
    "How worked out",
]
GREY = QBrush(QColor("#8a8a8a"))


def ask_reason(parent: QWidget, title: str, text: str) -> str | None:
    reason, ok = QInputDialog.getText(parent, title, text)
    return reason if ok else None


def ask_quantity(parent: QWidget, text: str, current: Decimal) -> tuple[Decimal, str] | None:
    """The quantity (dose units) and the reason for it; None when cancelled."""
    typed, ok = QInputDialog.getText(parent, "Change quantity", text, text=format_amount(current))
    if not ok:
        return None
    try:
        quantity = Decimal(typed.strip())
    except InvalidOperation:
        quantity = Decimal("NaN")
    reason, ok = QInputDialog.getText(parent, "Change quantity", "Why this quantity?")
    return (quantity, reason) if ok else None


def ask_pdf_path(parent: QWidget, suggested: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Save the order list", suggested, "PDF (*.pdf)")
    return Path(path) if path else None


def confirm_again(parent: QWidget, text: str) -> bool:
    answer = QMessageBox.question(
        parent,
        "This cycle is already ordered",
        f"{text}\n\nRecord another order all the same?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


@dataclass
class OrderQuestions:
    ask_reason: Callable[[QWidget, str, str], str | None] = ask_reason
    ask_quantity: Callable[[QWidget, str, Decimal], tuple[Decimal, str] | None] = ask_quantity
    ask_pdf_path: Callable[[QWidget, str], Path | None] = ask_pdf_path
    confirm_again: Callable[[QWidget, str], bool] = confirm_again


@dataclass(frozen=True)
class Loaded:
    cycle: NextCycle
    draft: OrderDraft


class NotPrinted(EmarError):
    """The order is recorded; writing its order list failed."""


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


class OrderWindow(QWidget):
    loaded = Signal()
    saved = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        desk: Desk,
        staff_id: Callable[[], int | None],
        questions: OrderQuestions | None = None,
    ) -> None:
        super().__init__()
        close_with_keys(self)
        self.setWindowTitle("eMAR: monthly order")
        self.resize(1100, 620)
        self.desk, self.staff_id = desk, staff_id
        self.questions = questions or OrderQuestions()
        self.tasks = TaskRunner(self)
        self.draft: OrderDraft | None = None
        self.changes: dict[int, OrderChange] = {}
        self._recording: tuple[int, date, Path] | None = None  # who, cycle, PDF: for again
        self._date_set = False
        desk.changes.happened.connect(self._changed)  # bound: dropped when this window goes
        self.reminder = QLabel()
        self.reminder.setStyleSheet("font-weight: bold;")
        self.cycle_start = QDateEdit(displayFormat="dd/MM/yyyy", calendarPopup=True)
        self.cycle_start.dateChanged.connect(self._date_changed)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.not_required_button = self._button("&Not required this cycle…", self.not_required)
        self.quantity_button = self._button("Change &quantity…", self.change_quantity)
        self.undo_button = self._button("&Undo the change", self.undo_change)
        self.record_button = self._button("&Record the order and print…", self.record)
        top = QHBoxLayout()
        top.addWidget(QLabel("&Cycle starts"))
        top.itemAt(0).widget().setBuddy(self.cycle_start)  # type: ignore[union-attr]
        top.addWidget(self.cycle_start)
        top.addWidget(self.reminder, 1)
        buttons = QHBoxLayout()
        for b in (self.not_required_button, self.quantity_button, self.undo_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.record_button)
        self.message = MessageLine()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self._selection_changed()
        self.refresh()

    def _button(self, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        return button

    def _changed(self, kind: str) -> None:
        if kind in (CHARTS, STOCK):
            self.refresh()

    def fail(self, exc: BaseException) -> None:
        self.failed.emit(self.message.failure(exc, "not saved"))

    # --- the draft --------------------------------------------------------------------------
    def chosen_start(self) -> date | None:
        if not self._date_set:
            return None
        d = self.cycle_start.date()
        return date(d.year(), d.month(), d.day())

    def refresh(self) -> None:
        by = self.staff_id()
        if by is None:
            return
        start, now = self.chosen_start(), self.desk.clock()

        def load(s: Session) -> Loaded:
            cycle = next_cycle(s, now)
            return Loaded(cycle, draft_order(s, by, start or cycle.cycle_start, now))

        QueryOp(self, load).latest("order").success(self._show).run_in_background()

    def _date_changed(self) -> None:
        if self._date_set:
            self.changes.clear()  # the changes were for the other cycle's lines
            self.refresh()

    def _show(self, loaded: Loaded) -> None:
        cycle = loaded.cycle
        if not self._date_set:
            self.cycle_start.blockSignals(True)
            self.cycle_start.setDate(_qdate(loaded.draft.cycle_start))
            self.cycle_start.blockSignals(False)
            self._date_set = True
        if cycle.reminder:
            self.reminder.setText(cycle.reminder)
        elif cycle.ordered:
            self.reminder.setText(
                f"The order for the cycle starting {cycle.cycle_start:%d %b %Y} is recorded."
            )
        else:
            self.reminder.setText(f"The next cycle starts on {cycle.cycle_start:%d %b %Y}.")
        self.draft = loaded.draft
        drafted = {x.chart_line_id for x in loaded.draft.lines}
        for gone in set(self.changes) - drafted:
            del self.changes[gone]
        self._fill()
        self.loaded.emit()

    def shown_line(self, line: OrderLine) -> OrderLine:
        change = self.changes.get(line.chart_line_id)
        return line if change is None else changed_line(line, change)

    def _fill(self) -> None:
        chosen = self.selected()
        lines = self.draft.lines if self.draft else ()
        self.table.setRowCount(len(lines))
        for row, drafted in enumerate(lines):
            line = self.shown_line(drafted)
            how = line.note
            if line.not_required_reason:
                how = f"not required this cycle: {line.not_required_reason}"
            elif line.adjusted_reason:
                how = (
                    f"changed from {format_amount(drafted.quantity)}: {line.adjusted_reason}"
                    f" ({line.note})"
                )
            cells = (
                line.resident,
                line.room,
                line.medicine,
                f"{line.dose}, {line.when}",
                format_amount(line.needed),
                format_amount(line.in_stock),
                format_amount(line.quantity),
                str(line.packs) if line.packs else ("" if line.pack_size else "by quantity"),
                how,
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, line.chart_line_id)
                if not line.ordered:
                    item.setForeground(GREY)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        if chosen is not None:
            self.select(chosen.chart_line_id)
        self._selection_changed()

    def select(self, chart_line_id: int) -> None:
        lines = self.draft.lines if self.draft else ()
        for row, line in enumerate(lines):
            if line.chart_line_id == chart_line_id:
                self.table.selectRow(row)
                return

    def selected(self) -> OrderLine | None:
        rows = self.table.selectionModel().selectedRows()
        lines = self.draft.lines if self.draft else ()
        if not rows or rows[0].row() >= len(lines):
            return None
        return lines[rows[0].row()]

    def _selection_changed(self) -> None:
        line = self.selected()
        self.not_required_button.setEnabled(line is not None)
        self.quantity_button.setEnabled(line is not None)
        self.undo_button.setEnabled(line is not None and line.chart_line_id in self.changes)
        self.record_button.setEnabled(bool(self.draft and self.draft.lines))

    # --- the nurse's changes ----------------------------------------------------------------
    def _change(self, line: OrderLine, change: OrderChange, said: str) -> None:
        try:
            changed_line(line, change)  # the service's own check, before anything is kept
        except EmarError as exc:
            self.failed.emit(self.message.failure(exc, "not changed"))
            return
        self.changes[line.chart_line_id] = change
        self._fill()
        self.saved.emit(self.message.success(said))

    def not_required(self) -> None:
        line = self.selected()
        if line is None:
            return
        reason = self.questions.ask_reason(
            self,
            "Not required this cycle",
            f"Why is {line.medicine} for {line.resident} not required this cycle?",
        )
        if reason is None:
            return
        self._change(
            line,
            OrderChange(not_required_reason=reason),
            f"{line.medicine} for {line.resident}: not required this cycle (not saved yet).",
        )

    def change_quantity(self) -> None:
        line = self.selected()
        if line is None:
            return
        answer = self.questions.ask_quantity(
            self,
            f"{line.medicine} for {line.resident}: how much to order ({line.dose}; "
            f"drafted {format_amount(line.quantity)})?",
            self.shown_line(line).quantity,
        )
        if answer is None:
            return
        quantity, reason = answer
        self._change(
            line,
            OrderChange(quantity=quantity, adjusted_reason=reason),
            f"{line.medicine} for {line.resident}: {format_amount(quantity)} to order "
            "(not saved yet).",
        )

    def undo_change(self) -> None:
        line = self.selected()
        if line is not None and self.changes.pop(line.chart_line_id, None) is not None:
            self._fill()

    # --- recording and printing -------------------------------------------------------------
    def record(self) -> None:
        by, start = self.staff_id(), self.chosen_start()
        if by is None or start is None or self.draft is None:
            return
        out = self.questions.ask_pdf_path(self, f"order-{start:%Y-%m-%d}.pdf")
        if out is None:
            return
        if out.suffix.lower() != ".pdf":
            out = out.with_name(out.name + ".pdf")
        self._record_to(by, start, out, again=False)

    def _record_to(self, by: int, start: date, out: Path, *, again: bool) -> None:
        csv_path = out.with_suffix(".csv")
        changes, db, now = dict(self.changes), self.desk.db, self.desk.clock()
        self._recording = (by, start, out)

        def work() -> tuple[int, int, int, Path, Path]:
            refuse_existing(out, csv_path)
            with db.write() as s:  # signed by the person signed in, as the service checks
                order_id = record_order(s, by, start, now, changes, again=again)
            try:
                view = print_order(db, by, order_id, out, csv_path, now)
            except Exception as exc:  # recorded all the same: say so, never "not saved"
                raise NotPrinted(
                    f"Order {order_id} is recorded, but the order list was not written: {exc}"
                ) from exc
            ordered = [x for x in view.lines if x.ordered]
            return order_id, len(ordered), sum(x.packs for x in ordered), out, csv_path

        self.record_button.setEnabled(False)
        self.tasks.run(work, self._recorded, self._record_failed)

    def _recorded(self, made: tuple[int, int, int, Path, Path]) -> None:
        order_id, lines, packs, out, csv_path = made
        self.changes.clear()
        said = (
            f"Order {order_id} recorded: {lines} line{'' if lines == 1 else 's'} to order "
            f"({packs} pack{'' if packs == 1 else 's'}); written to {out} and {csv_path}."
        )
        self.saved.emit(self.message.success(said))
        self.desk.changes.happened.emit(STOCK)  # the reminder and other screens follow

    def _record_failed(self, exc: BaseException) -> None:
        self._selection_changed()
        recording = self._recording
        if (
            isinstance(exc, OrderExists)
            and recording is not None
            and self.questions.confirm_again(self, str(exc))
        ):
            by, start, out = recording
            self._record_to(by, start, out, again=True)
            return
        if isinstance(exc, NotPrinted):
            self.changes.clear()
            self.failed.emit(self.message.failure(exc, "not printed"))
            self.desk.changes.happened.emit(STOCK)
        else:
            self.fail(exc)
