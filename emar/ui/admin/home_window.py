"""The Home settings window (issue 22): the home's settings, its not-given codes, its units and
rooms, and the signals' thresholds. Same services and rules as `emar home`/`emar unit`; the
window only collects input, and every question goes through `HomeQuestions` (tests answer)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from emar.domain.home_rules import (
    DOSE_WINDOW,
    FHIR_REASONS,
    IDLE_LOCK,
    TIME_CRITICAL_WINDOW,
    checked_code,
)
from emar.domain.review.thresholds import DEFAULTS, plain
from emar.errors import ValidationError
from emar.infra.db import Session
from emar.services import home as home_service
from emar.services import not_given_codes, rooms
from emar.services.permissions import Action, allowed
from emar.services.residents.health import set_signal_threshold, signal_thresholds
from emar.ui.manage.dialogs import ask
from emar.ui.operations import HOME, RESIDENTS, Desk, QueryOp, WriteOp
from emar.ui.tasks import TaskRunner
from emar.ui.widgets.message_line import MessageLine
from emar.ui.widgets.window_keys import close_with_keys

NOT_SET = QDate(2000, 1, 1)
CHOOSE = "(choose the FHIR reason)"  # listed first, so no reason is filed by default


def confirm(parent: QWidget, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text)
    return answer == QMessageBox.StandardButton.Yes


@dataclass
class HomeQuestions:
    """Every prompt the window puts; tests replace them with answers."""

    ask: Callable[[QWidget, str, str, list[str] | None], str | None] = ask
    confirm: Callable[[QWidget, str, str], bool] = confirm


@dataclass(frozen=True)
class HomeState:
    settings: home_service.HomeSettings
    codes: list[not_given_codes.CodeView]
    units: list[rooms.UnitRooms]
    thresholds: dict[str, Decimal]


def read_state(session: Session) -> HomeState:
    return HomeState(
        home_service.get_home(session),
        not_given_codes.list_codes(session),
        rooms.units_and_rooms(session),
        signal_thresholds(session),
    )


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    return table


def _fill(table: QTableWidget, rows: list[tuple[Any, ...]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(str(value)))
    table.resizeColumnsToContents()


class HomeWindow(QWidget):
    saved = Signal(str)
    failed = Signal(str)
    loaded = Signal()

    def __init__(
        self,
        desk: Desk,
        staff_id: Callable[[], int | None],
        role: Callable[[], str],
        questions: HomeQuestions | None = None,
    ) -> None:
        super().__init__()
        close_with_keys(self)
        self.setWindowTitle("eMAR: home settings")
        self.resize(900, 640)
        self.desk, self.staff_id, self.role = desk, staff_id, role
        self.questions = questions or HomeQuestions()
        self.tasks = TaskRunner(self)
        self.state: HomeState | None = None
        self.message = MessageLine()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._settings_tab(), "&Settings")
        self.tabs.addTab(self._codes_tab(), "&Not-given codes")
        self.tabs.addTab(self._units_tab(), "&Units and rooms")
        self.tabs.addTab(self._thresholds_tab(), "Signal &thresholds")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        self.tabs.currentChanged.connect(lambda _index: self.message.clear())
        desk.changes.happened.connect(self._changed)
        self.refresh()

    # --- tabs -----------------------------------------------------------------------------
    def _settings_tab(self) -> QWidget:
        tab = QWidget()
        self.name = QLineEdit()
        self.zone = QComboBox()
        self.zone.setEditable(True)
        self.zone.addItems(sorted(zoneinfo.available_timezones()))
        completer = QCompleter(self.zone.model(), self.zone)
        completer.setFilterMode(completer.filterMode().MatchContains)
        completer.setCaseSensitivity(completer.caseSensitivity().CaseInsensitive)
        self.zone.setCompleter(completer)
        self.dose_window = QSpinBox(minimum=DOSE_WINDOW[0], maximum=DOSE_WINDOW[1], suffix=" min")
        self.tc_window = QSpinBox(
            minimum=TIME_CRITICAL_WINDOW[0], maximum=TIME_CRITICAL_WINDOW[1], suffix=" min"
        )
        self.idle_lock = QSpinBox(minimum=IDLE_LOCK[0], maximum=IDLE_LOCK[1], suffix=" min")
        self.cycle_start = QDateEdit(displayFormat="dd/MM/yyyy", calendarPopup=True)
        # the lowest date stands for "not set": shown in words, never saved as a date
        self.cycle_start.setMinimumDate(NOT_SET)
        self.cycle_start.setSpecialValueText("not set")
        self.retention = QSpinBox(minimum=1, maximum=3650, suffix=" days")
        self.schedule_4 = QCheckBox("Witness CD Schedule &4 (e.g. benzodiazepines)")
        self.schedule_5 = QCheckBox("Witness CD Schedule &5 (e.g. co-codamol)")
        self.save_button = QPushButton("&Save")
        self.save_button.clicked.connect(self.save_settings)
        cd = QLabel(
            "Controlled drugs of Schedules 2 and 3 always need a witness. The law does not ask "
            "one for Schedules 4 and 5; the home may."
        )
        cd.setWordWrap(True)
        form = QFormLayout(tab)
        form.addRow("Home name", self.name)
        form.addRow("Time zone (dose times follow it)", self.zone)
        form.addRow("Dose window (either side)", self.dose_window)
        form.addRow("Time-critical window", self.tc_window)
        form.addRow("Lock an idle screen after", self.idle_lock)
        form.addRow("Medicines cycle starts", self.cycle_start)
        form.addRow("Keep daily backups for", self.retention)
        form.addRow(cd)
        form.addRow(self.schedule_4)
        form.addRow(self.schedule_5)
        form.addRow(self.save_button)
        return tab

    def _codes_tab(self) -> QWidget:
        tab = QWidget()
        self.codes = _table(["Code", "Label", "FHIR reason", "Note", "In use", "Used", "Core"])
        self.add_code_button = QPushButton("&Add code…")
        self.add_code_button.clicked.connect(self.add_code)
        self.retire_code_button = QPushButton("&Retire")
        self.retire_code_button.clicked.connect(lambda: self.change_code(retire=True))
        self.restore_code_button = QPushButton("Re&store")
        self.restore_code_button.clicked.connect(lambda: self.change_code(retire=False))
        return self._with_buttons(
            tab,
            self.codes,
            self.add_code_button,
            self.retire_code_button,
            self.restore_code_button,
        )

    def _units_tab(self) -> QWidget:
        tab = QWidget()
        self.units = QTreeWidget()
        self.units.setHeaderLabels(["Unit / room", "State", "Who lives there"])
        buttons = []
        for text, slot in (
            ("Add &unit…", self.add_unit),
            ("Re&name unit…", self.rename_unit),
            ("Retire unit", lambda: self.change_unit(retire=True)),
            ("Restore unit", lambda: self.change_unit(retire=False)),
            ("Add r&oom…", self.add_room),
            ("Retire room", lambda: self.change_room(retire=True)),
            ("Restore room", lambda: self.change_room(retire=False)),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.append(button)
        return self._with_buttons(tab, self.units, *buttons)

    def _thresholds_tab(self) -> QWidget:
        tab = QWidget()
        self.thresholds = _table(["Key", "Meaning", "Unit", "Default", "This home"])
        header = self.thresholds.horizontalHeader()
        header.setStretchLastSection(False)
        for column in range(5):
            mode = (
                QHeaderView.ResizeMode.Stretch
                if column == 1
                else QHeaderView.ResizeMode.ResizeToContents
            )
            header.setSectionResizeMode(column, mode)
        self.thresholds.setWordWrap(True)
        self.threshold_button = QPushButton("&Change…")
        self.threshold_button.clicked.connect(self.change_threshold)
        return self._with_buttons(tab, self.thresholds, self.threshold_button)

    @staticmethod
    def _with_buttons(tab: QWidget, view: QWidget, *buttons: QPushButton) -> QWidget:
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(tab)
        layout.addWidget(view, 1)
        layout.addLayout(row)
        return tab

    # --- reading --------------------------------------------------------------------------
    def _changed(self, kind: str) -> None:
        if kind in (HOME, RESIDENTS):
            self.refresh()

    def refresh(self) -> None:
        QueryOp(self, read_state).latest("home").success(self._show).run_in_background()

    def _show(self, state: HomeState) -> None:
        self.state = state
        h = state.settings
        self.name.setText(h.name)
        self.zone.setCurrentText(h.time_zone)
        self.dose_window.setValue(h.dose_window_minutes)
        self.tc_window.setValue(h.time_critical_window_minutes)
        self.idle_lock.setValue(h.idle_lock_minutes)
        start = h.cycle_start_date
        self.cycle_start.setDate(QDate(start.year, start.month, start.day) if start else NOT_SET)
        self.retention.setValue(h.backup_retention_days)
        self.schedule_4.setChecked(h.witness_cd_schedule_4)
        self.schedule_5.setChecked(h.witness_cd_schedule_5)
        yes = {True: "yes", False: ""}
        _fill(
            self.codes,
            [
                (c.code, c.label, c.fhir_reason, yes[c.note_required],
                 "yes" if c.active else "retired", yes[c.used], yes[c.core])
                for c in state.codes
            ],
        )  # fmt: skip
        self.units.clear()
        for u in state.units:
            unit = QTreeWidgetItem([u.unit, "" if u.active else "retired", ""])
            unit.setData(0, 256, ("unit", u.unit_id, u.unit))
            for r in u.rooms:
                room = QTreeWidgetItem(
                    [r.name, "" if r.active else "retired", ", ".join(r.residents)]
                )
                room.setData(0, 256, ("room", u.unit_id, r.name))
                unit.addChild(room)
            self.units.addTopLevelItem(unit)
        self.units.expandAll()
        self.units.resizeColumnToContents(0)
        may = allowed(self.role(), Action.SET_THRESHOLDS)
        self.threshold_button.setEnabled(may)
        _fill(
            self.thresholds,
            [
                (t.key, t.meaning, t.unit, plain(t.default), plain(state.thresholds.get(t.key)))
                for t in DEFAULTS.values()
            ],
        )
        self.thresholds.resizeRowsToContents()
        self.loaded.emit()

    # --- writing --------------------------------------------------------------------------
    def fail(self, exc: BaseException) -> None:
        self.failed.emit(self.message.failure(exc, "not saved"))

    def _write(self, op: Callable[[Session, int], object], said: str) -> None:
        staff = self.staff_id()
        if staff is None:
            return
        WriteOp(self, lambda s: op(s, staff), HOME).success(
            lambda _r: self.saved.emit(self.message.success(said))
        ).run_in_background()

    def save_settings(self) -> None:
        """Only what changed is saved, in one transaction: all or nothing."""
        if self.state is None:
            return
        h = self.state.settings
        d = self.cycle_start.date()
        cycle = date(d.year(), d.month(), d.day()) if d.isValid() and d != NOT_SET else None
        name, zone = self.name.text(), self.zone.currentText().strip()
        windows = (self.dose_window.value(), self.tc_window.value())
        idle, keep = self.idle_lock.value(), self.retention.value()
        cd4, cd5 = self.schedule_4.isChecked(), self.schedule_5.isChecked()
        if zone != h.time_zone and not self.questions.confirm(
            self,
            "Time zone",
            f"Dose times, days and reports will follow {zone} instead of {h.time_zone}. "
            "Change the time zone?",
        ):
            return

        def save(s: Session, by: int) -> None:
            if name != h.name:
                home_service.rename_home(s, by, name)
            if zone != h.time_zone:
                home_service.set_time_zone(s, by, zone)
            if windows != (h.dose_window_minutes, h.time_critical_window_minutes):
                home_service.set_dose_windows(s, by, *windows)
            if idle != h.idle_lock_minutes:
                home_service.set_idle_lock(s, by, idle)
            if cycle is not None and cycle != h.cycle_start_date:
                home_service.set_cycle_start(s, by, cycle)
            if keep != h.backup_retention_days:
                home_service.set_backup_retention(s, by, keep)
            if cd4 != h.witness_cd_schedule_4:
                home_service.set_cd_witness(s, by, 4, cd4)
            if cd5 != h.witness_cd_schedule_5:
                home_service.set_cd_witness(s, by, 5, cd5)

        self._write(save, "The home's settings are saved.")

    def _selected_code(self) -> str | None:
        row = self.codes.currentRow()
        item = self.codes.item(row, 0) if row >= 0 else None
        if item is None:
            self.fail(ValidationError("Choose a code first."))
            return None
        return item.text()

    def add_code(self) -> None:
        ask_ = self.questions.ask
        typed = ask_(self, "New code", "Code (1-4 letters or digits):", None)
        if not typed:
            return
        try:  # a wrong code is refused now, not after every other question
            code = checked_code(typed)
        except ValidationError as exc:
            self.fail(exc)
            return
        label = ask_(self, "New code", f"What {code} means:", None)
        reason = label and ask_(self, "New code", "FHIR reason:", [CHOOSE, *FHIR_REASONS])
        if reason == CHOOSE:
            self.fail(ValidationError(f"Choose the FHIR reason for {code}: nothing was added."))
            return
        note = reason and ask_(self, "New code", "Is a note required?", ["No", "Yes"])
        if not (label and reason and note):
            return
        self._write(
            lambda s, by: not_given_codes.add_code(
                s, by, code, label, reason, note_required=note == "Yes"
            ),
            f"Added not-given code {code}.",
        )

    def change_code(self, *, retire: bool) -> None:
        code = self._selected_code()
        if code is None:
            return
        change = not_given_codes.retire_code if retire else not_given_codes.restore_code
        said = "retired" if retire else "offered again"
        self._write(lambda s, by: change(s, by, code), f"Code {code} {said}.")

    def _selected(self, kind: str) -> tuple[int, str] | None:
        item = self.units.currentItem()
        data = item.data(0, 256) if item is not None else None
        if data and kind == "unit" and data[0] == "room":
            parent = item.parent() if item is not None else None
            data = parent.data(0, 256) if parent is not None else None
        if not data or data[0] != kind:
            self.fail(ValidationError(f"Choose a {kind} first."))
            return None
        return int(data[1]), str(data[2])

    def add_unit(self) -> None:
        name = self.questions.ask(self, "New unit", "Name of the unit:", None)
        if name:
            self._write(
                lambda s, by: home_service.add_unit(s, by, home_service.get_home(s).id, name),
                f"Added unit {name}.",
            )

    def rename_unit(self) -> None:
        chosen = self._selected("unit")
        if chosen is None:
            return
        name = self.questions.ask(self, "Rename unit", f"New name for {chosen[1]}:", None)
        if name:
            self._write(
                lambda s, by: home_service.rename_unit(s, by, chosen[0], name),
                f"{chosen[1]} is now called {name}.",
            )

    def change_unit(self, *, retire: bool) -> None:
        chosen = self._selected("unit")
        if chosen is None:
            return
        change = home_service.retire_unit if retire else home_service.restore_unit
        said = "retired" if retire else "open again"
        self._write(lambda s, by: change(s, by, chosen[0]), f"{chosen[1]} is {said}.")

    def add_room(self) -> None:
        chosen = self._selected("unit")
        if chosen is None:
            return
        name = self.questions.ask(
            self, "New room", f"Room(s) in {chosen[1]} (e.g. G14, or G01-G12, G14):", None
        )
        if name:
            self._write(
                lambda s, by: rooms.add_rooms(s, by, chosen[0], name),
                f"Added room(s) {name} to {chosen[1]}.",
            )

    def change_room(self, *, retire: bool) -> None:
        chosen = self._selected("room")
        if chosen is None:
            return
        change = rooms.retire_room if retire else rooms.restore_room
        said = "retired" if retire else "offered again"
        self._write(lambda s, by: change(s, by, chosen[0], chosen[1]), f"Room {chosen[1]} {said}.")

    def change_threshold(self) -> None:
        row = self.thresholds.currentRow()
        item = self.thresholds.item(row, 0) if row >= 0 else None
        if item is None:
            self.fail(ValidationError("Choose a threshold first."))
            return
        key = item.text()
        t, own = DEFAULTS[key], self.state.thresholds.get(key) if self.state else None
        now = f"this home: {plain(own)}" if own is not None else "this home uses the default"
        value = self.questions.ask(
            self,
            "Threshold",
            f"{key} ({t.meaning}). Default {plain(t.default)} {t.unit}; {now}. New value:",
            None,
        )
        if value:
            self._write(
                lambda s, by: set_signal_threshold(s, by, key, value),
                f"Threshold {key} is now {value}.",
            )
