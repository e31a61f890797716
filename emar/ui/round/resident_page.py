"""The open resident: who they are (photo, allergies), the verdict of the dose in hand, and their
doses now, chart and 28-day MAR, with the buttons for what is done without a scan."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from emar.domain.doses import EntryFacts
from emar.domain.periods import MAR_DAYS
from emar.domain.schedule import DEFAULT_ZONE
from emar.services.round.due import DueDose
from emar.services.round.resident_view import ResidentDetail
from emar.ui.round.mar_grid_model import MarGridModel
from emar.ui.round.resident_banner import ResidentBanner
from emar.ui.round.verdict_panel import VerdictPanel
from emar.ui.widgets.layout import list_view, with_buttons
from emar.ui.widgets.table_models import ChartLineModel, DueDoseModel, PrnStatusModel

HOME_ZONE = ZoneInfo(DEFAULT_ZONE)  # until the home says otherwise


class ResidentPage(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.banner = ResidentBanner()
        self.site_note = QLabel()
        self.site_note.setObjectName("siteNote")
        self.site_note.hide()
        self.verdict = VerdictPanel()
        self.doses = DueDoseModel(self)
        self.dose_view = list_view(self.doses)
        self.prn = PrnStatusModel(self)
        self.prn_view = list_view(self.prn)
        self.chart = ChartLineModel(self)
        self.chart_view = list_view(self.chart)
        for view, stretch in (
            (self.dose_view, (1, 4)),
            (self.prn_view, (0, 3)),
            (self.chart_view, (0, 3, 4)),
        ):
            view.setWordWrap(True)
            view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            for column in stretch:
                view.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.give_button = QPushButton("&Give: pack has no barcode…")
        self.not_given_button = QPushButton("&Not given…")
        self.late_button = QPushButton("La&te entry…")
        self.late_button.setToolTip(
            "Fill in a dose whose time has passed: given earlier, or not given, with the reason "
            "it is recorded late (flagged for review)."
        )
        now_tab = QSplitter(Qt.Orientation.Vertical)
        now_tab.addWidget(
            with_buttons(self.dose_view, self.give_button, self.not_given_button, self.late_button)
        )
        now_tab.addWidget(self.prn_view)
        now_tab.setSizes([300, 160])
        self.mar = MarGridModel(HOME_ZONE, self)
        self.mar_view = QTableView()
        self.mar_view.setModel(self.mar)
        self.mar_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mar_view.setWordWrap(True)
        self.correct_button = QPushButton("Correct selected entr&y…")
        self.mar_tab = with_buttons(self.mar_view, self.correct_button)
        tabs = self.tabs = QTabWidget()
        tabs.addTab(now_tab, "&Doses now")
        tabs.addTab(self.chart_view, "C&hart")
        tabs.addTab(self.mar_tab, f"&MAR ({MAR_DAYS} days)")
        tabs.currentChanged.connect(
            lambda index: self._mar_to_today() if tabs.widget(index) is self.mar_tab else None
        )
        tabs.setMinimumHeight(80)  # the lists give way to a long stop: never the verdict
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.site_note)
        layout.addWidget(self.verdict)
        layout.addWidget(tabs, 1)

    def allow(self, *, administer: bool, correct: bool) -> None:
        for button in (self.give_button, self.not_given_button, self.late_button):
            button.setEnabled(administer)
        self.correct_button.setEnabled(correct)

    def show_detail(self, detail: ResidentDetail) -> None:
        self.banner.show_resident(detail.resident, detail.photo)
        self.doses.set_rows(detail.doses)
        self.prn.set_rows(detail.prn)
        self.mar.set_chart(detail.mar)
        self.site_note.setText("\n".join(detail.last_sites))
        self.site_note.setVisible(bool(detail.last_sites))
        self.mar_view.resizeColumnsToContents()
        self.mar_view.resizeRowsToContents()
        self._mar_to_today()
        self.prn_view.resizeRowsToContents()
        self.chart.set_rows(detail.chart)
        self.dose_view.resizeRowsToContents()
        self.chart_view.resizeRowsToContents()

    def clear(self) -> None:
        self.doses.set_rows([])
        self.prn.set_rows([])
        self.chart.set_rows([])
        self.mar.set_chart(None)
        self.banner.clear()
        self.site_note.clear()
        self.site_note.hide()

    def selected_dose(self) -> DueDose | None:
        rows = self.dose_view.selectionModel().selectedRows()
        return self.doses.row(rows[0].row()) if rows else None

    def selected_entries(self) -> list[EntryFacts]:
        """The entries of the chosen MAR cell (corrections included), oldest first."""
        rows = self.mar_view.selectionModel().selectedIndexes()
        cell = self.mar.cell(rows[0]) if rows else None
        return list(cell.entries) if cell is not None else []

    def _mar_to_today(self) -> None:
        """Today's column in view, like the paper chart's current column (also when the tab is
        opened later: a hidden view cannot scroll)."""
        if self.mar.columnCount():
            self.mar_view.scrollTo(self.mar.index(0, self.mar.columnCount() - 1))
