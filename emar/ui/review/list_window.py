"""The review list: residents ranked by who most needs a medication review (overdue, then due;
the most urgent signals first), with a filter by unit. Enter or a double-click opens the
resident's review. The recommendations still open are counted at the top for the manager."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from emar.domain.review.ranking import ReviewStatus
from emar.infra.db import Session
from emar.services.home import UnitView, list_units
from emar.services.review.records import WaitingCounts, recommendations_waiting
from emar.services.review.signals import ReviewDue, review_list
from emar.services.staff.accounts import StaffView
from emar.ui.operations import CHARTS, HOME, RECORDS, RESIDENTS, REVIEWS, Desk, QueryOp
from emar.ui.review.dialogs import ReviewQuestions
from emar.ui.review.review_window import ReviewWindow
from emar.ui.tasks import TaskRunner
from emar.ui.widgets.layout import list_view
from emar.ui.widgets.message_line import MessageLine
from emar.ui.widgets.table_models import RowTableModel
from emar.ui.widgets.window_keys import close_with_keys


def status_text(r: ReviewDue) -> str:
    last = f"{r.last_reviewed:%d/%m/%Y}" if r.last_reviewed else None
    if r.status == ReviewStatus.NOT_DUE:
        return f"reviewed on {last} ({r.why})"
    if last is None:
        return f"{r.status.value} ({r.why})"
    return f"{r.status.value}: {r.why} (reviewed {last})"


def signal_counts(r: ReviewDue) -> str:
    parts = [(r.urgent, "urgent"), (r.attention, "attention"), (r.info, "info")]
    return ", ".join(f"{n} {word}" for n, word in parts if n) or "none"


_STATUS_COLOURS = {ReviewStatus.OVERDUE: "#f5c2c7", ReviewStatus.DUE: "#fff3cd"}


class ReviewListModel(RowTableModel[ReviewDue]):
    columns = (
        ("Room", lambda r: r.room),
        ("Resident", lambda r: r.name),
        ("Review", status_text),
        ("Signals", signal_counts),
        ("Most important signal", lambda r: r.titles[0] if r.titles else ""),
    )

    def extra_data(self, item: ReviewDue, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole:
            if column == 2 and item.status in _STATUS_COLOURS:
                return QBrush(QColor(_STATUS_COLOURS[item.status]))
            if column == 3 and item.urgent:
                return QBrush(QColor("#f5c2c7"))
        if role == Qt.ItemDataRole.ToolTipRole and item.titles:
            return "\n".join(item.titles)
        return None


class ReviewListWindow(QWidget):
    loaded = Signal()
    failed = Signal(str)

    def __init__(
        self,
        desk: Desk,
        staff_id: Callable[[], int | None],
        user: Callable[[], StaffView | None],
        questions: ReviewQuestions | None = None,
    ) -> None:
        super().__init__()
        close_with_keys(self)
        self.setWindowTitle("eMAR: medication reviews")
        self.resize(1100, 680)
        self.desk, self.staff_id, self.user = desk, staff_id, user
        self.questions = questions or ReviewQuestions()
        self.tasks = TaskRunner(self)
        self.reviews: dict[int, ReviewWindow] = {}
        self.unit = QComboBox()
        self.unit.addItem("Whole home", None)
        self.unit.currentIndexChanged.connect(lambda _i: self.refresh())
        unit_label = QLabel("&Unit:")
        unit_label.setBuddy(self.unit)
        self.waiting = QLabel("")
        self.waiting.setObjectName("reviewTotals")
        self.model = ReviewListModel(self)
        self.view = list_view(self.model)
        self.view.doubleClicked.connect(self._open_index)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.view).activated.connect(self.open_selected)
        self.message = MessageLine()
        top = QHBoxLayout()
        top.addWidget(unit_label)
        top.addWidget(self.unit)
        top.addStretch(1)
        top.addWidget(self.waiting)
        residents_label = QLabel(
            "&Residents, who most needs a review first (Enter opens the review)"
        )
        residents_label.setBuddy(self.view)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(residents_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        desk.changes.happened.connect(self._changed)
        self._load_units()
        self.refresh()

    def fail(self, exc: BaseException) -> None:
        self.failed.emit(self.message.failure(exc, "not shown"))

    def _changed(self, kind: str) -> None:
        if kind in (RECORDS, CHARTS, RESIDENTS, REVIEWS, HOME) and self.isVisible():
            self.refresh()

    def _load_units(self) -> None:
        QueryOp(self, list_units).success(self._show_units).run_in_background()

    def _show_units(self, units: list[UnitView]) -> None:
        self.unit.blockSignals(True)
        for u in units:
            self.unit.addItem(u.name, u.id)
        self.unit.blockSignals(False)

    def refresh(self) -> None:
        staff, unit, now = self.staff_id(), self.unit.currentData(), self.desk.clock()

        def fetch(s: Session) -> list[ReviewDue]:
            return review_list(s, staff, now, unit_id=unit)

        QueryOp(self, fetch).latest("list").success(self._show).run_in_background()
        QueryOp(self, lambda s: recommendations_waiting(s, staff, now)).latest("waiting").success(
            self._show_waiting
        ).failure(
            lambda _exc: self.waiting.setText("Recommendations: not available yet")
        ).run_in_background()

    def _show(self, rows: list[ReviewDue]) -> None:
        current = self.selected()
        self.model.set_rows(rows)
        self.view.resizeRowsToContents()
        ids = [r.resident_id for r in rows]
        keep = ids.index(current.resident_id) if current and current.resident_id in ids else 0
        if rows:
            self.view.selectRow(keep)
        overdue = sum(r.status == ReviewStatus.OVERDUE for r in rows)
        due = sum(r.status == ReviewStatus.DUE for r in rows)
        said = f"{len(rows)} residents: {overdue} overdue a review, {due} due, " + (
            f"{len(rows) - overdue - due} reviewed and not yet due."
        )
        # amber while anyone is overdue: that is work the home owes its residents
        (self.message.warning if overdue else self.message.success)(said)
        self.loaded.emit()

    def _no_waiting(self, _exc: BaseException) -> None:
        self.waiting.setText("Recommendations: not available")

    def _show_waiting(self, waiting: WaitingCounts) -> None:
        self.waiting.setText(waiting.words())

    def selected(self) -> ReviewDue | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def _open_index(self, index: QModelIndex) -> None:
        self.open_review(self.model.row(index.row()).resident_id)

    def open_selected(self) -> None:
        row = self.selected()
        if row is not None:
            self.open_review(row.resident_id)

    def open_review(self, resident_id: int) -> ReviewWindow:
        window = self.reviews.get(resident_id)
        if window is None:
            window = ReviewWindow(self.desk, self.staff_id, self.user, resident_id, self.questions)
            self.reviews[resident_id] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        """Closed, or the screen locked: every review it opened closes too."""
        self.tasks.drop_pending()
        for window in self.reviews.values():
            window.close()
        self.reviews.clear()
        super().closeEvent(event)
