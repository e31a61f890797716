"""The reports screen: choose a report and what it covers, make it off the GUI thread (with a
progress bar and Cancel), then open, save or print the PDF."""

from __future__ import annotations

import atexit
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QDateTime, QThread, QTime, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from emar.domain.schedule import DEFAULT_ZONE, local_instant
from emar.errors import EmarError
from emar.infra.db import Session
from emar.reports.data import Scope
from emar.reports.run import ReportKind, ReportMade, ReportRequest, default_period, make_report
from emar.services.home import get_home, list_units
from emar.services.residents.reading import list_residents
from emar.services.round.dose_outcomes import Cancelled
from emar.services.staff.accounts import list_staff
from emar.ui.operations import HOME, RESIDENTS, Desk, QueryOp
from emar.ui.tasks import TaskRunner
from emar.ui.widgets.message_line import MessageLine
from emar.ui.widgets.window_keys import close_with_keys

CHOICES = [
    ("Shift handover", ReportKind.HANDOVER, False),
    ("Administration audit", ReportKind.AUDIT, False),
    ("MAR chart (filled)", ReportKind.MAR, False),
    ("Blank MAR for downtime", ReportKind.MAR, True),
    ("Controlled drugs register", ReportKind.CD_REGISTER, False),
    ("Medication review letter (one resident, for the GP)", ReportKind.MEDICATION_REVIEW, False),
    ("Medicines optimisation", ReportKind.OPTIMISATION, False),
    ("Medicines waste (disposals, cost, avoidable waste)", ReportKind.WASTE, False),
]


@dataclass(frozen=True)
class Choices:
    zone: ZoneInfo
    units: list[tuple[str, int]]
    residents: list[tuple[str, int]]
    staff: list[tuple[str, int]]


class ReportJob(QThread):
    """Runs make_report on its own thread; Cancel is checked between residents."""

    progressed = Signal(int, int)
    made = Signal(object)
    failed = Signal(str)

    def __init__(self, run: Callable[..., ReportMade]) -> None:
        super().__init__()
        self._run = run
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    def run(self) -> None:
        try:
            made = self._run(
                progress=lambda done, total: self.progressed.emit(done, total),
                cancelled=lambda: self._cancel,
            )
        except Cancelled:
            self.failed.emit("Cancelled: no report was made.")
        except Exception as exc:  # shown in the window, not a crash
            self.failed.emit(str(exc))
        else:
            self.made.emit(made)


