"""A resident's health facts for the pharmacist's review: conditions that matter to medicines,
the latest observation of each kind (weight, eGFR, INR, a fall...) with the history, and the
monitoring plans. Nothing is rubbed out: each change is a new record
(emar.services.residents.health)."""

from __future__ import annotations

from collections.abc import Sequence

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

from emar.domain.review.facts import CONDITIONS, MONITORING, observation_label, shown_value
from emar.services.residents.health import (
    ResidentHealth,
    add_monitoring_plan,
    end_monitoring_plan,
    record_condition,
    record_observation,
    resident_health,
    resolve_condition,
    withdraw_condition,
    withdraw_observation,
)
from emar.ui.manage.workspace import Host, Lists, ManageTab, fill_residents
from emar.ui.operations import RESIDENTS


def _table(headers: Sequence[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: Sequence[Sequence[str]]) -> None:
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            table.setItem(r, c, QTableWidgetItem(value))


class HealthTab(ManageTab):
    title = "&Health"

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.shown: ResidentHealth | None = None
        self.resident = QComboBox()
        self.resident.currentIndexChanged.connect(lambda _i: self.reload())
        self.conditions = _table(("Condition", "Noted on", "Note", "Recorded by"))
        self.latest = _table(("Latest", "Value", "Observed", "Recorded by"))
        self.plans = _table(("Monitoring", "Every (days)", "For", "Last done", "Next due"))
        self.history = _table(("Observation", "Value", "Observed", "By", "Why"))
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Resident"))
        top.addWidget(self.resident, 1)
        layout.addLayout(top)
        for label, table, buttons in (
            ("Conditions that matter to medicines", self.conditions, (
                ("Add co&ndition…", "condition_add", self.add_condition),
                ("Resol&ved…", "condition_resolve", self.resolve_condition),
                ("Entered in error…", "condition_withdraw", self.withdraw_condition),
            )),
            ("Weight, results and falls (the latest of each)", self.latest, (
                ("Record &observation…", "observation_add", self.add_observation),
                ("Entered in error…", "observation_withdraw", self.withdraw_observation),
            )),
            ("Monitoring plans", self.plans, (
                ("Add &plan…", "plan_add", self.add_plan),
                ("En&d plan…", "plan_end", self.end_plan),
            )),
        ):  # fmt: skip
            layout.addWidget(QLabel(f"<b>{label}</b>"))
            layout.addWidget(table, 1)
            row = QHBoxLayout()
            for text, name, slot in buttons:
                button = QPushButton(text)
                button.setObjectName(f"health_{name}")
                button.clicked.connect(slot)
                row.addWidget(button)
            row.addStretch(1)
            layout.addLayout(row)
        layout.addWidget(QLabel("<b>Every observation</b> (newest first: nothing is rubbed out)"))
        layout.addWidget(self.history, 1)

    def show_lists(self, lists: Lists) -> None:
        fill_residents(self.resident, lists.residents)
        self.reload()

    def reload(self) -> None:
        self.read_for_resident(
            self.resident,
            "health",
            lambda s, rid, _now: resident_health(s, rid, include_history=True),
            self.show_health,
        )

    def _when(self, at: object) -> str:
        return "" if at is None else f"{at.astimezone(self.host.zone):%d/%m/%Y %H:%M}"  # type: ignore[attr-defined]

    def show_health(self, found: ResidentHealth) -> None:
        self.shown = found
        _fill(self.conditions, [
            (c.label, f"{c.noted_on:%d/%m/%Y}" if c.noted_on else "", c.note or "", c.recorded_by)
            for c in found.conditions
        ])  # fmt: skip
        _fill(self.latest, [
            (o.label, f"{shown_value(o.kind, o.value)} {o.unit or ''}".strip(),
             self._when(o.observed_at), o.recorded_by)
            for o in found.latest
        ])  # fmt: skip
        _fill(self.plans, [
            (p.label, str(p.every_days), p.medicine or "the resident", self._when(p.last_done),
             f"{p.due_on:%d/%m/%Y}" if p.due_on else "now (never done)")
            for p in found.plans
        ])  # fmt: skip
        _fill(self.history, [
            (o.label, shown_value(o.kind, o.value), self._when(o.observed_at), o.recorded_by,
             o.change_reason or "")
            for o in found.observations
        ])  # fmt: skip

    def _staff_and_resident(self) -> tuple[int, int] | None:
        staff, rid = self.host.staff_id(), self.resident.currentData()
        if staff is None:
            self.refuse("Sign in first.")
            return None
        return None if rid is None else (staff, rid)

    def _selected(self, table: QTableWidget, what: str) -> int | None:
        rows = table.selectionModel().selectedRows()
        if self.shown is None or not rows:
            self.refuse(f"Choose the {what} first.")
            return None
        return rows[0].row()

    def _why(self, title: str) -> str | None:
        return self.ask.ask(self, title, "Why? This stays in the record.", None)

    # --- conditions -----------------------------------------------------------------------
    def add_condition(self) -> None:
        who = self._staff_and_resident()
        if who is None:
            return
        labels = {label: key for key, label in CONDITIONS.items()}
        chosen = self.ask.ask(self, "Add condition", "Condition:", list(labels))
        if chosen is None or chosen not in labels:
            return
        staff, rid = who
        key = labels[chosen]
        self.write(lambda s: record_condition(s, staff, rid, key), RESIDENTS, f"{chosen} recorded.")

    def resolve_condition(self) -> None:
        self._close_condition(False)

    def withdraw_condition(self) -> None:
        self._close_condition(True)

    def _close_condition(self, in_error: bool) -> None:
        staff, row = self.host.staff_id(), self._selected(self.conditions, "condition")
        if staff is None or row is None or self.shown is None:
            return
        c = self.shown.conditions[row]
        why = self._why("Entered in error" if in_error else "Resolved")
        if not why:
            return
        action = withdraw_condition if in_error else resolve_condition
        done = "marked entered in error" if in_error else "resolved"
        self.write(lambda s: action(s, staff, c.id, why), RESIDENTS, f"{c.label} {done} (kept).")

    # --- observations ---------------------------------------------------------------------
    def add_observation(self) -> None:
        who = self._staff_and_resident()
        if who is None:
            return
        staff, rid = who
        now = self.host.desk.clock()
        form = self.ask.ask_observation(self, now, self.host.zone)
        if form is None:
            return
        self.write(
            lambda s: record_observation(
                s, staff, rid, form.kind, form.value, form.observed_at, note=form.note, now=now
            ),
            RESIDENTS,
            f"Recorded: {observation_label(form.kind)}.",
        )

    def withdraw_observation(self) -> None:
        staff, row = self.host.staff_id(), self._selected(self.latest, "observation")
        if staff is None or row is None or self.shown is None:
            return
        o = self.shown.latest[row]
        why = self._why("Entered in error")
        if why:
            self.write(
                lambda s: withdraw_observation(s, staff, o.id, why),
                RESIDENTS,
                f"{o.shown} marked entered in error (kept).",
            )

    # --- monitoring plans -----------------------------------------------------------------
    def add_plan(self) -> None:
        who = self._staff_and_resident()
        if who is None:
            return
        staff, rid = who
        labels = {
            f"{observation_label(k)} (usually every {d} days)": k for k, d in MONITORING.items()
        }
        chosen = self.ask.ask(self, "Add monitoring plan", "Monitoring:", list(labels))
        if chosen is None or chosen not in labels:
            return
        kind = labels[chosen]
        days = self.ask.ask(
            self, "Add monitoring plan", f"Every how many days? ({MONITORING[kind]})", None
        )
        self.write(
            lambda s: add_monitoring_plan(s, staff, rid, kind, days),
            RESIDENTS,
            f"{observation_label(kind)} monitoring planned.",
        )

    def end_plan(self) -> None:
        staff, row = self.host.staff_id(), self._selected(self.plans, "monitoring plan")
        if staff is None or row is None or self.shown is None:
            return
        p = self.shown.plans[row]
        why = self._why("End monitoring plan")
        if why:
            self.write(
                lambda s: end_monitoring_plan(s, staff, p.id, why),
                RESIDENTS,
                f"{p.label} monitoring ended (kept).",
            )
