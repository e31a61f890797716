"""Backups in the app: the daily automatic backup of the SQLite file, and a settings window that
shows where backups go, the last one, how long they are kept, and a "Back up now" button."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from emar.domain.clock_text import clock_with_zone
from emar.infra.db import Database, Session
from emar.maintenance.daily import (
    BackupMade,
    backup_now,
    daily_folder,
    list_daily,
    run_daily_backup,
)
from emar.services.home import get_home, set_backup_retention
from emar.ui.operations import HOME, Desk, QueryOp, WriteOp
from emar.ui.tasks import TaskRunner
from emar.ui.widgets.message_line import MessageLine
from emar.ui.widgets.window_keys import close_with_keys

CHECK_EVERY_MS = 60 * 60 * 1000  # the PC may run for weeks: look hourly whether a day has passed


class DailyBackups(QObject):
    """Checks at start and then hourly; makes the day's backup off the GUI thread."""

    made = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        db: Database,
        tasks: TaskRunner,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.db, self.tasks, self.clock = db, tasks, clock
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        if self.db.is_sqlite:
            self.timer.start()
            self.check()

    def check(self) -> None:
        self.tasks.run(lambda: run_daily_backup(self.db, self.clock()), self._done, self._failed)

    def _done(self, made: BackupMade | None) -> None:
        if made is not None:
            self.made.emit(f"Daily backup made: {made.path.name}")

    def _failed(self, exc: BaseException) -> None:
        # Not silent: the status bar says so, and the next hourly check tries again.
        self.failed.emit(f"DAILY BACKUP FAILED: {exc}")


@dataclass(frozen=True)
class BackupState:
    database: str
    folder: Path | None
    retention_days: int
    zone: ZoneInfo
    backups: list[tuple[datetime, str, int]]  # taken at, file name, bytes


def read_state(session: Session, db: Database) -> BackupState:
    home = get_home(session)
    folder = daily_folder(db) if db.is_sqlite else None
    backups = [(b.taken_at, b.path.name, b.size) for b in list_daily(folder)] if folder else []
    return BackupState(db.display_url, folder, home.backup_retention_days, home.zone, backups)


class BackupWindow(QWidget):
    saved = Signal(str)
    failed = Signal(str)

    def __init__(self, desk: Desk, staff_id: Callable[[], int | None]) -> None:
        super().__init__()
        close_with_keys(self)
        self.setWindowTitle("eMAR: backups")
        self.resize(760, 520)
        self.desk, self.staff_id = desk, staff_id
        self.tasks = TaskRunner(self)
        desk.changes.happened.connect(self._changed)  # bound: dropped when this window goes
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.retention = QSpinBox(minimum=1, maximum=3650, suffix=" days")
        save = QPushButton("Save")
        save.clicked.connect(self.save_retention)
        self.now_button = QPushButton("Back up &now")
        self.now_button.clicked.connect(self.back_up_now)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Taken", "File", "Size"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.message = MessageLine()
        keep = QHBoxLayout()
        keep.addWidget(QLabel("Keep daily backups for"))
        keep.addWidget(self.retention)
        keep.addWidget(save)
        keep.addStretch(1)
        keep.addWidget(self.now_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(keep)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self.refresh()

    def _changed(self, kind: str) -> None:
        if kind == HOME:
            self.refresh()

    def refresh(self) -> None:
        db = self.desk.db
        QueryOp(self, lambda s: read_state(s, db)).latest("backups").success(
            self._show
        ).run_in_background()

    def _show(self, state: BackupState) -> None:
        self.retention.setValue(state.retention_days)
        if state.folder is None:
            self.summary.setText(
                f"Database: {state.database}\n\nThis database is on a PostgreSQL server. IT backs "
                "it up on the server with 'emar backup FILE' (pg_dump) and restores with "
                "'emar restore FILE' into an empty database."
            )
            self.now_button.setEnabled(False)
        else:
            last = (
                f"Last backup: {clock_with_zone(state.backups[0][0], state.zone)}."
                if state.backups
                else "No backup yet: one is made within the hour."
            )
            self.summary.setText(
                f"Database: {state.database}\n\nA checked copy of the database is made every "
                f"day while eMAR is open, into {state.folder} (readable by this PC's user "
                f"only). {last} The newest backup is always kept. Copy this folder to "
                "off-site storage as well: a backup on the same disk does not survive the disk."
            )
        self.table.setRowCount(len(state.backups))
        for row, (taken, name, size) in enumerate(state.backups):
            cells = (clock_with_zone(taken, state.zone), name, f"{size / 1_048_576:.1f} MB")
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def fail(self, exc: BaseException) -> None:
        self.failed.emit(self.message.failure(exc, "not done"))

    def _ok(self, text: str) -> None:
        self.saved.emit(self.message.success(text))

    def save_retention(self) -> None:
        staff, days = self.staff_id(), self.retention.value()
        if staff is None:
            return

        WriteOp(self, lambda s: set_backup_retention(s, staff, days), HOME).success(
            lambda _r: self._ok(f"Daily backups are kept for {days} days.")
        ).run_in_background()

    def back_up_now(self) -> None:
        staff = self.staff_id()
        if staff is None:
            return
        db, now = self.desk.db, self.desk.clock()

        def made(done: BackupMade) -> None:
            self._ok(f"Backup made and checked: {done.path.name}.")
            self.refresh()

        # a backup is its own transactions and a file, not a write of the records
        self.tasks.run(lambda: backup_now(db, staff, now), made, self.fail)
