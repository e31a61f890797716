"""Chart lines: transcribing a line (pending until a second person checks it), the check with
the checker's PIN, stopping, suspending, resuming and changing lines, and the resident's own
changes (away, back, details, leaving). A medicine the resident is allergic to is shown in red
as soon as it is chosen (a possible cross-sensitivity in amber); transcribing it asks why, and
the checker confirms it on screen before signing."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from emar.domain.schedule import local_instant
from emar.errors import EmarError
from emar.infra.db import Session
from emar.services.charts.allergy_checks import (
    AllergyWarning,
    line_allergy_conflicts,
    medicine_allergy_conflicts,
)
from emar.services.charts.catalogue import MedicineView, search_medicines
from emar.services.charts.editing import (
    LineForm,
    Transcribed,
    change_line,
    check_chart_line,
    resume_line,
    stop_line,
    suspend_line,
    transcribe_line,
)
from emar.services.charts.reading import ChartLineView, resident_chart
from emar.services.home import UnitView
from emar.services.staff.signing import Signature
from emar.ui.manage.resident_actions import resident_actions
from emar.ui.manage.workspace import Host, Lists, ManageTab, fill_residents
from emar.ui.operations import CHARTS, QueryOp, WriteOp
from emar.ui.widgets.table_models import ChartLineModel

TIMINGS = {
    "Times of day": "times_of_day",
    "Days of the week": "weekdays",
    "Every N days": "every_n_days",
    "Every N hours": "every_n_hours",
    "When required (PRN)": "prn",
}
LINE_ACTIONS = {"stopped": stop_line, "suspended": suspend_line, "resumed": resume_line}


class ChartTab(ManageTab):
    title = "&Chart lines"

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.units: list[UnitView] = []
        self.resident = QComboBox()
        self.resident.currentIndexChanged.connect(lambda _i: self.reload())
        self.search = QLineEdit(placeholderText="Type to search the catalogue…")
        self.search.textChanged.connect(self._search)
        self.results = QListWidget()
        self.results.setMaximumHeight(120)
        self.results.currentItemChanged.connect(lambda *_: self._medicine_chosen())
        self.allergy_alert = QLabel("")
        self.allergy_alert.setObjectName("allergyAlert")
        self.allergy_alert.setWordWrap(True)
        self.allergy_alert.hide()
        # which medicine the line will be for, said in words once checked against allergies
        self.chosen = QLabel("")
        self.chosen.setObjectName("chosenMedicine")
        self.chosen.setWordWrap(True)
        self.conflicts: tuple[int | None, list[AllergyWarning]] = (None, [])
        self.keep_selected: int | None = None
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
        add = QPushButton("Add li&ne (pending until checked)")
        add.clicked.connect(self.add_line)
        self.lines = ChartLineModel(self)
        self.lines_view = self._lines_view()
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
        right = QVBoxLayout()
        right.addWidget(QLabel("<b>Chart</b> (pending lines cannot be given until checked)"))
        right.addWidget(self.lines_view, 1)
        right.addWidget(check)
        right.addLayout(effective_row)
        right.addLayout(line_actions)
        right.addWidget(QLabel("<b>Resident</b>"))
        right.addLayout(resident_actions(self))
        layout = QHBoxLayout(self)
        layout.addWidget(self._form(add), 2)
        layout.addLayout(right, 3)

    def _form(self, add: QPushButton) -> QWidget:
        form = QFormLayout()
        form.addRow("&Resident", self.resident)
        form.addRow("&Medicine", self.search)
        form.addRow("", self.results)
        form.addRow(self.chosen)
        form.addRow(self.allergy_alert)
        doses = QHBoxLayout()
        doses.addWidget(self.dose_min)
        doses.addWidget(QLabel("to"))
        doses.addWidget(self.dose_max)
        form.addRow("Dose", doses)
        for label, field in (
            ("Choosing the dose", self.dose_choice),
            ("&Timing", self.timing),
            ("T&imes", self.times),
            ("Weekdays", self.weekdays),
            ("Every N (days or hours)", self.every),
            ("PRN: for", self.prn_for),
            ("PRN: at least", self.prn_gap),
            ("PRN: max in 24 h", self.prn_max),
            ("Directions", self.directions),
            ("Prescri&ber", self.prescriber),
            ("So&urce", self.source),
            ("Course length", self.course),
        ):
            form.addRow(label, field)
        form.addRow(add)
        left = QWidget()
        left.setLayout(form)
        return left

    def _lines_view(self) -> QTableView:
        view = QTableView()
        view.setModel(self.lines)
        view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        view.verticalHeader().hide()
        view.setWordWrap(True)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = view.horizontalHeader()
        header.moveSection(6, 0)  # status first: "pending" is what this screen is about
        for column in (2, 4, 5):  # route, directions, flags: on the round screens already
            view.hideColumn(column)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        return view

    def show_lists(self, lists: Lists) -> None:
        self.units = lists.units  # where a resident may move
        local_now = self.host.desk.clock().astimezone(lists.home.zone)
        self.effective.setDateTime(
            QDateTime(
                QDate(local_now.year, local_now.month, local_now.day),
                QTime(local_now.hour, local_now.minute),
            )
        )
        fill_residents(self.resident, lists.residents)
        self.reload()

    def reload(self) -> None:
        self.read_for_resident(self.resident, "chart", resident_chart, self._show_chart)
        self._medicine_chosen()

    def _medicine_chosen(self) -> None:
        """The chosen medicine against the resident's allergies, before anything is saved."""
        item, rid = self.results.currentItem(), self.resident.currentData()
        if item is None or rid is None:
            self._show_conflicts(None, [])
            return
        self.chosen.setText("")  # until the allergy check answers
        mid = int(item.data(Qt.ItemDataRole.UserRole))
        QueryOp(self.host, lambda s: medicine_allergy_conflicts(s, rid, mid)).latest(
            "allergy"
        ).success(lambda found: self._show_conflicts(mid, found)).run_in_background()

    def _show_conflicts(self, medicine_id: int | None, found: list[AllergyWarning]) -> None:
        self.conflicts = (medicine_id, found)
        item = self.results.currentItem()
        if medicine_id is None or item is None:
            self.chosen.setText("")
        else:
            checked = "allergies: see below" if found else "no conflict with the allergies"
            self.chosen.setText(f"Chosen: {item.text()} ({checked})")
        self.allergy_alert.setVisible(bool(found))
        self.allergy_alert.setText("\n".join(w.message for w in found))
        stop = any(w.stop for w in found)
        self.allergy_alert.setProperty("state", "stop" if stop else "caution")
        self.allergy_alert.style().unpolish(self.allergy_alert)
        self.allergy_alert.style().polish(self.allergy_alert)

    def _show_chart(self, lines: list[ChartLineView]) -> None:
        chosen = self.selected_line()
        wanted = self.keep_selected or (chosen.id if chosen else None)
        self.keep_selected = None
        self.lines.set_rows(lines)
        self.lines_view.resizeRowsToContents()
        ids = [line.id for line in lines]
        if wanted in ids:  # a reload keeps the line chosen (or chooses the one just added)
            self.lines_view.selectRow(ids.index(wanted))

    def _search(self, text: str) -> None:
        # latest: an older search answering late must not replace the medicine now chosen
        QueryOp(self.host, lambda s: search_medicines(s, text) if text.strip() else []).latest(
            "search"
        ).success(self._show_results).run_in_background()

    def _show_results(self, found: list[MedicineView]) -> None:
        self.results.clear()
        for m in found:
            item = QListWidgetItem(m.name + ("  [CD]" if m.controlled else ""))
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            self.results.addItem(item)
        if found:
            self.results.setCurrentRow(0)

    def line_form(self) -> LineForm:
        item = self.results.currentItem()
        if item is None:
            raise EmarError("Choose the medicine from the catalogue search.")
        timing = TIMINGS[self.timing.currentText()]
        every = self.every.value() or None
        return LineForm(
            medicine_id=int(item.data(Qt.ItemDataRole.UserRole)),
            dose_min=Decimal(str(self.dose_min.value())),
            dose_max=Decimal(str(self.dose_max.value())),
            timing=timing,
            times_of_day=self.times.text() if timing != "prn" else None,
            weekdays=self.weekdays.text() or None,
            every_n_days=every if timing == "every_n_days" else None,
            every_n_hours=every if timing == "every_n_hours" else None,
            starts_at=self.host.desk.clock(),
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
        staff, rid = self.host.staff_id(), self.resident.currentData()
        try:
            if staff is None:
                raise EmarError("Sign in first.")
            form = self.line_form()
        except EmarError as exc:
            self.fail(exc)
            return
        medicine_id, found = self.conflicts
        stops = [w.message for w in found if w.stop] if medicine_id == form.medicine_id else []
        if stops:
            form.allergy_acknowledged = self.ask.ask(
                self,
                "Allergy",
                "\n".join(stops) + "\n\nTranscribe it anyway? Say why (e.g. the prescriber "
                "confirmed it knowing of the allergy):",
                None,
            )
            if not form.allergy_acknowledged:
                return
        self.write(lambda s: transcribe_line(s, staff, rid, form), CHARTS, self._added)

    def _added(self, done: Transcribed) -> str:
        self.keep_selected = done.line_id  # chosen when the chart reloads: ready to check
        said = " ".join(w.message for w in done.allergy)
        return "Line added: it is pending until a second person checks it." + (
            f" {said}" if said else ""
        )

    def selected_line(self) -> ChartLineView | None:
        rows = self.lines_view.selectionModel().selectedRows()
        return self.lines.row(rows[0].row()) if rows else None

    def check_selected(self) -> None:
        line = self.selected_line()
        if line is None:
            self.refuse("Choose the line to check.")
            return
        QueryOp(self.host, lambda s: line_allergy_conflicts(s, line.id)).success(
            lambda found: self._check(line, found)
        ).run_in_background()

    def _check(self, line: ChartLineView, found: list[AllergyWarning]) -> None:
        """The checker sees every allergy conflict and confirms it before signing."""
        messages = [w.message for w in found]
        if messages and not self.ask.confirm_allergy(self, "Second check: allergy", messages):
            return
        answer = self.ask.ask_checker(self)
        if answer is None:
            return
        username, pin = answer
        now = self.host.desk.clock()

        def check(s: Session) -> None:
            signature = Signature(username, pin)
            check_chart_line(s, signature, line.id, now, allergy_confirmed=bool(messages))

        WriteOp(self.host, check, CHARTS).signed().success(
            lambda _r: self.host.ok(f"{line.medicine} checked: it can now be given.")
        ).run_in_background()

    def effective_at(self) -> datetime:
        """The chosen local time in the home's zone (never the PC's own clock setting)."""
        d, t = self.effective.date(), self.effective.time()
        return local_instant(
            date(d.year(), d.month(), d.day()), time(t.hour(), t.minute()), self.host.zone
        )

    def line_action(self, kind: str) -> None:
        line, staff, at = self.selected_line(), self.host.staff_id(), self.effective_at()
        if line is None or staff is None:
            self.refuse("Choose the line first.")
            return
        reason = self.ask.ask(self, "Chart line", f"Why ({line.medicine})?", None)
        if reason is None:
            return
        if kind == "change":
            try:
                form = self.line_form()
            except EmarError as exc:
                self.fail(exc)
                return
            self.write(
                lambda s: change_line(s, staff, line.id, form, reason, at),
                CHARTS,
                f"{line.medicine} changed: the new line is pending until checked.",
            )
            return
        action = LINE_ACTIONS[kind]
        self.write(
            lambda s: action(s, staff, line.id, reason, at), CHARTS, f"{line.medicine} {kind}."
        )
