"""The menus and the screens they open beside the round (Manage, Monthly order, Reports,
Medication reviews, Backups, Staff, Scanner settings): each offered only to a role that may use
it, opened once and raised after, and all closed when the screen locks (they show resident data
or settings)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

from emar.services.permissions import Action, allowed
from emar.services.staff.accounts import StaffView
from emar.ui.admin.home_window import HomeQuestions, HomeWindow
from emar.ui.admin.staff_dialogs import StaffQuestions
from emar.ui.admin.staff_window import StaffWindow
from emar.ui.manage.backup_window import BackupWindow
from emar.ui.manage.order_window import OrderQuestions, OrderWindow
from emar.ui.manage.receipt_window import ReceiptQuestions, ReceiptWindow
from emar.ui.manage.window import ManageWindow
from emar.ui.operations import Desk
from emar.ui.reports.window import ReportsWindow
from emar.ui.review.dialogs import ReviewQuestions
from emar.ui.review.list_window import ReviewListWindow
from emar.ui.scanning.router import OFFICE, SELF_TEST, ScanRouter


class Menus:
    def __init__(
        self,
        window: QMainWindow,
        desk: Desk,
        router: ScanRouter,
        staff_id: Callable[[], int | None],
        scanner_settings: Callable[[], QWidget] | None,
    ) -> None:
        self.window, self.desk, self.router, self.staff_id = window, desk, router, staff_id
        self._make_scanner_settings = scanner_settings
        self.windows: dict[str, QWidget] = {}  # the other screens, once opened
        self.user: StaffView | None = None
        self.review_questions = ReviewQuestions()  # tests answer them instead
        self.home_questions = HomeQuestions()
        self.staff_questions = StaffQuestions()
        self.order_questions = OrderQuestions()
        self.receipt_questions = ReceiptQuestions()
        settings = window.menuBar().addMenu("&Settings")
        manage = window.menuBar().addMenu("Manag&e")
        self.scanner_action = self._action(
            settings, "&Scanner and self-test…", "Ctrl+Shift+S", self.open_scanner_settings
        )
        self.backup_action = self._action(settings, "&Backups…", "Ctrl+Shift+B", self.open_backups)
        self.home_action = self._action(
            settings, "&Home settings…", "Ctrl+Shift+H", self.open_home_settings
        )
        self.staff_action = self._action(settings, "S&taff…", "Ctrl+Shift+U", self.open_staff)
        self.manage_action = self._action(
            manage, "&Residents, charts and stock…", "Ctrl+Shift+M", self.open_manage
        )
        self.order_action = self._action(manage, "Monthly &order…", "Ctrl+Shift+O", self.open_order)
        self.receipt_action = self._action(
            manage, "Receipt chec&k…", "Ctrl+Shift+R", self.open_receipt
        )
        self.reports_action = self._action(manage, "Re&ports…", "Ctrl+Shift+P", self.open_reports)
        self.reviews_action = self._action(
            manage, "Medication re&views…", "Ctrl+Shift+V", self.open_reviews
        )

    def _action(self, menu: QMenu, text: str, keys: str, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self.window)
        action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        action.setEnabled(False)  # until someone whose role allows it signs in
        menu.addAction(action)
        return action

    def allow(self, user: StaffView | None) -> None:
        """What this person may open; None (locked): nothing, and every screen closes."""
        self.user = user
        role = user.role if user else ""
        # pharmacists review; nurses and managers follow recommendations up; anyone who may
        # view charts may read
        self.reviews_action.setEnabled(
            allowed(role, Action.REVIEW) or allowed(role, Action.VIEW_CHARTS)
        )
        self.manage_action.setEnabled(
            allowed(role, Action.EDIT_CHARTS) or allowed(role, Action.MANAGE_STOCK)
        )
        self.order_action.setEnabled(allowed(role, Action.MANAGE_STOCK))
        self.receipt_action.setEnabled(allowed(role, Action.MANAGE_STOCK))
        self.backup_action.setEnabled(allowed(role, Action.VERIFY_AUDIT))
        self.home_action.setEnabled(allowed(role, Action.MANAGE_SETTINGS))
        self.staff_action.setEnabled(allowed(role, Action.MANAGE_USERS))
        self.reports_action.setEnabled(allowed(role, Action.RUN_REPORTS))
        self.scanner_action.setEnabled(
            self._make_scanner_settings is not None and allowed(role, Action.MANAGE_SETTINGS)
        )
        if user is None:
            for window in self.windows.values():
                window.close()

    def scanner_test_in_front(self) -> bool:
        test = self.windows.get("scanner")
        return test is not None and test.isActiveWindow()

    def _open(self, name: str, action: QAction, make: Callable[[], QWidget]) -> QWidget | None:
        if self.staff_id() is None or not action.isEnabled():
            return None
        if name not in self.windows:
            self.windows[name] = make()
        window = self.windows[name]
        window.show()
        window.raise_()
        return window

    def open_manage(self) -> None:
        def make() -> QWidget:
            window = ManageWindow(self.desk, self.staff_id)
            self.router.add(window, OFFICE)
            return window

        self._open("manage", self.manage_action, make)

    def open_order(self) -> OrderWindow | None:
        window = self._open(
            "order",
            self.order_action,
            lambda: OrderWindow(self.desk, self.staff_id, self.order_questions),
        )
        if isinstance(window, OrderWindow):
            window.refresh()
            return window
        return None

    def open_receipt(self) -> ReceiptWindow | None:
        window = self._open(
            "receipt",
            self.receipt_action,
            lambda: ReceiptWindow(self.desk, self.staff_id, self.receipt_questions),
        )
        if isinstance(window, ReceiptWindow):
            window.refresh()  # read afresh, if it was open already
            return window
        return None

    def open_reports(self) -> None:
        self._open(
            "reports",
            self.reports_action,
            lambda: ReportsWindow(self.desk, self.staff_id),
        )

    def open_reviews(self) -> ReviewListWindow | None:
        window = self._open(
            "reviews",
            self.reviews_action,
            lambda: ReviewListWindow(
                self.desk, self.staff_id, lambda: self.user, self.review_questions
            ),
        )
        if isinstance(window, ReviewListWindow):
            window.refresh()
            return window
        return None

    def open_backups(self) -> None:
        window = self._open(
            "backups",
            self.backup_action,
            lambda: BackupWindow(self.desk, self.staff_id),
        )
        if isinstance(window, BackupWindow):
            window.refresh()

    def open_home_settings(self) -> HomeWindow | None:
        window = self._open(
            "home",
            self.home_action,
            lambda: HomeWindow(
                self.desk,
                self.staff_id,
                lambda: self.user.role if self.user else "",
                self.home_questions,
            ),
        )
        if isinstance(window, HomeWindow):
            window.refresh()
            return window
        return None

    def open_staff(self) -> StaffWindow | None:
        window = self._open(
            "staff",
            self.staff_action,
            lambda: StaffWindow(self.desk, self.staff_id, self.staff_questions),
        )
        if isinstance(window, StaffWindow):
            window.refresh()
            return window
        return None

    def open_scanner_settings(self) -> None:
        make = self._make_scanner_settings
        if make is None:
            return

        def made() -> QWidget:
            window = make()
            self.router.add(window, SELF_TEST)  # type: ignore[arg-type]
            return window

        self._open("scanner", self.scanner_action, made)
