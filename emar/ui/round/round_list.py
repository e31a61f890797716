"""The left side of the round: residents in room order with what is due, and the alerts to
chase. Choosing a row (or double-clicking an alert) opens that resident."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QModelIndex, Signal
from PySide6.QtWidgets import QHeaderView, QPushButton, QTabWidget

from emar.services.round.alerts import Alert
from emar.services.round.due import ResidentRound
from emar.ui.widgets.layout import list_view, with_buttons
from emar.ui.widgets.table_models import ROW_ROLE, AlertModel, RoundListModel


class RoundList(QTabWidget):
    resident_chosen = Signal(int)  # a person chose this resident (not the list following one)

    def __init__(self) -> None:
        super().__init__()
        self.model = RoundListModel(self)
        self.view = list_view(self.model)
        self.view.verticalHeader().setDefaultSectionSize(60)
        self.view.selectionModel().selectionChanged.connect(self._chosen)
        self.alert_model = AlertModel(self)
        self.alert_view = list_view(self.alert_model)
        self.alert_view.setWordWrap(True)
        self.alert_view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.alert_view.doubleClicked.connect(self._alert_chosen)
        self.prn_outcome_button = QPushButton("Record &PRN outcome…")
        self.addTab(self.view, "&Round")
        self.addTab(with_buttons(self.alert_view, self.prn_outcome_button), "&Alerts")

    def show_round(
        self, rounds: list[ResidentRound], alerts: list[Alert], open_id: int | None
    ) -> None:
        self.alert_model.set_rows(alerts)
        self.alert_view.resizeRowsToContents()
        self.setTabText(1, f"&Alerts ({len(alerts)})")
        self.model.set_rows(rounds)
        self.follow(open_id)
        self.view.resizeColumnsToContents()

    def clear(self) -> None:
        self.model.set_rows([])
        self.alert_model.set_rows([])

    def _alert_chosen(self, index: QModelIndex) -> None:
        resident_id = self.alert_model.row(index.row()).resident_id
        if resident_id is not None:  # the monthly order's reminder is the home's
            self.resident_chosen.emit(resident_id)

    def selected_alert(self) -> Alert | None:
        rows = self.alert_view.selectionModel().selectedRows()
        return self.alert_model.row(rows[0].row()) if rows else None

    def follow(self, resident_id: int | None) -> None:
        """The list follows the open resident, however they were opened (this is not choosing
        one, so it says nothing)."""
        selection = self.view.selectionModel()
        selection.blockSignals(True)
        try:
            for row in range(self.model.rowCount()):
                if self.model.row(row).resident_id == resident_id:
                    self.view.selectRow(row)
                    self.view.scrollTo(self.model.index(row, 0))
                    break
            else:
                self.view.clearSelection()
        finally:
            selection.blockSignals(False)
        self.view.viewport().update()

    def _chosen(self, selected: QItemSelection, _old: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            row: ResidentRound = indexes[0].data(ROW_ROLE)
            self.resident_chosen.emit(row.resident_id)
