"""The main window: the home's residents on the left, the selected resident's chart on the right."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from emar.db import Database
from emar.services.charts import ChartLineView, resident_chart
from emar.services.demo import build_demo_home
from emar.services.home import get_home, has_home
from emar.services.residents import ResidentSummary, list_residents, resident_photo
from emar.ui.resident_banner import ResidentBanner
from emar.ui.table_models import ROW_ROLE, ChartLineModel, ResidentListModel
from emar.ui.tasks import TaskRunner

Clock = Callable[[], datetime]


def ask_to_create_demo(parent: QWidget) -> bool:
    answer = QMessageBox.question(
        parent,
        "New database",
        "This database has no care home yet.\n\nCreate the demo care home (Willow Court, 20 "
        "fictional residents) to try eMAR?",
    )
    return answer == QMessageBox.StandardButton.Yes


@dataclass(frozen=True)
class HomeSnapshot:
    name: str | None
    residents: list[ResidentSummary]


@dataclass(frozen=True)
class ResidentDetail:
    resident: ResidentSummary
    photo: bytes | None
    chart: list[ChartLineView]


class MainWindow(QMainWindow):
    home_loaded = Signal()
    resident_loaded = Signal(int)

    def __init__(
        self,
        db: Database,
        *,
        clock: Clock = lambda: datetime.now(UTC),
        ask_demo: Callable[[QWidget], bool] = ask_to_create_demo,
        scanner_settings: Callable[[], QWidget] | None = None,
    ) -> None:
        super().__init__()
        self.db, self.clock, self._ask_demo = db, clock, ask_demo
        self._make_scanner_settings = scanner_settings
        self._scanner_window: QWidget | None = None
        self.tasks = TaskRunner(self)
        self.setWindowTitle("eMAR")
        self.resize(1366, 768)

        self.home_name = QLabel("eMAR")
        self.home_name.setObjectName("homeName")
        self.where = QLabel(db.display_url)
        self.error_banner = QLabel()
        self.error_banner.setObjectName("errorBanner")
        self.error_banner.setWordWrap(True)
        self.error_banner.hide()

        self.residents = ResidentListModel(self)
        self.resident_view = self._table(self.residents)
        self.resident_view.selectionModel().selectionChanged.connect(self._on_resident_selected)
        self.resident_view.verticalHeader().setDefaultSectionSize(60)

        self.banner = ResidentBanner()
        self.chart = ChartLineModel(self)
        self.chart_view = self._table(self.chart)
        self.chart_view.setWordWrap(True)
        self.chart_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        chart_header = self.chart_view.horizontalHeader()
        for column in (0, 3, 4):  # medicine, when, directions: long text wraps
            chart_header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)

        header = QHBoxLayout()
        header.addWidget(self.home_name)
        header.addStretch(1)
        header.addWidget(self.where)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.banner)
        right_layout.addWidget(self.chart_view, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.resident_view)
        splitter.addWidget(right)
        splitter.setSizes([480, 880])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(header)
        layout.addWidget(self.error_banner)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.statusBar().showMessage("Opening the database…")
        settings_menu = self.menuBar().addMenu("&Settings")
        self.scanner_action = QAction("&Scanner and self-test…", self)
        self.scanner_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.scanner_action.triggered.connect(self.open_scanner_settings)
        self.scanner_action.setEnabled(scanner_settings is not None)
        settings_menu.addAction(self.scanner_action)

    def open_scanner_settings(self) -> None:
        if self._make_scanner_settings is None:
            return
        if self._scanner_window is None:
            self._scanner_window = self._make_scanner_settings()
        self._scanner_window.show()
        self._scanner_window.raise_()

    def _table(self, model: ResidentListModel | ChartLineModel) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.verticalHeader().hide()
        view.horizontalHeader().setStretchLastSection(True)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return view

    # --- loading -------------------------------------------------------------------------
    def start(self) -> None:
        """Load the home; on an empty database, offer the demo home first."""
        self.tasks.run(self._fetch_home, self._show_home, self._show_error)

    def _fetch_home(self) -> HomeSnapshot:
        with self.db.read() as session:
            if not has_home(session):
                return HomeSnapshot(None, [])
            return HomeSnapshot(get_home(session).name, list_residents(session, self.clock()))

    def _show_home(self, snapshot: HomeSnapshot) -> None:
        self.error_banner.hide()
        if snapshot.name is None:
            self.statusBar().showMessage("Empty database")
            if self._ask_demo(self):
                self.statusBar().showMessage("Creating the demo home…")
                self.tasks.run(self._create_demo, lambda _: self.start(), self._show_error)
            return
        self.home_name.setText(snapshot.name)
        self.residents.set_rows(snapshot.residents)
        self.resident_view.resizeColumnsToContents()
        self.statusBar().showMessage(f"{len(snapshot.residents)} residents")
        self.home_loaded.emit()

    def _create_demo(self) -> None:
        with self.db.write() as session:
            build_demo_home(session, self.clock(), history_days=7)

    def _on_resident_selected(self, selected: QItemSelection, _old: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        resident: ResidentSummary = indexes[0].data(ROW_ROLE)
        self.tasks.run(
            lambda: self._fetch_resident(resident), self._show_resident, self._show_error
        )

    def _fetch_resident(self, resident: ResidentSummary) -> ResidentDetail:
        with self.db.read() as session:
            return ResidentDetail(
                resident,
                resident_photo(session, resident.id),
                resident_chart(session, resident.id, self.clock()),
            )

    def _show_resident(self, detail: ResidentDetail) -> None:
        self.banner.show_resident(detail.resident, detail.photo)
        self.chart.set_rows(detail.chart)
        self.chart_view.resizeRowsToContents()
        self.resident_loaded.emit(detail.resident.id)

    def _show_error(self, exc: BaseException) -> None:
        self.error_banner.setText(f"{exc}  Nothing was changed; try again when it is back.")
        self.error_banner.show()
        self.statusBar().showMessage("Database problem")

    def select_resident_row(self, row: int) -> None:
        self.resident_view.selectRow(row)

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.tasks.wait_for_done(5000)
        super().closeEvent(event)
