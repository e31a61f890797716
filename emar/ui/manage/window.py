"""Managing residents and charts: admission, chart lines with the second person's check, and
stock booked in by scanning. Same services and rules as the CLI; the window only collects input.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from emar.devices.scan import Scan
from emar.errors import EmarError
from emar.infra.db import Database
from emar.services.charts.catalogue import (
    MedicineView,
    ProductForm,
    add_medicine,
    attach_gtin,
    search_medicines,
)
from emar.services.charts.editing import (
    LineForm,
    add_chart_line,
    change_line,
    check_chart_line,
    resume_line,
    stop_line,
    suspend_line,
)
from emar.services.charts.reading import ChartLineView, resident_chart
from emar.services.charts.stock import (
    DISPOSAL_REASONS,
    StockRow,
    book_in,
    carry_forward,
    line_for_pack,
    remove_stock,
    stock_rows,
)
from emar.services.home import get_home, list_units, set_cycle_start
from emar.services.residents.admission import (
    LEAVING,
    AdmissionForm,
    admit_resident,
    end_absence,
    leave_home,
    start_absence,
    update_resident,
)
from emar.services.residents.reading import ResidentSummary, list_residents
from emar.services.staff.accounts import staff_id_by_username
from emar.services.staff.signing import PinRefused, write_signed
from emar.ui.scanning.scan_hub import ScanHub
from emar.ui.tasks import TaskRunner
from emar.ui.widgets.message_line import MessageLine
from emar.ui.widgets.table_models import ChartLineModel, RowTableModel
from emar.ui.widgets.window_keys import close_with_keys

EDITABLE_TEXT = {
    "room": "room",
    "GP": "gp_name",
    "GP practice": "gp_practice",
    "how they like to take medicines": "medicine_preferences",
    "swallowing needs": "swallowing_needs",
}
TIMINGS = {
    "Times of day": "times_of_day",
    "Days of the week": "weekdays",
    "Every N days": "every_n_days",
    "Every N hours": "every_n_hours",
    "When required (PRN)": "prn",
}


class StockModel(RowTableModel[StockRow]):
    columns = (
        ("Medicine", lambda r: r.medicine),
        ("Dose", lambda r: r.dose),
        ("In stock", lambda r: f"{r.balance.normalize():f}"),
    )

    def extra_data(self, item: StockRow, column: int, role: int) -> Any:
        return None


def ask_checker(parent: QWidget) -> tuple[str, str] | None:
    username, ok = QInputDialog.getText(parent, "Second check", "Checker's username:")
    if not ok or not username.strip():
        return None
    pin, ok = QInputDialog.getText(
        parent, "Second check", "Checker's PIN:", QLineEdit.EchoMode.Password
    )
    return (username.strip(), pin) if ok and pin else None


def ask_quantity(parent: QWidget, medicine: str) -> Decimal | None:
    value, ok = QInputDialog.getDouble(
        parent, "Book in", f"How many of {medicine} received?", 28, 0, 100000, 1
    )
    return Decimal(str(value)) if ok and value > 0 else None


def ask(parent: QWidget, title: str, question: str, choices: list[str] | None = None) -> str | None:
    """One question: pick from `choices`, or type an answer. None if cancelled or empty."""
    if choices:
        text, ok = QInputDialog.getItem(parent, title, question, choices, 0, False)
    else:
        text, ok = QInputDialog.getText(parent, title, question)
    return text.strip() if ok and text.strip() else None


def choose_photo(parent: QWidget) -> bytes | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Resident photo", "", "Images (*.png *.jpg)")
    return Path(path).read_bytes() if path else None


class ManageWindow(QWidget):
    saved = Signal(str)  # what was saved, for the status line and tests
    failed = Signal(str)

    def __init__(
        self,
        db: Database,
        hub: ScanHub,
        staff_id: Callable[[], int | None],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        ask_checker: Callable[[QWidget], tuple[str, str] | None] = ask_checker,
        ask_quantity: Callable[[QWidget, str], Decimal | None] = ask_quantity,
        choose_photo: Callable[[QWidget], bytes | None] = choose_photo,
        ask: Callable[[QWidget, str, str, list[str] | None], str | None] = ask,
    ) -> None:
        super().__init__()
        close_with_keys(self)
        self.setWindowTitle("eMAR: residents, charts and stock")
        self.resize(1200, 760)
        self.db, self.hub, self.staff_id, self.clock = db, hub, staff_id, clock
        self._ask_checker, self._ask_quantity, self._choose_photo = (
            ask_checker,
            ask_quantity,
            choose_photo,
        )
        self._ask = ask
        self.tasks = TaskRunner(self)
        self.photo: bytes | None = None
        self.zone = ZoneInfo("Europe/London")  # replaced by the home's zone once loaded
        self.message = MessageLine()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._admission_tab(), "&Admit a resident")
        self.tabs.addTab(self._chart_tab(), "&Chart lines")
        self.tabs.addTab(self._stock_tab(), "&Stock")
        self.tabs.addTab(self._catalogue_tab(), "Cata&logue")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        self.tabs.currentChanged.connect(self._tab_shown)
        hub.scanned.connect(self._on_scan)
        self.refresh()

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        # Closed (or the screen locked): what its jobs bring back later must not pop up a
        # question ("how many?") over the lock screen.
        self.tasks.drop_pending()
        super().closeEvent(event)

    def _tab_shown(self, _index: int) -> None:
        """Lines and products added on another tab (or PC) meanwhile are shown."""
        self._load_chart()
        self._load_stock()

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        if self.tabs.currentIndex() == 0:
            self.given.setFocus()  # ready to type an admission
        self.refresh()  # reopened later: products and lines added since are shown

    # --- shared -------------------------------------------------------------------------
    def _run(self, fn: Callable[[], Any], done: Callable[[Any], None]) -> None:
        self.tasks.run(fn, done, self._fail)

    def _fail(self, exc: BaseException) -> None:
        self.failed.emit(self.message.failure(exc, "not saved"))

    def _ok(self, text: str) -> None:
        self.saved.emit(self.message.success(text))

    def refresh(self) -> None:
        def fetch() -> tuple[list[Any], list[ResidentSummary], Any]:
            with self.db.read() as s:
                return list_units(s), list_residents(s, self.clock()), get_home(s)

        self._run(fetch, self._show_lists)

    def _show_lists(self, lists: tuple[list[Any], list[ResidentSummary], Any]) -> None:
        units, residents, home = lists
        self.zone = home.zone
        local_now = self.clock().astimezone(self.zone)
        self.effective.setDateTime(
            QDateTime(
                QDate(local_now.year, local_now.month, local_now.day),
                QTime(local_now.hour, local_now.minute),
            )
        )
        if home.cycle_start_date:
            c = home.cycle_start_date
            self.cycle_start.setDate(QDate(c.year, c.month, c.day))
        self.unit.clear()
        for u in units:
            self.unit.addItem(u.name, u.id)
        for combo in (self.chart_resident, self.stock_resident):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for r in residents:
                combo.addItem(f"{r.room}  {r.name}", r.id)
            index = combo.findData(current)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)
        self._load_chart()
        self._load_stock()

    # --- admission ----------------------------------------------------------------------
    def _admission_tab(self) -> QWidget:
        self.given, self.family, self.preferred = QLineEdit(), QLineEdit(), QLineEdit()
        self.dob = QDateEdit(displayFormat="dd/MM/yyyy", calendarPopup=True)
        self.dob.setDate(QDate(1940, 1, 1))
        self.nhs = QLineEdit(placeholderText="10 digits, e.g. 943 476 5919")
        self.unit, self.room = QComboBox(), QLineEdit()
        self.gp = QLineEdit()
        self.allergies = QLineEdit(placeholderText="e.g. Penicillin: rash; Latex")
        self.nka = QCheckBox("No known allergies")
        self.preferences, self.swallowing = QLineEdit(), QLineEdit()
        photo = QPushButton("Choose &photo…")
        photo.clicked.connect(self._pick_photo)
        self.photo_label = QLabel("No photo")
        save = QPushButton("A&dmit")
        save.setMinimumHeight(44)
        save.clicked.connect(self.admit)
        self.admit_button = save
        form = QFormLayout()
        for label, field in (
            ("Given name", self.given),
            ("Family name", self.family),
            ("Preferred name", self.preferred),
            ("Date of birth", self.dob),
            ("NHS number", self.nhs),
            ("Unit", self.unit),
            ("Room", self.room),
            ("GP", self.gp),
            ("Allergies", self.allergies),
            ("", self.nka),
            ("Likes to take medicines", self.preferences),
            ("Swallowing", self.swallowing),
        ):
            form.addRow(label, field)
        row = QHBoxLayout()
        row.addWidget(photo)
        row.addWidget(self.photo_label, 1)
        form.addRow("Photo", row)
        form.addRow(save)
        tab = QWidget()
        tab.setLayout(form)
        return tab

    def _pick_photo(self) -> None:
        self.photo = self._choose_photo(self)
        self.photo_label.setText(
            f"{len(self.photo) // 1024} KB chosen" if self.photo else "No photo"
        )

    def admission_form(self) -> AdmissionForm:
        allergies = []
        for part in self.allergies.text().split(";"):
            if part.strip():
                substance, _, reaction = part.partition(":")
                allergies.append((substance.strip(), reaction.strip() or None))
        d = self.dob.date()
        return AdmissionForm(
            given_name=self.given.text(),
            family_name=self.family.text(),
            preferred_name=self.preferred.text() or None,
            date_of_birth=date(d.year(), d.month(), d.day()),
            unit_id=self.unit.currentData(),
            room=self.room.text(),
            nhs_number=self.nhs.text() or None,
            gp_name=self.gp.text() or None,
            allergies=allergies,
            no_known_allergies=self.nka.isChecked(),
            medicine_preferences=self.preferences.text() or None,
            swallowing_needs=self.swallowing.text() or None,
            photo=self.photo,
        )

    def admit(self) -> None:
        staff = self.staff_id()
        if staff is None:
            self._fail(EmarError("Sign in first."))
            return
        try:
            form = self.admission_form()
        except ValueError as exc:
            self._fail(exc)
            return

        def job() -> int:
            with self.db.write() as s:
                return admit_resident(s, staff, form)

        self._run(
            job,
            lambda rid: (
                self._ok(f"Admitted {form.given_name} {form.family_name}."),
                self.refresh(),
            ),
        )

    # --- chart lines ----------------------------------------------------------------------
    def _chart_tab(self) -> QWidget:
        self.chart_resident = QComboBox()
        self.chart_resident.currentIndexChanged.connect(lambda _i: self._load_chart())
        self.search = QLineEdit(placeholderText="Type to search the catalogue…")
        self.search.textChanged.connect(self._search)
        self.results = QListWidget()
        self.results.setMaximumHeight(120)
        self.dose_min, self.dose_max = QDoubleSpinBox(), QDoubleSpinBox()
        for spin in (self.dose_min, self.dose_max):
            spin.setRange(0, 1000)
            spin.setDecimals(2)
            spin.setValue(1)
        self.dose_choice = QLineEdit(placeholderText="How to choose within a range")
        self.timing = QComboBox()
        self.timing.addItems(list(TIMINGS))
        self.times = QLineEdit("08:00")
        self.weekdays = QLineEdit(placeholderText="1=Mon … 7=Sun, e.g. 1,4")
        self.every = QSpinBox(minimum=0, maximum=168)
        self.prn_for = QLineEdit()
        self.prn_gap = QSpinBox(minimum=0, maximum=1440, suffix=" min")
        self.prn_max = QSpinBox(minimum=0, maximum=24)
        self.directions, self.prescriber, self.source = QLineEdit(), QLineEdit(), QLineEdit()
        self.course = QSpinBox(minimum=0, maximum=365, suffix=" days")
        add = QPushButton("Add line (pending until checked)")
        add.clicked.connect(self.add_line)
        self.lines = ChartLineModel(self)
        self.lines_view = QTableView()
        self.lines_view.setModel(self.lines)
        self.lines_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.lines_view.verticalHeader().hide()
        self.lines_view.setWordWrap(True)
        self.lines_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.lines_view.horizontalHeader()
        header.moveSection(6, 0)  # status first: "pending" is what this screen is about
        for column in (2, 4, 5):  # route, directions, flags: on the round screens already
            self.lines_view.hideColumn(column)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        check = QPushButton("Chec&k selected line (second person signs)…")
        check.clicked.connect(self.check_selected)
        self.effective = QDateTimeEdit(displayFormat="dd/MM/yyyy HH:mm", calendarPopup=True)
        effective_row = QHBoxLayout()
        effective_row.addWidget(QLabel("Stop, suspend, resume or change takes effect at"))
        effective_row.addWidget(self.effective)
        line_actions = QHBoxLayout()
        for label, kind in (
            ("Stop…", "stopped"),
            ("Suspend…", "suspended"),
            ("Resume…", "resumed"),
            ("Change to the form's dose…", "change"),
        ):
            button = QPushButton(label)
            button.setObjectName(f"line_{kind}")
            button.clicked.connect(lambda _=False, k=kind: self.line_action(k))
            line_actions.addWidget(button)
        resident_actions = QHBoxLayout()
        for label, kind in (
            ("Away (hospital or leave)…", "away"),
            ("Back in the home", "back"),
            ("Edit details…", "edit"),
            ("Leaves the home…", "leave"),
        ):
            button = QPushButton(label)
            button.setObjectName(f"resident_{kind}")
            button.clicked.connect(lambda _=False, k=kind: self.resident_action(k))
            resident_actions.addWidget(button)
        form = QFormLayout()
        form.addRow("Resident", self.chart_resident)
        form.addRow("Medicine", self.search)
        form.addRow("", self.results)
        doses = QHBoxLayout()
        doses.addWidget(self.dose_min)
        doses.addWidget(QLabel("to"))
        doses.addWidget(self.dose_max)
        form.addRow("Dose", doses)
        form.addRow("Choosing the dose", self.dose_choice)
        form.addRow("Timing", self.timing)
        form.addRow("Times", self.times)
        form.addRow("Weekdays", self.weekdays)
        form.addRow("Every N (days or hours)", self.every)
        form.addRow("PRN: for", self.prn_for)
        form.addRow("PRN: at least", self.prn_gap)
        form.addRow("PRN: max in 24 h", self.prn_max)
        form.addRow("Directions", self.directions)
        form.addRow("Prescriber", self.prescriber)
        form.addRow("Source", self.source)
        form.addRow("Course length", self.course)
        form.addRow(add)
        left = QWidget()
        left.setLayout(form)
        right = QVBoxLayout()
        right.addWidget(QLabel("<b>Chart</b> (pending lines cannot be given until checked)"))
        right.addWidget(self.lines_view, 1)
        right.addWidget(check)
        right.addLayout(effective_row)
        right.addLayout(line_actions)
        right.addWidget(QLabel("<b>Resident</b>"))
        right.addLayout(resident_actions)
        tab = QWidget()
        layout = QHBoxLayout(tab)
        layout.addWidget(left, 2)
        layout.addLayout(right, 3)
        return tab

    def _search(self, text: str) -> None:
        def fetch() -> list[MedicineView]:
            with self.db.read() as s:
                return search_medicines(s, text) if text.strip() else []

        self._run(fetch, self._show_results)

    def _show_results(self, found: list[MedicineView]) -> None:
        self.results.clear()
        for m in found:
            item = QListWidgetItem(m.name + ("  [CD]" if m.controlled else ""))
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            self.results.addItem(item)
        if found:
            self.results.setCurrentRow(0)

    def _load_chart(self) -> None:
        rid = self.chart_resident.currentData()
        if rid is None:
            return

        def fetch() -> list[ChartLineView]:
            with self.db.read() as s:
                return resident_chart(s, rid, self.clock())

        self.tasks.run_latest("chart", fetch, self._show_chart, self._fail)

    def _show_chart(self, lines: list[ChartLineView]) -> None:
        self.lines.set_rows(lines)
        self.lines_view.resizeRowsToContents()

    def line_form(self) -> LineForm:
        item = self.results.currentItem()
        if item is None:
            raise EmarError("Choose the medicine from the catalogue search.")
        timing = TIMINGS[self.timing.currentText()]
        every = self.every.value() or None
        now = self.clock()
        return LineForm(
            medicine_id=int(item.data(Qt.ItemDataRole.UserRole)),
            dose_min=Decimal(str(self.dose_min.value())),
            dose_max=Decimal(str(self.dose_max.value())),
            timing=timing,
            times_of_day=self.times.text() if timing != "prn" else None,
            weekdays=self.weekdays.text() or None,
            every_n_days=every if timing == "every_n_days" else None,
            every_n_hours=every if timing == "every_n_hours" else None,
            starts_at=now,
            prescriber=self.prescriber.text(),
            source=self.source.text(),
            directions=self.directions.text() or None,
            course_days=self.course.value() or None,
            dose_choice=self.dose_choice.text() or None,
            prn_indication=self.prn_for.text() or None,
            prn_min_interval_minutes=self.prn_gap.value() or None,
            prn_max_doses_24h=self.prn_max.value() or None,
        )

    def add_line(self) -> None:
        staff, rid = self.staff_id(), self.chart_resident.currentData()
        try:
            if staff is None:
                raise EmarError("Sign in first.")
            form = self.line_form()
        except EmarError as exc:
            self._fail(exc)
            return

        def job() -> int:
            with self.db.write() as s:
                return add_chart_line(s, staff, rid, form)

        self._run(
            job,
            lambda _id: (
                self._ok("Line added: it is pending until a second person checks it."),
                self._load_chart(),
            ),
        )

    def check_selected(self) -> None:
        rows = self.lines_view.selectionModel().selectedRows()
        if not rows:
            self._fail(EmarError("Choose the line to check."))
            return
        line = self.lines.row(rows[0].row())
        answer = self._ask_checker(self)
        if answer is None:
            return
        username, pin = answer
        now = self.clock()

        def job() -> None:
            def check(s: Session) -> None:
                checker = staff_id_by_username(s, username)
                if checker is None:  # refused like a wrong PIN: no name is confirmed
                    raise PinRefused(
                        "Check: wrong username or PIN.", username.lower(), "Check", False
                    )
                check_chart_line(s, checker, line.id, now, pin=pin)

            write_signed(self.db, check)

        self._run(
            job,
            lambda _r: (
                self._ok(f"{line.medicine} checked: it can now be given."),
                self._load_chart(),
            ),
        )

    def _write(self, job: Callable[[Any], Any], done_text: str) -> None:
        """One write transaction in the background; then say so and reload."""

        def run() -> Any:
            with self.db.write() as s:
                return job(s)

        self._run(run, lambda _r: (self._ok(done_text), self.refresh()))

    def _selected_line(self) -> ChartLineView | None:
        rows = self.lines_view.selectionModel().selectedRows()
        return self.lines.row(rows[0].row()) if rows else None

    def effective_at(self) -> datetime:
        """The chosen local time in the home's zone (never the PC's own clock setting)."""
        d, t = self.effective.date(), self.effective.time()
        local = datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=self.zone)
        return local.astimezone(UTC)

    def line_action(self, kind: str) -> None:
        line, staff, now = self._selected_line(), self.staff_id(), self.effective_at()
        if line is None or staff is None:
            self._fail(EmarError("Choose the line first."))
            return
        reason = self._ask(self, "Chart line", f"Why ({line.medicine})?", None)
        if reason is None:
            return
        if kind == "change":
            try:
                form = self.line_form()
            except EmarError as exc:
                self._fail(exc)
                return
            self._write(
                lambda s: change_line(s, staff, line.id, form, reason, now),
                f"{line.medicine} changed: the new line is pending until checked.",
            )
            return
        action = {"stopped": stop_line, "suspended": suspend_line, "resumed": resume_line}[kind]
        self._write(lambda s: action(s, staff, line.id, reason, now), f"{line.medicine} {kind}.")

    def resident_action(self, kind: str) -> None:
        rid, staff, now = self.chart_resident.currentData(), self.staff_id(), self.clock()
        name = self.chart_resident.currentText()
        if rid is None or staff is None:
            return
        if kind == "away":
            where = self._ask(self, "Away", f"Where is {name}?", ["hospital", "leave"])
            if where:
                self._write(
                    lambda s: start_absence(s, staff, rid, where, now),
                    f"{name}: away ({where}). Due doses show {where[0].upper()}.",
                )
        elif kind == "back":
            self._write(lambda s: end_absence(s, staff, rid, now), f"{name} is back.")
        elif kind == "leave":
            how = self._ask(self, "Leaves the home", f"How does {name} leave?", list(LEAVING))
            if how:
                self._write(
                    lambda s: leave_home(s, staff, rid, how),
                    f"{name}: {how}. The record is kept, read-only.",
                )
        else:
            field_name = self._ask(self, "Edit details", "Which detail?", list(EDITABLE_TEXT))
            value = (
                self._ask(self, "Edit details", f"New {field_name}:", None) if field_name else None
            )
            if field_name and value:
                key = EDITABLE_TEXT[field_name]
                self._write(
                    lambda s: update_resident(s, staff, rid, {key: value}),
                    f"{name}: {field_name} changed (the earlier value is kept).",
                )

    # --- stock ---------------------------------------------------------------------------
    def _stock_tab(self) -> QWidget:
        self.stock_resident = QComboBox()
        self.stock_resident.currentIndexChanged.connect(lambda _i: self._load_stock())
        self.stock = StockModel(self)
        self.stock_view = QTableView()
        self.stock_view.setModel(self.stock)
        self.stock_view.verticalHeader().hide()
        stock_header = self.stock_view.horizontalHeader()
        stock_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        stock_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.stock_resident)
        layout.addWidget(
            QLabel(
                "To book in received stock, scan the pack: its product, batch "
                "and expiry come from the barcode."
            )
        )
        layout.addWidget(self.stock_view, 1)
        self.cycle_start = QDateEdit(displayFormat="dd/MM/yyyy", calendarPopup=True)
        save_cycle = QPushButton("Save cycle start")
        save_cycle.clicked.connect(self.save_cycle_start)
        cycle = QHBoxLayout()
        cycle.addWidget(QLabel("The home's 28-day cycle starts on"))
        cycle.addWidget(self.cycle_start)
        cycle.addWidget(save_cycle)
        cycle.addStretch(1)
        layout.addLayout(cycle)
        buttons = QHBoxLayout()
        for label, kind in (("Count / carry forward…", "count"), ("Return or dispose of…", "out")):
            button = QPushButton(label)
            button.setObjectName(f"stock_{kind}")
            button.clicked.connect(lambda _=False, k=kind: self.stock_action(k))
            buttons.addWidget(button)
        layout.addLayout(buttons)
        return tab

    def save_cycle_start(self) -> None:
        staff = self.staff_id()
        d = self.cycle_start.date()
        start = date(d.year(), d.month(), d.day())
        if staff is not None:
            self._write(
                lambda s: set_cycle_start(s, staff, start),
                f"The 28-day cycle now starts on {start:%d %b %Y}.",
            )

    def stock_action(self, kind: str) -> None:
        rows = self.stock_view.selectionModel().selectedRows()
        row = self.stock.row(rows[0].row()) if rows else None
        staff, now = self.staff_id(), self.clock()
        if row is None or staff is None:
            self._fail(EmarError("Choose the medicine first."))
            return
        try:
            if kind == "count":
                counted = Decimal(
                    self._ask(self, "Count", f"How many {row.medicine}?", None) or "x"
                )
                reason = None
                if counted != row.balance:
                    reason = self._ask(
                        self,
                        "Discrepancy",
                        f"The record says {row.balance.normalize():f}. Why the difference?",
                        None,
                    )
                self._write(
                    lambda s: carry_forward(s, staff, row.chart_line_id, counted, now, reason),
                    f"{row.medicine}: counted {counted.normalize():f}.",
                )
            else:
                how = self._ask(
                    self, "Stock out", "Returned or disposed of?", ["returned", "wasted"]
                )
                amount = Decimal(self._ask(self, "Stock out", "How many?", None) or "x")
                why = self._ask(self, "Stock out", "Why?", list(DISPOSAL_REASONS))
                if how and why:
                    self._write(
                        lambda s: remove_stock(
                            s, staff, row.chart_line_id, amount, now, kind=how, reason=why
                        ),
                        f"{row.medicine}: {amount.normalize():f} {how}.",
                    )
        except ArithmeticError:
            self._fail(EmarError("Type a number."))

    def _load_stock(self) -> None:
        rid = self.stock_resident.currentData()
        if rid is None:
            return
        now = self.clock()

        def fetch() -> list[StockRow]:
            with self.db.read() as s:
                return stock_rows(s, rid, now)

        self.tasks.run_latest("stock", fetch, self.stock.set_rows, self._fail)

    # --- catalogue -------------------------------------------------------------------------
    def _catalogue_tab(self) -> QWidget:
        self.product_name, self.product_form = QLineEdit(), QLineEdit("tablets")
        self.product_strength, self.product_route = QLineEdit(), QLineEdit("oral")
        self.product_unit = QLineEdit("tablet")
        self.product_ingredients = QLineEdit(placeholderText="e.g. bisoprolol 2.5 mg; ...")
        self.product_cd = QComboBox()
        self.product_cd.addItems(["not controlled", "2", "3", "4", "5"])
        self.product_tc = QCheckBox("Time-critical")
        self.product_hr = QCheckBox("High-risk")
        add = QPushButton("Add &product")
        add.clicked.connect(self.add_product)
        self.catalogue_search = QLineEdit(
            placeholderText="Search, then scan a pack to attach its barcode to the chosen product"
        )
        self.catalogue_search.textChanged.connect(self._search_catalogue)
        self.catalogue_results = QListWidget()
        form = QFormLayout()
        for label, field in (
            ("Name", self.product_name),
            ("Form", self.product_form),
            ("Strength", self.product_strength),
            ("Route", self.product_route),
            ("Dose unit", self.product_unit),
            ("Active ingredients", self.product_ingredients),
            ("Controlled drug schedule", self.product_cd),
            ("", self.product_tc),
            ("", self.product_hr),
        ):
            form.addRow(label, field)
        form.addRow(add)
        form.addRow(QLabel("<b>Pack barcodes</b>"))
        form.addRow("Product", self.catalogue_search)
        form.addRow("", self.catalogue_results)
        tab = QWidget()
        tab.setLayout(form)
        return tab

    def add_product(self) -> None:
        staff = self.staff_id()
        try:
            ingredients = []
            for part in self.product_ingredients.text().split(";"):
                if part.strip():
                    name, amount, unit = part.strip().rsplit(" ", 2)
                    ingredients.append((name, Decimal(amount), unit, None))
        except (ValueError, ArithmeticError):
            self._fail(
                EmarError("Write each ingredient as: name amount unit (e.g. paracetamol 500 mg).")
            )
            return
        cd = self.product_cd.currentText()
        product = ProductForm(
            self.product_name.text(),
            self.product_form.text(),
            self.product_route.text(),
            self.product_unit.text(),
            self.product_strength.text() or None,
            ingredients,
            int(cd) if cd.isascii() and cd.isdigit() else None,
            self.product_tc.isChecked(),
            self.product_hr.isChecked(),
        )
        if staff is None:
            return
        self._write(
            lambda s: add_medicine(s, staff, product), f"{product.name} added to the catalogue."
        )

    def _search_catalogue(self, text: str) -> None:
        def fetch() -> list[MedicineView]:
            with self.db.read() as s:
                return search_medicines(s, text) if text.strip() else []

        def show(found: list[MedicineView]) -> None:
            self.catalogue_results.clear()
            for m in found:
                item = QListWidgetItem(f"{m.name}   ({len(m.gtins)} pack barcode(s))")
                item.setData(Qt.ItemDataRole.UserRole, m.id)
                self.catalogue_results.addItem(item)
            if found:
                self.catalogue_results.setCurrentRow(0)

        self._run(fetch, show)

    def _attach_scanned(self, gtin: str) -> None:
        item, staff = self.catalogue_results.currentItem(), self.staff_id()
        if item is None or staff is None:
            self._fail(EmarError("Search for the product first, then scan its pack."))
            return
        med_id = int(item.data(Qt.ItemDataRole.UserRole))
        self._write(
            lambda s: attach_gtin(s, staff, med_id, gtin),
            f"Pack barcode {gtin} attached to {item.text().split('   (')[0]}.",
        )

    def takes_scans(self) -> bool:
        """While the stock or catalogue tab is in front, pack scans are for it."""
        return self.isVisible() and self.tabs.currentIndex() in (2, 3)

    def _on_scan(self, typed: Scan) -> None:
        if not self.takes_scans():
            return
        scan = typed.parsed
        if self.tabs.currentIndex() == 3:
            if scan.kind == "pack" and scan.gtin:
                self._attach_scanned(scan.gtin)
            else:
                self._fail(EmarError(scan.problem or "Scan a medicine pack."))
            return
        if scan.kind != "pack" or not scan.gtin:
            self._fail(EmarError(scan.problem or "Scan a medicine pack to book it in."))
            return
        rid, staff, now = self.stock_resident.currentData(), self.staff_id(), self.clock()
        gtin = scan.gtin

        def find_line() -> tuple[int, str] | None:
            with self.db.read() as s:
                return line_for_pack(s, rid, gtin)

        def got_line(found: tuple[int, str] | None) -> None:
            if found is None or staff is None:
                self._fail(EmarError("This pack is not on this resident's chart."))
                return
            line_id, name = found
            quantity = self._ask_quantity(self, name)
            if quantity is None:
                return

            def job() -> Decimal:
                with self.db.write() as s:
                    return book_in(
                        s, staff, line_id, gtin, quantity, now, batch=scan.batch, expiry=scan.expiry
                    )

            self._run(
                job,
                lambda left: (
                    self._ok(
                        f"Booked in {quantity.normalize():f} of {name}: "
                        f"{left.normalize():f} in stock."
                    ),
                    self._load_stock(),
                ),
            )

        self._run(find_line, got_line)
