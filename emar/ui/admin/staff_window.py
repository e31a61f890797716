"""Staff accounts without the command line (Settings > Staff): add a person, change a role,
disable and enable (never delete), a temporary password, a PIN, a badge and its label, and
lift a sign-in lock. Every
change is the service's, permission-checked and audited; a refusal is shown with its reason and
changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from emar.devices.labels import label_sheet
from emar.infra.db import Session
from emar.infra.private_files import open_new
from emar.services.staff.accounts import add_staff
from emar.services.staff.management import (
    StaffRecord,
    change_role,
    list_staff_records,
    reset_password,
    set_active,
    set_badge,
    set_pin,
    staff_badge_label,
)
from emar.services.staff.signing import unlock
from emar.ui.admin.staff_dialogs import NewStaff, StaffQuestions
from emar.ui.operations import STAFF, Desk, QueryOp, WriteOp
from emar.ui.tasks import TaskRunner
from emar.ui.widgets.message_line import MessageLine
from emar.ui.widgets.window_keys import close_with_keys

COLUMNS = ["Name", "Username", "Role", "Account", "PIN", "Badge", "Password"]


class StaffWindow(QWidget):
    saved = Signal(str)
    failed = Signal(str)
    loaded = Signal()

    def __init__(
        self,
        desk: Desk,
        staff_id: Callable[[], int | None],
        questions: StaffQuestions | None = None,
    ) -> None:
        super().__init__()
        close_with_keys(self)
        self.setWindowTitle("eMAR: staff accounts")
        self.resize(900, 560)
        self.desk, self.staff_id = desk, staff_id
        self.questions = questions or StaffQuestions()
        self.tasks = TaskRunner(self)
        self.records: list[StaffRecord] = []
        desk.changes.happened.connect(self._changed)  # bound: dropped when this window goes
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.add_button = self._button("&Add…", self.add)
        self.role_button = self._button("Change &role…", self.change_role)
        self.active_button = self._button("&Disable", self.toggle_active)
        self.password_button = self._button("Reset &password…", self.reset_password)
        self.pin_button = self._button("Set P&IN…", self.set_pin)
        self.badge_button = self._button("Set &badge…", self.set_badge)
        self.label_button = self._button("Print badge &label…", self.print_label)
        self.unlock_button = self._button("&Unlock", self.unlock)
        self.message = MessageLine()
        buttons = QHBoxLayout()
        for b in (
            self.add_button,
            self.role_button,
            self.active_button,
            self.password_button,
            self.pin_button,
            self.badge_button,
            self.label_button,
            self.unlock_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self._selection_changed()
        self.refresh()

    def _button(self, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        return button

    def _changed(self, kind: str) -> None:
        if kind == STAFF:
            self.refresh()

    # --- the list ---------------------------------------------------------------------------
    def refresh(self) -> None:
        by = self.staff_id()
        if by is None:
            return
        # locked or not by the audit trail's own clock, which stamps the failed attempts
        QueryOp(self, lambda s: list_staff_records(s, by)).latest("staff").success(
            self._show
        ).run_in_background()

    def _show(self, records: list[StaffRecord]) -> None:
        chosen = self.selected()
        self.records = records
        self.table.setRowCount(len(records))
        for row, r in enumerate(records):
            password = "must change" if r.must_change_password else ""
            if r.locked:
                password = f"{password}, locked".lstrip(", ")
            cells = (
                r.full_name,
                r.username,
                r.role_label,
                "active" if r.active else "disabled",
                "set" if r.has_pin else "none",
                r.badge_code or "",
                password,
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, r.id)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        if chosen is not None:
            self.select(chosen.id)
        self._selection_changed()
        self.loaded.emit()

    def select(self, staff_id: int) -> None:
        for row, r in enumerate(self.records):
            if r.id == staff_id:
                self.table.selectRow(row)
                return

    def selected(self) -> StaffRecord | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.records):
            return None
        return self.records[rows[0].row()]

    def _selection_changed(self) -> None:
        r = self.selected()
        for b in (
            self.role_button,
            self.active_button,
            self.password_button,
            self.pin_button,
            self.badge_button,
            self.label_button,
        ):
            b.setEnabled(r is not None)
        self.active_button.setText("&Enable" if r is not None and not r.active else "&Disable")
        self.label_button.setEnabled(r is not None and r.active and bool(r.badge_code))
        self.unlock_button.setEnabled(r is not None and r.locked)

    # --- changes ----------------------------------------------------------------------------
    def fail(self, exc: BaseException) -> None:
        self.failed.emit(self.message.failure(exc, "not saved"))

    def _write(self, work: Callable[[Session, int], object], said: str) -> None:
        by = self.staff_id()
        if by is None:
            return
        WriteOp(self, lambda s: work(s, by), STAFF).success(
            lambda _r: self.saved.emit(self.message.success(said))
        ).run_in_background()

    def add(self) -> None:
        new: NewStaff | None = self.questions.ask_new_staff(self)
        if new is None:
            return

        def work(s: Session, by: int) -> object:
            return add_staff(
                s,
                username=new.username,
                full_name=new.full_name,
                role=new.role,
                password=new.password,
                pin=new.pin,
                badge_code=new.badge,
                added_by_id=by,
                must_change_password=True,
            )

        self._write(work, f"Added {new.full_name.strip()}: they choose a password at sign-in.")

    def change_role(self) -> None:
        r = self.selected()
        role = self.questions.ask_role(self, r.full_name, r.role) if r else None
        if r is None or role is None:
            return
        self._write(lambda s, by: change_role(s, by, r.id, role), f"{r.full_name}'s role changed.")

    def toggle_active(self) -> None:
        r = self.selected()
        if r is None:
            return
        if r.active and not self.questions.confirm(
            self,
            "Disable account",
            f"Disable {r.full_name}? They can no longer sign in or sign with their PIN; "
            "their records stay.",
        ):
            return
        said = f"{r.full_name} is {'disabled' if r.active else 'enabled again'}."
        self._write(lambda s, by: set_active(s, by, r.id, not r.active), said)

    def reset_password(self) -> None:
        r = self.selected()
        password = self.questions.ask_password(self, r.full_name) if r else None
        if r is None or password is None:
            return
        self._write(
            lambda s, by: reset_password(s, by, r.id, password),
            f"{r.full_name} has a temporary password, to change at the next sign-in.",
        )

    def set_pin(self) -> None:
        r = self.selected()
        pin = self.questions.ask_pin(self, r.full_name) if r else None
        if r is None or pin is None:
            return
        said = f"{r.full_name} has a new PIN." if pin else f"{r.full_name}'s PIN is cleared."
        self._write(lambda s, by: set_pin(s, by, r.id, pin or None), said)

    def set_badge(self) -> None:
        r = self.selected()
        code = self.questions.ask_badge(self, r.full_name, r.badge_code) if r else None
        if r is None or code is None:
            return
        said = (
            f"{r.full_name}'s badge is saved."
            if code.strip()
            else f"{r.full_name}'s badge is cleared."
        )
        self._write(lambda s, by: set_badge(s, by, r.id, code or None), said)

    def unlock(self) -> None:
        r = self.selected()
        if r is None:
            return
        self._write(
            lambda s, by: unlock(s, by, r.username),
            f"{r.full_name} may sign in and sign with their PIN again.",
        )

    def print_label(self) -> None:
        r, by = self.selected(), self.staff_id()
        if r is None or by is None:
            return
        path = self.questions.ask_pdf_path(self, f"badge-{r.username}.pdf")
        if path is None:
            return

        def write(s: Session) -> Path:
            label = staff_badge_label(s, by, r.id)
            with open_new(path, "a badge label") as out:
                label_sheet([label], out, title=f"eMAR badge: {label.title}")
            return path

        QueryOp(self, write).success(
            lambda done: self.saved.emit(self.message.success(f"Badge label written to {done}."))
        ).run_in_background()
