"""The main window: sign in, the round list, and the open resident with scan-driven giving.

All rules come from the services; the window only shows their verdicts and records what the
carer confirms. Database work runs through the TaskRunner, never on the GUI thread.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QItemSelection, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from emar.demo.build import build_demo_home
from emar.demo.data import DEMO_HISTORY_DAYS
from emar.devices.scan import Scan
from emar.devices.scan_parser import UNKNOWN
from emar.domain.clock_skew import SkewState, skew_state, skew_text
from emar.domain.clock_text import clock
from emar.domain.doses import DoseState, effective_entries
from emar.domain.schedule import nearest_instant
from emar.infra.db import Database
from emar.services.charts.mar import MarChart, resident_mar
from emar.services.charts.reading import ChartLineView, resident_chart
from emar.services.home import UnitView, get_home, has_home, list_units
from emar.services.permissions import Action, allowed
from emar.services.residents.reading import ResidentSummary, list_residents, resident_photo
from emar.services.round.alerts import Alert, alerts
from emar.services.round.clock import clock_skew
from emar.services.round.due import DueDose, PrnStatus, ResidentRound, due_list
from emar.services.round.recording import (
    SITE_ROUTES,
    Recorded,
    correct_entry,
    last_site,
    not_given_codes,
    record_not_given,
    record_prn_outcome,
)
from emar.services.staff.accounts import StaffView
from emar.services.staff.signing import (
    REFUSED,
    badge_holder,
    refusal,
    sign_in,
    sign_in_with_badge,
)
from emar.ui.idle_lock import IdleLock
from emar.ui.manage.backup_window import BackupWindow
from emar.ui.manage.window import ManageWindow
from emar.ui.reports.window import ReportsWindow
from emar.ui.round.giving import Giving, GivingFlow
from emar.ui.round.late_entry_dialog import LateAnswer, ask_late_entry
from emar.ui.round.mar_grid_model import MarGridModel
from emar.ui.round.not_given_dialog import CodeChoice, ask_not_given
from emar.ui.round.resident_banner import ResidentBanner
from emar.ui.round.verdict_panel import VerdictPanel
from emar.ui.scanning.scan_hub import ScanHub
from emar.ui.sign_in_page import SignInPage
from emar.ui.tasks import TaskRunner
from emar.ui.widgets.banners import Banner, ProblemBanner
from emar.ui.widgets.table_models import (
    ROW_ROLE,
    AlertModel,
    ChartLineModel,
    DueDoseModel,
    PrnStatusModel,
    RoundListModel,
)

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
REFRESH_MS = 5000  # another PC's record shows within 5 seconds
CLOCK_CHECK_MS = 60 * 60 * 1000  # this PC's clock against the server's, hourly
MAR_DAYS = 28
LONDON = ZoneInfo("Europe/London")  # until the home says otherwise


def _with_buttons(view: QWidget, *buttons: QPushButton) -> QWidget:
    """A list with its action buttons in a row under it."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(view, 1)
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    layout.addLayout(row)
    return box


def ask_text(parent: QWidget, title: str, question: str) -> str | None:
    text, ok = QInputDialog.getText(parent, title, question)
    return text.strip() if ok and text.strip() else None


def ask_override(parent: QWidget, stop: str) -> tuple[str, str, str] | None:
    """A senior's username, PIN and reason, or None."""
    username = ask_text(parent, "Override", f"{stop}\n\nSenior's username:")
    if not username:
        return None
    pin, ok = QInputDialog.getText(parent, "Override", "Senior's PIN:", QLineEdit.EchoMode.Password)
    reason = ask_text(parent, "Override", "Reason for overriding (recorded and reviewed):")
    return (username, pin, reason) if ok and pin and reason else None


def ask_prn_outcome(parent: QWidget, question: str) -> tuple[str, str | None] | None:
    labels = {
        "Effective": "effective",
        "Partly effective": "partly_effective",
        "Not effective": "not_effective",
    }
    choice, ok = QInputDialog.getItem(parent, "PRN outcome", question, list(labels), 0, False)
    if not ok:
        return None
    note = ask_text(parent, "PRN outcome", "Note (optional):")
    return labels[choice], note


CORRECTIONS = {
    "Entered in error (it did not happen)": ("not_given", "X"),
    "Not given: refused": ("not_given", "R"),
    "Not given: other (write why in the reason)": ("not_given", "O"),
}


def ask_correction(parent: QWidget, recorded_by: str) -> tuple[str, str, str] | None:
    """What really happened and why: (outcome, code, reason)."""
    choice, ok = QInputDialog.getItem(
        parent,
        "Correct an entry",
        f"Entry recorded by {recorded_by}. What really happened?",
        list(CORRECTIONS),
        0,
        False,
    )
    if not ok:
        return None
    reason = ask_text(parent, "Correct an entry", "Why is it being corrected? (kept on record)")
    if not reason:
        return None
    outcome, code = CORRECTIONS[choice]
    return outcome, code, reason


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
    idle_lock_minutes: int
    units: list[UnitView]
    zone: ZoneInfo = LONDON


