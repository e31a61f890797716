"""A resident's allergies: the active ones (who recorded each and when, and whether eMAR knows
the substance or matches it by name only), adding one, changing, resolving or withdrawing one
(each asks why), "no known allergies", and the history of every record. Nothing is rubbed out:
each change is a new record (emar.services.residents.allergies)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from emar.infra.db import Session
from emar.services.residents.allergies import (
    AllergyForm,
    AllergyRecorded,
    AllergyView,
    ResidentAllergies,
    change_allergy,
    list_allergies,
    record_allergy,
    record_no_known_allergies,
    resolve_allergy,
    withdraw_allergy,
)
from emar.ui.manage.workspace import Host, Lists, ManageTab, fill_residents
from emar.ui.operations import RESIDENTS, WriteOp

COLUMNS = ("Allergic to", "Reaction", "Severity", "Recorded by", "When", "eMAR matches it")


def _when(a: AllergyView, zone: object) -> str:
    return f"{a.recorded_at.astimezone(zone):%d/%m/%Y %H:%M}"  # type: ignore[arg-type]


class AllergyTab(ManageTab):
    title = "All&ergies"

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.shown: ResidentAllergies | None = None
        self.resident = QComboBox()
        self.resident.currentIndexChanged.connect(lambda _i: self.reload())
        self.summary = QLabel("")
        self.summary.setObjectName("bannerAllergies")  # the banner's red, green and amber
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.history = QTableWidget(0, 5)
        self.history.setHorizontalHeaderLabels(["Allergic to", "Status", "By", "When", "Why"])
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.verticalHeader().hide()
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        buttons = QHBoxLayout()
        for label, name, slot in (
            ("Add aller&gy…", "add", self.add),
            ("C&hange…", "change", self.change),
            ("&Resolve…", "resolve", self.resolve),
            ("E&ntered in error…", "withdraw", self.withdraw),
            ("No &known allergies", "none_known", self.none_known),
        ):
            button = QPushButton(label)
            button.setObjectName(f"allergy_{name}")
            button.setMinimumHeight(40)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Resident"))
        top.addWidget(self.resident, 1)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 2)
        layout.addLayout(buttons)
        layout.addWidget(
            QLabel("<b>History</b> (every record, oldest first: nothing is rubbed out)")
        )
        layout.addWidget(self.history, 2)

    def show_lists(self, lists: Lists) -> None:
        fill_residents(self.resident, lists.residents)
        self.reload()

    def reload(self) -> None:
        self.read_for_resident(
            self.resident,
            "allergies",
            lambda s, rid, _now: list_allergies(s, rid, include_history=True),
            self.show_allergies,
        )

    def show_allergies(self, found: ResidentAllergies) -> None:
        self.shown = found
        zone = self.host.zone
        self.summary.setText(("ALLERGIES: " if found.active else "") + found.summary)
        state = "allergy" if found.active else "none" if found.no_known_allergies else "unknown"
        self.summary.setProperty("state", state)
        self.summary.style().unpolish(self.summary)
        self.summary.style().polish(self.summary)
        self.table.setRowCount(len(found.active))
        for row, a in enumerate(found.active):
            cells = (
                a.substance,
                a.reaction or "",
                a.severity or "",
                a.recorded_by or "(before records were signed)",
                _when(a, zone),
                "by name only: NOT CODED" if not a.coded else "through its ingredients/group",
            )
            for column, value in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(value))
        chains = [a for chain in found.history for a in chain]
        self.history.setRowCount(len(chains))
        for row, a in enumerate(chains):
            cells = (a.shown, a.status, a.recorded_by, _when(a, zone), a.change_reason or "")
            for column, value in enumerate(cells):
                self.history.setItem(row, column, QTableWidgetItem(value))

    def selected(self) -> AllergyView | None:
        rows = self.table.selectionModel().selectedRows()
        if self.shown is None or not rows:
            self.refuse("Choose the allergy first.")
            return None
        return self.shown.active[rows[0].row()]

    def _name(self) -> str:
        shown = self.shown
        return shown.resident if shown and shown.resident_id == self.resident.currentData() else ""

    def _staff(self) -> int | None:
        staff = self.host.staff_id()
        if staff is None:
            self.refuse("Sign in first.")
        return staff

    def add(self) -> None:
        rid, staff = self.resident.currentData(), self._staff()
        if rid is None or staff is None:
            return
        form = self.ask.ask_allergy(self, None)
        if form is not None:
            now = self.host.desk.clock()
            self._write(
                lambda s: record_allergy(s, staff, rid, form, now=now),
                f"{form.substance.strip()} recorded for {self._name()}.",
            )

    def change(self) -> None:
        a, staff = self.selected(), self._staff()
        if a is None or staff is None:
            return
        current = AllergyForm(a.substance, a.reaction, a.severity, a.criticality, a.category)
        form = self.ask.ask_allergy(self, current)
        reason = self._reason("Change allergy", a) if form is not None else None
        if form is not None and reason:
            now = self.host.desk.clock()
            self._write(
                lambda s: change_allergy(s, staff, a.id, form, reason, now=now),
                f"{a.substance} changed (the earlier record is kept).",
            )

    def resolve(self) -> None:
        self._close("Resolve allergy", resolve_allergy, "resolved")

    def withdraw(self) -> None:
        self._close("Entered in error", withdraw_allergy, "marked entered in error")

    def _close(
        self, title: str, action: Callable[[Session, int, int, str], int], done: str
    ) -> None:
        a, staff = self.selected(), self._staff()
        reason = self._reason(title, a) if a is not None and staff is not None else None
        if a is None or staff is None or not reason:
            return
        self.write(
            lambda s: action(s, staff, a.id, reason),
            RESIDENTS,
            f"{a.substance} {done} (the record is kept).",
        )

    def _reason(self, title: str, a: AllergyView) -> str | None:
        return self.ask.ask(self, title, f"Why ({a.shown})? This stays in the record.", None)

    def none_known(self) -> None:
        rid, staff = self.resident.currentData(), self._staff()
        if rid is None or staff is None:
            return
        name = self._name()
        self.write(
            lambda s: record_no_known_allergies(s, staff, rid),
            RESIDENTS,
            f"{name}: no known allergies recorded.",
        )

    def _write(self, op: Callable[[Session], AllergyRecorded], what: str) -> None:
        """Saved; the chart lines it now conflicts with are said loudly (the round stops them
        at every scan from now on)."""
        WriteOp(self.host, op, RESIDENTS).success(
            lambda done: self._recorded(done, what)
        ).run_in_background()

    def _recorded(self, done: AllergyRecorded, what: str) -> None:
        if done.lines:
            self.host.warn(done.message(what))
        else:
            self.host.ok(done.message(what))
