"""Managing residents and charts: admission, chart lines with the second person's check, stock
booked in by scanning, and the catalogue. One tab per job (each its own module); the window holds
what they share. Same services and rules as the CLI; the window only collects input."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from emar.devices.scan import Scan
from emar.domain.schedule import DEFAULT_ZONE
from emar.infra.db import Session
from emar.services.home import get_home, list_units
from emar.services.residents.reading import list_residents
from emar.services.rooms import list_rooms
from emar.ui.manage.admission_tab import AdmissionTab
from emar.ui.manage.allergy_tab import AllergyTab
from emar.ui.manage.catalogue_tab import CatalogueTab
from emar.ui.manage.chart_tab import ChartTab
from emar.ui.manage.dialogs import ManageQuestions
from emar.ui.manage.health_tab import HealthTab
from emar.ui.manage.homely_tab import HomelyTab
from emar.ui.manage.stock_tab import StockTab
from emar.ui.manage.workspace import Lists, ManageTab
from emar.ui.operations import Desk, QueryOp
from emar.ui.tasks import TaskRunner
from emar.ui.widgets.message_line import MessageLine
from emar.ui.widgets.window_keys import close_with_keys


class ManageWindow(QWidget):
    saved = Signal(str)  # what was saved, for the status line and tests
    failed = Signal(str)

    def __init__(
        self,
        desk: Desk,
        staff_id: Callable[[], int | None],
        questions: ManageQuestions | None = None,
    ) -> None:
        super().__init__()
        close_with_keys(self)
        self.setWindowTitle("eMAR: residents, charts and stock")
        self.resize(1200, 760)
        self.desk, self.staff_id = desk, staff_id
        self.questions = questions or ManageQuestions()
        self.tasks = TaskRunner(self)
        self.zone = ZoneInfo(DEFAULT_ZONE)  # replaced by the home's zone once loaded
        self.message = MessageLine()
        self.admission = AdmissionTab(self)
        self.chart = ChartTab(self)
        self.allergies = AllergyTab(self)
        self.health = HealthTab(self)
        self.stock = StockTab(self)
        self.homely = HomelyTab(self)
        self.catalogue = CatalogueTab(self)
        self.tabs = QTabWidget()
        for tab in (
            self.admission,
            self.chart,
            self.allergies,
            self.health,
            self.stock,
            self.homely,
            self.catalogue,
        ):
            self.tabs.addTab(tab, tab.title)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        self.tabs.currentChanged.connect(self._tab_shown)
        desk.changes.happened.connect(self._changed)
        self.refresh()

    def current(self) -> ManageTab:
        tab = self.tabs.currentWidget()
        assert isinstance(tab, ManageTab)
        return tab

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        # Closed (or the screen locked): what its jobs bring back later must not pop up a
        # question ("how many?") over the lock screen.
        self.tasks.drop_pending()
        super().closeEvent(event)

    def _tab_shown(self, _index: int) -> None:
        """Lines and products added on another tab (or PC) meanwhile are shown."""
        self.chart.reload()
        self.stock.reload()
        self.homely.reload()

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        first = self.current().first_field()
        if first is not None:
            first.setFocus()
        self.refresh()  # reopened later: products and lines added since are shown

    def _changed(self, _what: str) -> None:
        if self.isVisible():
            self.refresh()

    def fail(self, exc: BaseException) -> None:
        self.failed.emit(self.message.failure(exc, "not saved"))

    def ok(self, text: str) -> None:
        self.saved.emit(self.message.success(text))

    def warn(self, text: str) -> None:
        self.saved.emit(self.message.warning(text))

    def refresh(self) -> None:
        now = self.desk.clock()

        def fetch(s: Session) -> Lists:
            return Lists(list_units(s), list_residents(s, now), get_home(s), list_rooms(s))

        QueryOp(self, fetch).success(self._show_lists).run_in_background()

    def _show_lists(self, lists: Lists) -> None:
        self.zone = lists.home.zone
        for tab in (
            self.admission,
            self.chart,
            self.allergies,
            self.health,
            self.stock,
            self.homely,
            self.catalogue,
        ):
            tab.show_lists(lists)

    # --- scans: the tab in front takes what it wants ------------------------------------------
    def takes(self, scan: Scan) -> bool:
        # In front only: behind the round, a pack scanned on the round is a dose, not stock
        return self.isVisible() and self.isActiveWindow() and self.current().takes(scan)

    def take_scan(self, scan: Scan) -> None:
        self.current().take_scan(scan)