@dataclass(frozen=True)
class ResidentDetail:
    resident: ResidentSummary
    photo: bytes | None
    chart: list[ChartLineView]
    doses: list[DueDose]
    prn: list[PrnStatus]
    mar: MarChart
    last_sites: list[str]


class MainWindow(QMainWindow):
    home_loaded = Signal()
    round_loaded = Signal()
    resident_loaded = Signal(int)
    signed_in = Signal(str)
    verdict_shown = Signal(object)
    recorded = Signal(str)
    locked = Signal()

    def __init__(
        self,
        db: Database,
        *,
        clock: Clock = lambda: datetime.now(UTC),
        ask_demo: Callable[[QWidget], bool] = ask_to_create_demo,
        scanner_settings: Callable[[], QWidget] | None = None,
        hub: ScanHub | None = None,
        idle_clock: Callable[[], float] = time.monotonic,
        settings: QSettings | None = None,
        ask_not_given: Callable[..., tuple[str, str | None] | None] = ask_not_given,
        ask_text: Callable[[QWidget, str, str], str | None] = ask_text,
        ask_override: Callable[[QWidget, str], tuple[str, str, str] | None] = ask_override,
        ask_prn_outcome: Callable[[QWidget, str], tuple[str, str | None] | None] = (
            ask_prn_outcome
        ),
        ask_correction: Callable[[QWidget, str], tuple[str, str, str] | None] = ask_correction,
        ask_late_entry: Callable[..., LateAnswer | None] = ask_late_entry,
        skew: Callable[[Session, datetime], timedelta | None] = clock_skew,
    ) -> None:
        super().__init__()
        self.db, self.clock, self._ask_demo = db, clock, ask_demo
        self._make_scanner_settings = scanner_settings
        self._scanner_window: QWidget | None = None
        self.settings = settings or QSettings()
        self.hub = hub or ScanHub(self)
        self.hub.scanned.connect(self.on_scan)
        self.hub.status.connect(self._scanner_status)
        self.tasks = TaskRunner(self)
        self._ask_not_given, self._ask_text = ask_not_given, ask_text
        self._ask_prn_outcome = ask_prn_outcome
        self._ask_correction = ask_correction
        self._ask_late_entry = ask_late_entry
        self._skew = skew
        self.user: StaffView | None = None
        self.can_administer = False
        self.resident: ResidentSummary | None = None
        self.setWindowTitle("eMAR")
        self.resize(1366, 768)

        self.home_name = QLabel("eMAR")
        self.home_name.setObjectName("homeName")
        self.user_label = QLabel("Not signed in")
        self.user_label.setObjectName("userLabel")
        self.unit = QComboBox()
        self.unit.setMinimumWidth(240)
        self.unit.currentIndexChanged.connect(self._unit_changed)
        self.lock_button = QPushButton("&Lock")
        self.lock_button.clicked.connect(self.lock)
        self.where = QLabel(db.display_url)
        self.scanner_banner = Banner("scannerBanner")
        self.error_banner = ProblemBanner()
        self.notice = Banner("doneBanner")  # "Recorded: ..." until the next action
        self.clock_banner = Banner("scannerBanner")  # this PC's clock against the server's

        self.sign_in_page = SignInPage()
        self.sign_in_page.password_submitted.connect(self._sign_in_password)
        self.sign_in_page.pin_submitted.connect(self._sign_in_badge)

        self.round = RoundListModel(self)
        self.round_view = self._table(self.round)
        self.round_view.verticalHeader().setDefaultSectionSize(60)
        self.round_view.selectionModel().selectionChanged.connect(self._on_round_selected)
        self.banner = ResidentBanner()
        self.verdict = VerdictPanel()
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.activated.connect(self._escape)
        self.giving = Giving(self.db, self.tasks, self.verdict, self.clock, ask_override, self)
        self.giving.verdict_shown.connect(self.verdict_shown.emit)
        self.giving.recorded.connect(self._recorded)
        self.giving.failed.connect(self._show_error)
        self.giving.not_recorded.connect(self._not_recorded)
        self._unseen: str | None = None  # a failed save that ended on a locked screen
        self.doses = DueDoseModel(self)
        self.dose_view = self._table(self.doses)
        self.prn = PrnStatusModel(self)
        self.prn_view = self._table(self.prn)
        self.chart = ChartLineModel(self)
        self.chart_view = self._table(self.chart)
        for view, stretch in (
            (self.dose_view, (1, 4)),
            (self.prn_view, (0, 3)),
            (self.chart_view, (0, 3, 4)),
        ):
            view.setWordWrap(True)
            view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            for column in stretch:
                view.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        tabs = self.tabs = QTabWidget()
        self.give_button = QPushButton("&Give: pack has no barcode…")
        self.give_button.clicked.connect(self.give_without_scan)
        self.not_given_button = QPushButton("&Not given…")
        self.not_given_button.clicked.connect(self.not_given)
        self.late_button = QPushButton("La&te entry…")
        self.late_button.setToolTip(
            "Fill in a dose whose time has passed: given earlier, or not given, with the reason "
            "it is recorded late (flagged for review)."
        )
        self.late_button.clicked.connect(self.late_entry)
        dose_box = _with_buttons(
            self.dose_view, self.give_button, self.not_given_button, self.late_button
        )
        now_tab = QSplitter(Qt.Orientation.Vertical)
        now_tab.addWidget(dose_box)
        now_tab.addWidget(self.prn_view)
        now_tab.setSizes([300, 160])
        tabs.addTab(now_tab, "&Doses now")
        tabs.addTab(self.chart_view, "C&hart")
        self.mar = MarGridModel(LONDON, self)
        self.mar_view = QTableView()
        self.mar_view.setModel(self.mar)
        self.mar_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mar_view.setWordWrap(True)
        self.correct_button = QPushButton("Correct selected entr&y…")
        self.correct_button.clicked.connect(self.correct_selected)
        self.mar_tab = _with_buttons(self.mar_view, self.correct_button)
        tabs.addTab(self.mar_tab, "&MAR (28 days)")
        tabs.currentChanged.connect(
            lambda index: self._mar_to_today() if tabs.widget(index) is self.mar_tab else None
        )
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.banner)
        self.site_note = QLabel()
        self.site_note.setObjectName("siteNote")
        self.site_note.hide()
        right_layout.addWidget(self.site_note)
        right_layout.addWidget(self.verdict)
        # the lists give way to a long stop: the verdict is never the one clipped
        tabs.setMinimumHeight(80)
        right_layout.addWidget(tabs, 1)
        self.alert_model = AlertModel(self)
        self.alert_view = self._table(self.alert_model)
        self.alert_view.setWordWrap(True)
        self.alert_view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.alert_view.doubleClicked.connect(self._alert_opened)
        self.prn_outcome_button = QPushButton("Record &PRN outcome…")
        self.prn_outcome_button.clicked.connect(self.record_prn_outcome)
        alert_box = _with_buttons(self.alert_view, self.prn_outcome_button)
        self.left_tabs = QTabWidget()
        self.left_tabs.addTab(self.round_view, "&Round")
        self.left_tabs.addTab(alert_box, "&Alerts")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.left_tabs)
        splitter.addWidget(right)
        splitter.setSizes([700, 660])
        self.round_page = splitter

        self.stack = QStackedWidget()
        self.stack.addWidget(self.sign_in_page)
        self.stack.addWidget(self.round_page)
        header = QHBoxLayout()
        header.addWidget(self.home_name)
        unit_label = QLabel("&Unit:")
        unit_label.setBuddy(self.unit)
        header.addWidget(unit_label)
        header.addWidget(self.unit)
        header.addStretch(1)
        header.addWidget(self.user_label)
        header.addWidget(self.lock_button)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(header)
        for banner in (self.clock_banner, self.scanner_banner, self.error_banner, self.notice):
            layout.addWidget(banner)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.statusBar().addPermanentWidget(self.where)
        self.statusBar().showMessage("Opening the database…")

        settings_menu = self.menuBar().addMenu("&Settings")
        self.scanner_action = QAction("&Scanner and self-test…", self)
        self.scanner_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.scanner_action.triggered.connect(self.open_scanner_settings)
        self.scanner_action.setEnabled(False)  # managers and administrators, signed in
        settings_menu.addAction(self.scanner_action)
        self.backup_action = QAction("&Backups…", self)
        self.backup_action.setShortcut(QKeySequence("Ctrl+Shift+B"))
        self.backup_action.triggered.connect(self.open_backups)
        self.backup_action.setEnabled(False)
        settings_menu.addAction(self.backup_action)
        self._backup_window: BackupWindow | None = None
        manage_menu = self.menuBar().addMenu("Manag&e")
        self.manage_action = QAction("&Residents, charts and stock…", self)
        self.manage_action.setShortcut(QKeySequence("Ctrl+Shift+M"))
        self.manage_action.triggered.connect(self.open_manage)
        self.manage_action.setEnabled(False)
        manage_menu.addAction(self.manage_action)
        self._manage_window: ManageWindow | None = None
        self.reports_action = QAction("Re&ports…", self)
        self.reports_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.reports_action.triggered.connect(self.open_reports)
        self.reports_action.setEnabled(False)
        manage_menu.addAction(self.reports_action)
        self._reports_window: ReportsWindow | None = None

        self.idle_lock = IdleLock(3, idle_clock, self)
        self.idle_lock.idle.connect(self.lock)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle_lock)
        self.refresh = QTimer(self)
        self.refresh.setInterval(REFRESH_MS)
        self.refresh.timeout.connect(self._refresh_tick)
        self.clock_timer = QTimer(self)  # at start, then hourly
        self.clock_timer.setInterval(CLOCK_CHECK_MS)
        self.clock_timer.timeout.connect(self.check_clock)
        self._show_signed_out(
            "Sign in to eMAR", "Scan your staff badge, or type your username and password."
        )
        self._scanner_status(*self.hub.state)  # a scanner already missing at start

    def _table(self, model: RoundListModel | DueDoseModel | ChartLineModel) -> QTableView:
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

    # --- start and sign-in ----------------------------------------------------------------
    def start(self) -> None:
        """Load the home; on an empty database, offer the demo home first."""
        self.tasks.run(self._fetch_home, self._show_home, self._show_error)

    def _fetch_home(self) -> HomeSnapshot:
        with self.db.read() as session:
            if not has_home(session):
                return HomeSnapshot(None, 3, [])
            home = get_home(session)
            return HomeSnapshot(home.name, home.idle_lock_minutes, list_units(session), home.zone)

    def _show_home(self, snapshot: HomeSnapshot) -> None:
        self.error_banner.clear_problem("database")
        if snapshot.name is None:
            self.statusBar().showMessage("Empty database")
            if self._ask_demo(self):
                self.statusBar().showMessage("Creating the demo home…")
                self.tasks.run(self._create_demo, lambda _: self.start(), self._show_error)
            return
        self.home_name.setText(snapshot.name)
        self.idle_lock.minutes = snapshot.idle_lock_minutes
        self.mar.zone = snapshot.zone
        remembered = self.settings.value("round/unit", None)
        self.unit.blockSignals(True)
        self.unit.clear()
        self.unit.addItem("Whole home", None)
        for u in snapshot.units:
            self.unit.addItem(u.name, u.id)
        index = self.unit.findData(int(remembered)) if remembered not in (None, "") else -1
        self.unit.setCurrentIndex(max(index, 0))
        self.unit.blockSignals(False)
        self.statusBar().showMessage("Ready")
        self.check_clock()
        self.clock_timer.start()
        self.home_loaded.emit()

    def _create_demo(self) -> None:
        with self.db.write() as session:
            build_demo_home(session, self.clock(), history_days=DEMO_HISTORY_DAYS)

    def _sign_in_password(self, username: str, password: str) -> None:
        self.tasks.run(
            lambda: self._write(
                lambda s: sign_in(s, username, password) or refusal(s, username=username)
            ),
            lambda staff: self._after_sign_in(staff, REFUSED),
            self._sign_in_failed,
        )

    def _sign_in_badge(self, badge: str, pin: str) -> None:
        self.tasks.run(
            lambda: self._write(
                lambda s: sign_in_with_badge(s, badge, pin) or refusal(s, badge=badge)
            ),
            lambda staff: self._after_sign_in(staff, "Wrong badge or PIN."),
            self._sign_in_failed,
        )

    def _sign_in_failed(self, exc: BaseException) -> None:
        self.sign_in_page.refused("Could not check: the database did not answer.")
        self._show_error(exc)

    def _write(self, fn: Callable[..., object]) -> object:
        with self.db.write() as session:
            return fn(session)

    def _after_sign_in(self, staff: StaffView | str | None, refused: str) -> None:
        if staff is None or isinstance(staff, str):  # a string says why (wrong, or locked)
            self.sign_in_page.refused(staff or refused)
            return
        self.user = staff
        role = staff.role.replace("_", " ")
        self.user_label.setText(f"Signed in: {staff.full_name} ({role})")
        self.stack.setCurrentWidget(self.round_page)
        self.lock_button.setEnabled(True)
        self.can_administer = allowed(staff.role, Action.ADMINISTER)
        for button in (self.give_button, self.not_given_button, self.late_button):
            button.setEnabled(self.can_administer)
        self.correct_button.setEnabled(allowed(staff.role, Action.CORRECT))
        self.manage_action.setEnabled(
            allowed(staff.role, Action.EDIT_CHARTS) or allowed(staff.role, Action.MANAGE_STOCK)
        )
        self.backup_action.setEnabled(allowed(staff.role, Action.VERIFY_AUDIT))
        self.reports_action.setEnabled(allowed(staff.role, Action.RUN_REPORTS))
        self.scanner_action.setEnabled(
            self._make_scanner_settings is not None and allowed(staff.role, Action.MANAGE_SETTINGS)
        )
        if not self.can_administer:
            self.statusBar().showMessage(
                "Read-only: charts and the MAR can be viewed, not changed."
            )
        self.notice.hide()
        if self._unseen:
            self._show_problem(self._unseen)
            self._unseen = None
        self.idle_lock.arm()
        self.refresh.start()
        self.load_round()
        self.signed_in.emit(staff.username)

    def _show_signed_out(self, title: str, message: str) -> None:
        self.sign_in_page.reset(title, message)
        self.stack.setCurrentWidget(self.sign_in_page)
        self.lock_button.setEnabled(False)

    def lock(self) -> None:
        """Hide every resident detail; the next person signs in (badge + PIN is quickest)."""
        self.idle_lock.disarm()
        self.refresh.stop()
        self.user = None
        self.resident = None
        self.tasks.forget("resident")  # a resident still loading is not shown after sign-in
        self.user_label.setText("Locked")
        self.round.set_rows([])
        self.alert_model.set_rows([])
        self.doses.set_rows([])
        self.prn.set_rows([])
        self.chart.set_rows([])
        self.mar.set_chart(None)
        self.banner.clear()
        self.site_note.clear()
        self.site_note.hide()
        self.giving.end()  # a half-finished dose, its PIN and reason, are gone
        self.notice.hide()
        self.error_banner.clear_problem()
        for button in (self.give_button, self.not_given_button, self.late_button):
            button.setEnabled(False)
        self._show_signed_out(
            "eMAR is locked", "Scan your badge and enter your PIN, or sign in to continue."
        )
        for action in (
            self.manage_action,
            self.backup_action,
            self.reports_action,
            self.scanner_action,
        ):
            action.setEnabled(False)
        for window in (
            self._manage_window,
            self._backup_window,
            self._reports_window,
            self._scanner_window,
        ):
            if window is not None:
                window.close()  # they show resident data or settings
        self.locked.emit()

    # --- the round --------------------------------------------------------------------------
    def _unit_changed(self, _index: int) -> None:
        unit_id = self.unit.currentData()
        self.settings.setValue("round/unit", "" if unit_id is None else unit_id)
        if self.user is not None:
            self.load_round()

    def load_round(self) -> None:
        unit_id = self.unit.currentData()
        self.tasks.run_latest(
            "round", lambda: self._fetch_round(unit_id), self._show_round, self._show_error
        )

    def _fetch_round(self, unit_id: int | None) -> tuple[list[ResidentRound], list[Alert]]:
        now = self.clock()
        with self.db.read() as session:
            rounds = due_list(session, now, unit_id=unit_id)
            return rounds, alerts(session, now, unit_id=unit_id, rounds=rounds)

    def _show_round(self, loaded: tuple[list[ResidentRound], list[Alert]]) -> None:
        if self.user is None:
            return  # locked meanwhile: show nothing
        rounds, found = loaded
        self.alert_model.set_rows(found)
        self.alert_view.resizeRowsToContents()
        self.left_tabs.setTabText(1, f"&Alerts ({len(found)})")
        self.error_banner.clear_problem("database")  # the database answered again
        self.round.set_rows(rounds)
        self._select_round_row()
        self.round_view.resizeColumnsToContents()
        self.statusBar().showMessage(f"{len(rounds)} residents")
        self.round_loaded.emit()

    def _refresh_tick(self) -> None:
        """Another PC's records show here within seconds; a verdict waiting for Confirm is
        checked again, so a dose given meanwhile elsewhere turns it into a stop."""
        if self.user is not None and not self.tasks.busy:
            self.load_round()
            self.giving.reverify()
            if self.resident is not None and self.giving.flow is None:
                self.open_resident(self.resident.id)

    def _on_round_selected(self, selected: QItemSelection, _old: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            round_row: ResidentRound = indexes[0].data(ROW_ROLE)
            if self.resident is None or round_row.resident_id != self.resident.id:
                self.giving.end()
                self.notice.hide()
            self.open_resident(round_row.resident_id)

    def _select_round_row(self) -> None:
        """The round list follows the open resident, however they were opened."""
        selected = self.resident.id if self.resident else None
        selection = self.round_view.selectionModel()
        selection.blockSignals(True)  # following the resident is not choosing one
        try:
            for row in range(self.round.rowCount()):
                if self.round.row(row).resident_id == selected:
                    self.round_view.selectRow(row)
                    self.round_view.scrollTo(self.round.index(row, 0))
                    break
            else:
                self.round_view.clearSelection()
        finally:
            selection.blockSignals(False)
        self.round_view.viewport().update()

    def select_resident_row(self, row: int) -> None:
        self.round_view.selectRow(row)

    def open_resident(self, resident_id: int) -> None:
        """Load a resident; only the latest request is shown (a slower, older load must not
        switch the screen back to the resident before)."""
        self.tasks.run_latest(
            "resident",
            lambda: self._fetch_resident(resident_id),
            self._show_resident,
            self._show_error,
        )

    def _fetch_resident(self, resident_id: int) -> ResidentDetail | None:
        now = self.clock()
        with self.db.read() as session:
            found = [r for r in list_residents(session, now) if r.id == resident_id]
            if not found:
                return None
            (rounds,) = due_list(session, now, resident_ids=[resident_id])
            doses = [d for d in rounds.doses if d.state.value != "upcoming"]
            prn = list(rounds.prn)
            zone = get_home(session).zone
            first_day = now.astimezone(zone).date() - timedelta(days=MAR_DAYS - 1)
            mar = resident_mar(session, resident_id, first_day, now, days=MAR_DAYS)
            sites = []
            for line in resident_chart(session, resident_id, now):
                if line.route.split()[0] in SITE_ROUTES:
                    found_site = last_site(session, line.id)
                    when = (
                        f"last applied {clock(found_site[1], zone, now)} at {found_site[0]}"
                        if found_site
                        else "no site recorded yet"
                    )
                    sites.append(f"{line.medicine}: {when}")
            return ResidentDetail(
                found[0],
                resident_photo(session, resident_id),
                resident_chart(session, resident_id, now),
                doses,
                prn,
                mar,
                sites,
            )

    def _show_resident(self, detail: ResidentDetail | None) -> None:
        if self.user is None:
            return
        if detail is None:
            self._show_problem("That resident label is not for a current resident.")
            return
        if self.resident is not None and self.resident.id != detail.resident.id:
            self.giving.end()  # a dose for one resident never carries over to the next
        self.resident = detail.resident
        self._select_round_row()
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
        self.resident_loaded.emit(detail.resident.id)

    # --- scans, verdicts, recording ---------------------------------------------------------
    def on_scan(self, scan: Scan) -> None:
        self.idle_lock.touch()
        if self._scanner_window is not None and self._scanner_window.isActiveWindow():
            return  # the self-test screen is in front: the scan is a test, not a dose
        parsed = scan.parsed
        if parsed.ok:
            self.error_banner.clear_problem("problem")  # a good scan is the next action
        if parsed.kind == "staff":
            self._badge_scanned(parsed.label_value or "")
            return
        if self.user is None:
            self.sign_in_page.refused("Sign in first: scan your staff badge.")
            return
        if parsed.kind in ("pack", "pack_label") and self._manage_takes_scans():
            return
        self.notice.hide()
        if parsed.kind == "resident":
            if (parsed.label_value or "").isdigit():
                self.giving.end()
                self.open_resident(int(parsed.label_value or 0))
            return
        if parsed.kind in ("pack", "pack_label"):
            if not self.can_administer:
                self._show_problem("Read-only sign-in: this role cannot record administrations.")
                return
            if self.resident is None:
                self._show_problem("Scan the resident's label first, then the pack.")
                return
            self.error_banner.hide()
            self.giving.start(GivingFlow(self.resident.id, self.user.id, scan=parsed))
            return
        self._show_problem(parsed.problem or UNKNOWN, parsed.detail)

    def _badge_scanned(self, badge: str) -> None:
        if self.verdict.isVisible() and self.verdict.witness.isVisible():
            self.tasks.run(lambda: self._badge_name(badge), self._fill_witness, self._show_error)
            return
        if self.stack.currentWidget() is self.sign_in_page:
            self.tasks.run(
                lambda: self._badge_name(badge),
                lambda holder: self._ask_pin(badge, holder),
                self._show_error,
            )

    def _badge_name(self, badge: str) -> StaffView | None:
        with self.db.read() as session:
            return badge_holder(session, badge)

    def _ask_pin(self, badge: str, holder: StaffView | None) -> None:
        if self.stack.currentWidget() is not self.sign_in_page:
            return
        if holder is None:
            self.sign_in_page.refused("That badge is not known.")
        else:
            self.sign_in_page.ask_pin(badge, holder.full_name)

    def _fill_witness(self, holder: StaffView | None) -> None:
        if holder is not None and self.verdict.witness.isVisible():
            self.verdict.witness.setText(holder.username)
            self.verdict.witness_pin.setFocus()

    def _alert_opened(self, index) -> None:  # type: ignore[no-untyped-def]
        alert: Alert = self.alert_model.row(index.row())
        self.open_resident(alert.resident_id)

    def record_prn_outcome(self) -> None:
        rows = self.alert_view.selectionModel().selectedRows()
        alert = self.alert_model.row(rows[0].row()) if rows else None
        if alert is None or alert.administration_id is None or self.user is None:
            self._show_problem("Choose a PRN outcome alert first.")
            return
        answer = self._ask_prn_outcome(self, alert.message)
        if answer is None:
            return
        effect, note = answer
        admin_id, staff_id, now = alert.administration_id, self.user.id, self.clock()
        self._record_in_background(
            lambda session: record_prn_outcome(
                session,
                administration_id=admin_id,
                staff_id=staff_id,
                effect=effect,
                note=note,
                now=now,
            )
        )

    def correct_selected(self) -> None:
        """Correct the current entry of the chosen MAR cell: a new entry supersedes it."""
        rows = self.mar_view.selectionModel().selectedIndexes()
        cell = self.mar.cell(rows[0]) if rows else None
        if cell is None or not cell.entries or self.user is None:
            self._show_problem("Choose a MAR cell that has an entry.")
            return
        current = effective_entries(cell.entries)[-1]
        answer = self._ask_correction(self, current.staff_name)
        if answer is None:
            return
        outcome, code, reason = answer
        staff_id, now = self.user.id, self.clock()
        self._record_in_background(
            lambda session: correct_entry(
                session,
                administration_id=current.id,
                staff_id=staff_id,
                reason=reason,
                now=now,
                outcome=outcome,
                code=code,
            )
        )

    def _record_in_background(self, write: Callable[[Session], Recorded]) -> None:
        """One write transaction off the GUI thread; "recorded" is shown after its commit."""
        if self.giving.blocked:
            self._show_problem(f"NOT RECORDED: {self.giving.blocked}")
            return

        def job() -> Recorded:
            with self.db.write() as session:
                return write(session)

        self.tasks.run(job, self._after_record, self._show_problem_exc)

    def selected_dose(self) -> DueDose | None:
        rows = self.dose_view.selectionModel().selectedRows()
        return self.doses.row(rows[0].row()) if rows else None

    def give_without_scan(self) -> None:
        dose = self.selected_dose()
        if dose is None or self.user is None or self.resident is None:
            self._show_problem("Choose the dose in the list first.")
            return
        reason = self._ask_text(
            self, "No barcode to scan", f"Why can {dose.medicine} not be scanned?"
        )
        if not reason or self.user is None or self.resident is None:
            return
        self.notice.hide()
        self.giving.start(
            GivingFlow(
                self.resident.id,
                self.user.id,
                line_id=dose.chart_line_id,
                scheduled_at=dose.scheduled_at,
                no_scan_reason=reason,
            )
        )

    def not_given(self) -> None:
        dose = self.selected_dose()
        if dose is None or self.user is None or self.resident is None:
            self._show_problem("Choose the dose in the list first.")
            return
        if dose.state == DoseState.MISSED:
            self.late_entry()  # a missed slot is filled in as a late entry, with its reason
            return
        self.tasks.run(
            self._fetch_codes, lambda codes: self._record_not_given(dose, codes), self._show_error
        )

    def _fetch_codes(self) -> list[CodeChoice]:
        with self.db.read() as session:
            return [CodeChoice(*row) for row in not_given_codes(session)]

    def _record_not_given(self, dose: DueDose, codes: list[CodeChoice]) -> None:
        if self.user is None or self.resident is None:
            return
        answer = self._ask_not_given(self, codes, dose.medicine)
        if answer is None:
            return
        code, note = answer
        self._not_given(dose, code, note)

    def _not_given(
        self, dose: DueDose, code: str, note: str | None, late_reason: str | None = None
    ) -> None:
        if self.user is None or self.resident is None:
            return
        resident_id, staff_id, now = self.resident.id, self.user.id, self.clock()
        self._record_in_background(
            lambda session: record_not_given(
                session,
                resident_id=resident_id,
                chart_line_id=dose.chart_line_id,
                staff_id=staff_id,
                code=code,
                now=now,
                scheduled_at=dose.scheduled_at,
                note=note,
                late_entry_reason=late_reason,
            )
        )

    def late_entry(self) -> None:
        """Fill in a dose whose time has passed: given earlier, or not given; flagged."""
        dose = self.selected_dose()
        if dose is None or self.user is None or self.resident is None:
            self._show_problem("Choose the dose in the list first.")
            return
        if dose.entry is not None or dose.scheduled_at > self.clock():
            self._show_problem("A late entry is for a dose whose time has passed with no entry.")
            return
        self.tasks.run(
            self._fetch_codes, lambda codes: self._record_late(dose, codes), self._show_error
        )

    def _record_late(self, dose: DueDose, codes: list[CodeChoice]) -> None:
        if self.user is None or self.resident is None:
            return
        due = dose.scheduled_at.astimezone(dose.zone)
        question = f"What happened to the {due:%H:%M} dose of {dose.medicine} ({dose.dose})?"
        answer = self._ask_late_entry(self, codes, question, due.time())
        if answer is None or self.user is None or self.resident is None:
            return
        resident_id, staff_id = self.resident.id, self.user.id
        if answer.given_at is not None:
            given_at = nearest_instant(dose.scheduled_at, answer.given_at, dose.zone)
            self.notice.hide()
            self.giving.start(
                GivingFlow(
                    resident_id,
                    staff_id,
                    line_id=dose.chart_line_id,
                    scheduled_at=dose.scheduled_at,
                    no_scan_reason="late entry: recorded after the dose",
                    given_at=given_at,
                    late_reason=answer.reason,
                )
            )
            return
        self._not_given(dose, answer.code or "O", answer.note, answer.reason)

    def _show_problem_exc(self, exc: BaseException) -> None:
        self._show_problem(str(exc))

    def _after_record(self, done: Recorded) -> None:
        self._recorded(done.message)

    def _recorded(self, message: str) -> None:
        """The commit has happened: say so, and keep saying it until the next action (not on a
        locked screen: the message names a resident)."""
        log.info("administration recorded")
        if self.user is None:
            return
        self.error_banner.hide()
        self.notice.setText(message)
        self.notice.show()
        self.recorded.emit(message)
        if self.resident is not None:
            self.open_resident(self.resident.id)
        self.load_round()

    def check_clock(self) -> None:
        """Compare this PC's clock with the database server's (PostgreSQL; SQLite has none)."""
        now, skew = self.clock, self._skew

        def job() -> timedelta | None:
            with self.db.read() as session:
                return skew(session, now())

        self.tasks.run(job, self._show_clock, self._show_error)

    def _show_clock(self, skew: timedelta | None) -> None:
        state = skew_state(skew)
        self.giving.blocked = None
        if state == SkewState.OK or skew is None:
            self.clock_banner.hide()
            return
        if state == SkewState.WARN:
            self.clock_banner.say(f"{skew_text(skew)}: please tell IT.")
            return
        blocked = (
            f"{skew_text(skew)}: nothing can be recorded on this PC until IT sets its clock "
            "right. Use another PC meanwhile."
        )
        self.giving.blocked = blocked
        self.clock_banner.say(blocked)

    def _scanner_status(self, state: str, message: str) -> None:
        """An unplugged scanner is a banner that stays until it is back (it reconnects itself),
        or until another port (or none) is chosen."""
        self.statusBar().showMessage(message)
        if state in ("unplugged", "waiting"):  # a scanner set up for this PC is not there
            self.scanner_banner.say(message)
        else:
            self.scanner_banner.hide()

    def _not_recorded(self, message: str) -> None:
        if self.user is None:
            self._unseen = message  # shown to whoever signs in next, not on the lock screen
        else:
            self._show_problem(message)

    def _escape(self) -> None:
        """Esc, wherever the focus is: cancel the dose on screen, else dismiss a problem."""
        if self.verdict.isVisible():
            self.giving.cancel()
        elif self.error_banner.isVisible():
            self.error_banner.clear_problem("problem")

    def _show_problem(self, message: str, detail: str | None = None) -> None:
        self.notice.hide()
        self.error_banner.show_problem(message, detail)
        QApplication.beep()

    def _show_error(self, exc: BaseException) -> None:
        log.warning("shown to the user: %s", type(exc).__name__)  # the text may name a resident
        self.error_banner.show_problem(
            f"{exc}  Nothing was changed; try again when it is back.", kind="database"
        )
        self.statusBar().showMessage("Database problem")

    def open_manage(self) -> None:
        if self.user is None or not self.manage_action.isEnabled():
            return
        if self._manage_window is None:
            self._manage_window = ManageWindow(
                self.db,
                self.hub,
                lambda: self.user.id if self.user else None,
                clock=self.clock,
            )
        self._manage_window.show()
        self._manage_window.raise_()

    def open_reports(self) -> None:
        if self.user is None or not self.reports_action.isEnabled():
            return
        if self._reports_window is None:
            self._reports_window = ReportsWindow(
                self.db, lambda: self.user.id if self.user else None, clock=self.clock
            )
        self._reports_window.show()
        self._reports_window.raise_()

    def open_backups(self) -> None:
        if self.user is None or not self.backup_action.isEnabled():
            return
        if self._backup_window is None:
            self._backup_window = BackupWindow(
                self.db, lambda: self.user.id if self.user else None, clock=self.clock
            )
        self._backup_window.refresh()
        self._backup_window.show()
        self._backup_window.raise_()

    def _manage_takes_scans(self) -> bool:
        """While the stock or catalogue tab is open, pack scans go there, not to a dose."""
        return self._manage_window is not None and self._manage_window.takes_scans()

    def open_scanner_settings(self) -> None:
        if self._make_scanner_settings is None:
            return
        if self._scanner_window is None:
            self._scanner_window = self._make_scanner_settings()
        self._scanner_window.show()
        self._scanner_window.raise_()

    def _mar_to_today(self) -> None:
        """Today's column in view, like the paper chart's current column (also when the tab is
        opened later: a hidden view cannot scroll)."""
        if self.mar.columnCount():
            self.mar_view.scrollTo(self.mar.index(0, self.mar.columnCount() - 1))

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.refresh.stop()
        self.idle_lock.disarm()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle_lock)
        self.tasks.close(5000)
        super().closeEvent(event)
