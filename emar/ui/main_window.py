"""The main window: a shell over signing in and the round, with the menus that open the other
screens, the banners every screen speaks through, and the lock.

All rules come from the services and the domain; screens only show their answers and record
what the carer confirms. Database work runs off the GUI thread (ui/operations.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from emar.demo.build import build_demo_home
from emar.demo.data import DEMO_HISTORY_DAYS, DEMO_STAFF
from emar.devices.scan import Scan
from emar.errors import DatabaseUnavailable
from emar.infra.db import Database, Session
from emar.services.home import HomeSettings, UnitView, get_home, has_home, list_units
from emar.services.home_setup import HomePlan, set_up_home
from emar.services.permissions import Action, allowed
from emar.services.round.clock import clock_skew
from emar.services.staff.accounts import StaffView
from emar.ui.clock_check import ClockCheck
from emar.ui.idle_lock import IdleLock
from emar.ui.menus import Menus
from emar.ui.operations import HOME, QueryOp, WriteOp, new_desk
from emar.ui.round.dialogs import RoundQuestions
from emar.ui.round.workspace import RoundWorkspace
from emar.ui.scanning.router import SIGN_IN, ScanRouter
from emar.ui.scanning.scan_hub import ScanHub
from emar.ui.sign_in_page import SignInPage
from emar.ui.signing_in import SignIn
from emar.ui.tasks import TaskRunner
from emar.ui.widgets.banners import Banner, Messages, ProblemBanner

REFRESH_MS = 5000  # another PC's record shows within 5 seconds
Home = tuple[HomeSettings, list[UnitView]] | None


# The demo home's sign-in screen says it is the demo and gives its logins (README's table).
DEMO_LOGINS = "This is the demo home: fictional residents, for trying eMAR. Demo logins:\n" + (
    "\n".join(
        f"{user} / {password} ({role.replace('_', ' ')}, PIN {pin})"
        for user, _name, role, password, pin, _badge in DEMO_STAFF
    )
)


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
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        scanner_settings: Callable[[], QWidget] | None = None,
        hub: ScanHub | None = None,
        idle_clock: Callable[[], float] = time.monotonic,
        settings: QSettings | None = None,
        questions: RoundQuestions | None = None,
        skew: Callable[[Session, datetime], timedelta | None] = clock_skew,
    ) -> None:
        super().__init__()
        self.db, self.clock = db, clock
        self.desk = new_desk(db, clock)
        self.tasks = TaskRunner(self)
        self.questions = questions or RoundQuestions()
        self.settings = settings or QSettings()
        self.user: StaffView | None = None
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
        self.scanner_banner = Banner("scannerBanner")
        self.error_banner = ProblemBanner()
        self.notice = Banner("doneBanner")  # "Recorded: ..." until the next action
        self.clock_banner = Banner("scannerBanner")  # this PC's clock against the server's
        self.messages = Messages(self.error_banner, self.notice, self.statusBar().showMessage)

        self.sign_in_page = SignInPage()
        self.sign_in_page.setup_button.clicked.connect(self.first_run)
        self.work = RoundWorkspace(self.desk, self.messages, self.questions, self.unit.currentData)
        self.work.round_loaded.connect(self.round_loaded)
        self.work.resident_loaded.connect(self.resident_loaded)
        self.work.recorded.connect(self.recorded)
        self.work.giving.verdict_shown.connect(self.verdict_shown)
        self.giving, self.verdict = self.work.giving, self.work.page.verdict
        self.stack = QStackedWidget()
        self.stack.addWidget(self.sign_in_page)
        self.stack.addWidget(self.work)
        self.signing_in = SignIn(
            self,
            self.sign_in_page,
            self._signed_out,
            lambda name: self.questions.ask_new_password(self, name),
        )
        self.signing_in.signed_in.connect(self._after_sign_in)
        self.signing_in.failed.connect(self.fail)

        self.hub = hub or ScanHub(self)
        self.hub.scanned.connect(self._any_scan)  # before the router: a new scan, a new start
        self.hub.status.connect(self._scanner_status)
        self.router = ScanRouter(self.hub, self.work)
        self.router.add(self.signing_in, SIGN_IN)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self).activated.connect(self._escape)
        self._lay_out()
        self.menus = Menus(self, self.desk, self.router, self._staff_id, scanner_settings)

        self.idle_lock = IdleLock(3, idle_clock, self)
        self.idle_lock.idle.connect(self.lock)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle_lock)
        self.refresh = QTimer(self)
        self.refresh.setInterval(REFRESH_MS)
        self.refresh.timeout.connect(self.work.poll)
        self.clock_check = ClockCheck(self, self.clock_banner, self.giving, skew)
        self._show_signed_out(
            "Sign in to eMAR", "Scan your staff badge, or type your username and password."
        )
        self._scanner_status(*self.hub.state)  # a scanner already missing at start

    def _lay_out(self) -> None:
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
        self.where = QLabel(self.db.display_url)
        self.statusBar().addPermanentWidget(self.where)
        self.statusBar().showMessage("Opening the database…")

    def fail(self, exc: BaseException) -> None:
        self.messages.database(exc)

    # --- start and sign-in ----------------------------------------------------------------
    def start(self) -> None:
        """Load the home; on an empty database, offer the demo home first."""

        def fetch(session: Session) -> Home:
            return (get_home(session), list_units(session)) if has_home(session) else None

        QueryOp(self, fetch).success(self._show_home).run_in_background()

    def _show_home(self, home: Home) -> None:
        self.messages.answered()
        if home is None:
            self.statusBar().showMessage("Empty database")
            self.first_run()
            return
        settings, units = home
        self.home_name.setText(settings.name)
        self.sign_in_page.show_demo_logins(DEMO_LOGINS if settings.is_demo else None)
        self.idle_lock.minutes = settings.idle_lock_minutes
        self.work.page.mar.zone = settings.zone
        remembered = self.settings.value("round/unit", None)
        self.unit.blockSignals(True)
        self.unit.clear()
        self.unit.addItem("Whole home", None)
        for u in units:
            self.unit.addItem(u.name, u.id)
        index = self.unit.findData(int(remembered)) if remembered not in (None, "") else -1
        self.unit.setCurrentIndex(max(index, 0))
        self.unit.blockSignals(False)
        self.statusBar().showMessage("Ready")
        self.clock_check.start()
        self.home_loaded.emit()

    def first_run(self) -> None:
        """Set up the home, or load the demo home; cancelled: the sign-in page offers it
        again."""
        answer = self.questions.ask_first_run(self)
        if answer is None:
            self.sign_in_page.no_home()
            return
        self.sign_in_page.setup_button.hide()
        if answer == "demo":
            self.statusBar().showMessage("Creating the demo home…")
            self.sign_in_page.reset(
                "Creating the demo home…", "A few seconds; then its logins are shown here."
            )
            now = self.clock()
            WriteOp(
                self, lambda s: build_demo_home(s, now, history_days=DEMO_HISTORY_DAYS), HOME
            ).success(lambda _: self.start()).failure(self._set_up_failed).run_in_background()
            return
        plan = answer
        self.statusBar().showMessage(f"Setting up {plan.name}…")
        self.sign_in_page.reset(f"Setting up {plan.name}…", "A moment.")
        WriteOp(self, lambda s: set_up_home(s, plan), HOME).success(
            lambda home: self._set_up(home, plan)
        ).failure(self._set_up_failed).run_in_background()

    def _set_up(self, home: HomeSettings, plan: HomePlan) -> None:
        self.sign_in_page.reset(
            f"{home.name} is set up",
            f"Sign in as {plan.manager_username.strip().lower()} (the manager) to add staff "
            "(Settings > Staff), then residents and their charts (Manage > Residents, charts "
            "and stock).",
        )
        self.start()

    def _set_up_failed(self, exc: BaseException) -> None:
        if isinstance(exc, DatabaseUnavailable):
            self.messages.database(exc)
        else:
            self.messages.problem(f"The home was not set up: {exc}")
        self.start()  # another PC may have set the home up meanwhile: show what is there

    def _after_sign_in(self, staff: StaffView) -> None:
        self.user = staff
        self.user_label.setText(f"Signed in: {staff.full_name} ({staff.role.replace('_', ' ')})")
        self.stack.setCurrentWidget(self.work)
        self.lock_button.setEnabled(True)
        self.menus.allow(staff)
        if not allowed(staff.role, Action.ADMINISTER):
            self.statusBar().showMessage(
                "Read-only: charts and the MAR can be viewed, not changed."
            )
        self.notice.hide()
        self.work.begin(staff)
        self.idle_lock.arm()
        self.refresh.start()
        self.signed_in.emit(staff.username)

    def _signed_out(self) -> bool:
        return self.stack.currentWidget() is self.sign_in_page

    def _show_signed_out(self, title: str, message: str) -> None:
        self.sign_in_page.reset(title, message)
        self.stack.setCurrentWidget(self.sign_in_page)
        self.lock_button.setEnabled(False)

    def lock(self) -> None:
        """Hide every resident detail; the next person signs in (badge + PIN is quickest)."""
        self.idle_lock.disarm()
        self.refresh.stop()
        self.user = None
        self.user_label.setText("Locked")
        self.work.end()
        self.notice.hide()
        self.error_banner.clear_problem()
        self._show_signed_out(
            "eMAR is locked", "Scan your badge and enter your PIN, or sign in to continue."
        )
        self.menus.allow(None)
        self.locked.emit()

    def _unit_changed(self, _index: int) -> None:
        unit_id = self.unit.currentData()
        self.settings.setValue("round/unit", "" if unit_id is None else unit_id)
        if self.user is not None:
            self.work.load_round()

    # --- scans and banners ----------------------------------------------------------------
    def _any_scan(self, scan: Scan) -> None:
        self.idle_lock.touch()
        if scan.parsed.ok and not self.menus.scanner_test_in_front():
            self.error_banner.clear_problem("problem")  # a good scan is the next action

    def _scanner_status(self, state: str, message: str) -> None:
        """An unplugged scanner is a banner that stays until it is back (it reconnects itself),
        or until another port (or none) is chosen."""
        self.statusBar().showMessage(message)
        if state in ("unplugged", "waiting"):  # a scanner set up for this PC is not there
            self.scanner_banner.say(message)
        else:
            self.scanner_banner.hide()

    def _escape(self) -> None:
        """Esc, wherever the focus is: cancel the dose on screen, else dismiss a problem."""
        if self.verdict.isVisible():
            self.giving.cancel()
        elif self.error_banner.isVisible():
            self.error_banner.clear_problem("problem")

    def _staff_id(self) -> int | None:
        return self.user.id if self.user else None

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.refresh.stop()
        self.idle_lock.disarm()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle_lock)
        self.tasks.close(5000)
        self.work.tasks.close(5000)
        super().closeEvent(event)