class ReportsWindow(QWidget):
    done = Signal(str)  # the PDF path
    failed = Signal(str)

    def __init__(
        self,
        desk: Desk,
        staff_id: Callable[[], int | None],
        *,
        save_path: Callable[[QWidget, str], str] | None = None,
    ) -> None:
        super().__init__()
        close_with_keys(self)
        self.setWindowTitle("eMAR: reports")
        self.resize(640, 420)
        self.desk, self.db, self.clock = desk, desk.db, desk.clock
        self.staff_id = staff_id
        self._shown_once = False
        # a resident admitted or a unit added meanwhile joins the lists (a bound method: the
        # connection goes with this window)
        desk.changes.happened.connect(self._changed)
        self._save_path = save_path or _ask_save_path
        self.tasks = TaskRunner(self)
        self.zone = ZoneInfo(DEFAULT_ZONE)
        self.job: ReportJob | None = None
        self.pdf: Path | None = None
        self._folder = Path(tempfile.mkdtemp(prefix="emar-reports-"))  # owner-only (0700)
        # The PDFs hold personal data: gone when eMAR exits (Save as… keeps a copy on purpose).
        atexit.register(shutil.rmtree, self._folder, ignore_errors=True)

        self.kind = QComboBox()
        for label, kind, blank in CHOICES:
            self.kind.addItem(label, (kind, blank))
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.start = QDateTimeEdit(displayFormat="ddd dd/MM/yyyy HH:mm", calendarPopup=True)
        self.end = QDateTimeEdit(displayFormat="ddd dd/MM/yyyy HH:mm", calendarPopup=True)
        self.unit = QComboBox()
        self.resident = QComboBox()
        self.staff = QComboBox()
        self.medicine = QLineEdit(placeholderText="any medicine (or part of its name)")
        self.csv = QCheckBox("Also save the entries as CSV (audit)")
        form = QFormLayout()
        form.addRow("Report", self.kind)
        form.addRow("From", self.start)
        form.addRow("To", self.end)
        form.addRow("Unit", self.unit)
        form.addRow("Resident", self.resident)
        form.addRow("Staff member", self.staff)
        form.addRow("Medicine", self.medicine)
        form.addRow("", self.csv)

        self.make_button = QPushButton("&Make report")
        self.make_button.clicked.connect(self.make)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setValue(0)
        self.open_button = QPushButton("&Open")
        self.open_button.clicked.connect(self.open_pdf)
        self.save_button = QPushButton("&Save as…")
        self.save_button.clicked.connect(self.save_as)
        self.print_button = QPushButton("&Print")
        self.print_button.clicked.connect(self.print_pdf)
        self.print_button.setToolTip("Sends the PDF to this PC's default printer")
        for b in (self.open_button, self.save_button, self.print_button):
            b.setEnabled(False)
        self.message = MessageLine()

        run_row = QHBoxLayout()
        run_row.addWidget(self.make_button)
        run_row.addWidget(self.progress, 1)
        run_row.addWidget(self.cancel_button)
        out_row = QHBoxLayout()
        for b in (self.open_button, self.save_button, self.print_button):
            out_row.addWidget(b)
        out_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(run_row)
        layout.addLayout(out_row)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.refresh()

    def _changed(self, kind: str) -> None:
        if kind in (RESIDENTS, HOME):
            self.refresh()

    def refresh(self) -> None:
        now = self.clock()

        def fetch(s: Session) -> Choices:
            return Choices(
                get_home(s).zone,
                [(u.name, u.id) for u in list_units(s)],
                [(f"{r.room}  {r.name}", r.id) for r in list_residents(s, now)],
                [(f"{m.full_name} ({m.username})", m.id) for m in list_staff(s)],
            )

        QueryOp(self, fetch).latest("choices").success(self._show_choices).run_in_background()

    def _show_choices(self, c: Choices) -> None:
        """The lists, keeping what was chosen in them; the default period the first time only
        (a refresh must not undo a period someone set)."""
        self.zone = c.zone
        for combo, everyone, items in (
            (self.unit, "Whole home", c.units),
            (self.resident, "Every resident", c.residents),
            (self.staff, "Anyone", c.staff),
        ):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everyone, None)
            for label, value in items:
                combo.addItem(label, value)
            combo.setCurrentIndex(max(combo.findData(chosen), 0))
            combo.blockSignals(False)
        if not self._shown_once:
            self._shown_once = True
            self._set_default_period()

    def _kind_changed(self) -> None:
        """Another report: its own default period and filters, and nothing left of the last
        report (its PDF, its message) to open, save or print by mistake."""
        for combo in (self.unit, self.resident, self.staff):
            combo.setCurrentIndex(0)
        self.medicine.clear()
        self.csv.setChecked(False)
        self.pdf = None
        for b in (self.open_button, self.save_button, self.print_button):
            b.setEnabled(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.message.clear()
        self._set_default_period()

    def _set_default_period(self) -> None:
        kind, _blank = self.kind.currentData()
        start, end = default_period(kind, self.clock(), self.zone)
        self.start.setDateTime(_qt(start, self.zone))
        self.end.setDateTime(_qt(end, self.zone))
        self.csv.setEnabled(kind.per_staff)
        self.staff.setEnabled(kind.per_staff)

    def request(self) -> ReportRequest:
        kind, blank = self.kind.currentData()
        scope = Scope(
            _instant(self.start.dateTime(), self.zone),
            _instant(self.end.dateTime(), self.zone),
            self.unit.currentData(),
            self.resident.currentData(),
            self.staff.currentData(),
            self.medicine.text().strip() or None,
        )
        stem = f"{kind.value}-{self.clock():%Y%m%dT%H%M%S}"
        csv_out = (
            self._folder / f"{stem}.csv" if self.csv.isChecked() and self.csv.isEnabled() else None
        )
        return ReportRequest(kind, scope, blank=blank, csv_out=csv_out)

    def make(self) -> None:
        staff = self.staff_id()
        if staff is None or (self.job is not None and self.job.isRunning()):
            return
        request = self.request()
        out = self._folder / f"{request.kind.value}-{self.clock():%Y%m%dT%H%M%S}.pdf"
        if out.exists():
            out.unlink()  # our own earlier copy of the same second, in our private folder
        now = self.clock()
        job = ReportJob(
            lambda progress, cancelled: make_report(
                self.db,
                request,
                out,
                now=now,
                staff_id=staff,
                printed_by="",
                progress=progress,
                cancelled=cancelled,
            )
        )
        job.progressed.connect(self._progressed)
        job.made.connect(self._made)
        job.failed.connect(self._job_failed)
        self.job = job
        self.progress.setRange(0, 0)  # busy until the first figure arrives
        self.make_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        for b in (self.open_button, self.save_button, self.print_button):
            b.setEnabled(False)
        self.message.success("Making the report…")
        job.start()

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _finish_job(self) -> None:
        if self.job is not None:
            self.job.wait(5000)
        self.make_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setRange(0, 1)

    def _made(self, made: ReportMade) -> None:
        self._finish_job()
        self.progress.setValue(1)
        self.pdf = made.path
        for b in (self.open_button, self.save_button):
            b.setEnabled(True)
        self.print_button.setEnabled(shutil.which("lp") is not None)
        extra = f" and {made.csv_rows} entries as CSV" if made.csv_rows is not None else ""
        self.message.success(f"Report ready: {made.pages} page(s){extra}.")
        self.done.emit(str(made.path))

    def _job_failed(self, text: str) -> None:
        self._finish_job()
        self.progress.setValue(0)
        self.failed.emit(self.message.failure(_Message(text), "no report"))

    def fail(self, exc: BaseException) -> None:
        self.failed.emit(self.message.failure(exc, "not loaded"))

    def open_pdf(self) -> None:
        if self.pdf is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.pdf)))

    def save_as(self) -> None:
        pdf = self.pdf
        if pdf is None:
            return
        target = self._save_path(self, pdf.name)
        if not target:
            return

        def copy() -> str:  # on the task pool: a network folder can be slow
            shutil.copyfile(pdf, target)
            csv = pdf.with_suffix(".csv")
            if csv.exists():
                shutil.copyfile(csv, Path(target).with_suffix(".csv"))
            return target

        self.tasks.run(
            copy,
            lambda saved: self.message.success(f"Saved to {saved}."),
            lambda exc: self.failed.emit(self.message.failure(exc, "not saved")),
        )

    def print_pdf(self) -> None:
        lp, pdf = shutil.which("lp"), self.pdf
        if pdf is None or lp is None:
            return

        def send() -> None:  # on the task pool: lp can wait on a print server
            done = subprocess.run(  # noqa: S603 (the system's lp, our own file)
                [lp, str(pdf)], capture_output=True, text=True, timeout=60, check=False
            )
            if done.returncode != 0:
                raise _Message(done.stderr.strip() or "lp failed")

        self.tasks.run(
            send,
            lambda _: self.message.success("Sent to the printer."),
            lambda exc: self.failed.emit(self.message.failure(exc, "not printed")),
        )

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if self.job is not None and self.job.isRunning():
            self.job.cancel()
            self.job.wait(10_000)
        super().closeEvent(event)


class _Message(EmarError):
    """A failure whose text is already meant for a person."""


def _ask_save_path(parent: QWidget, name: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, "Save report", name, "PDF (*.pdf)")
    return path


def _qt(moment: datetime, zone: ZoneInfo) -> QDateTime:
    local = moment.astimezone(zone)
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))


def _instant(value: QDateTime, zone: ZoneInfo) -> datetime:
    d, t = value.date(), value.time()
    return local_instant(date(d.year(), d.month(), d.day()), time(t.hour(), t.minute()), zone)
