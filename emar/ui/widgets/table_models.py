"""Table models for the resident list and a resident's chart lines (plain data in, Qt roles out)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from emar.domain.doses import DoseState
from emar.services.charts.reading import ChartLineView
from emar.services.residents.reading import ResidentSummary
from emar.services.round.alerts import Alert
from emar.services.round.due import DueDose, PrnStatus, ResidentRound
from emar.ui.widgets.avatar import initials_avatar

Row = TypeVar("Row")
Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's dataclass, for views that need it all


class RowTableModel(QAbstractTableModel, Generic[Row]):
    """Rows of frozen dataclasses shown through column functions."""

    columns: Sequence[tuple[str, Callable[[Any], str]]] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, index: int) -> Row:
        return self._rows[index]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[index.column()][1](item)
        if role == ROW_ROLE:
            return item
        value = self.extra_data(item, index.column(), role)
        if value is None and role == Qt.ItemDataRole.ForegroundRole:
            # a pastel state colour needs dark text, also under the high-contrast style
            painted = self.extra_data(item, index.column(), Qt.ItemDataRole.BackgroundRole)
            return QBrush(QColor("black")) if painted is not None else None
        return value

    def extra_data(self, item: Row, column: int, role: int) -> Any:
        return None


def _resident_name(r: ResidentSummary) -> str:
    name = f"{r.name} ({r.preferred_name})" if r.preferred_name else r.name
    return f"{name}\nAWAY: in {r.absence}" if r.absence else name


class ResidentListModel(RowTableModel[ResidentSummary]):
    columns = (
        ("Room", lambda r: r.room),
        ("Resident", _resident_name),
        ("Allergies", lambda r: r.allergy_text),
    )

    def extra_data(self, item: ResidentSummary, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DecorationRole and column == 1:
            return initials_avatar(item.name, 40)
        if role == Qt.ItemDataRole.ForegroundRole and column == 2 and item.allergies:
            return QBrush(QColor("#b00020"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{item.name}, room {item.room}. Allergies: {item.allergy_text}"
        return None


def _flags(line: ChartLineView) -> str:
    flags = []
    if line.time_critical:
        flags.append("TIME-CRITICAL")
    if line.controlled:
        flags.append("CD")
    if line.high_risk:
        flags.append("HIGH RISK")
    return " ".join(flags)


class ChartLineModel(RowTableModel[ChartLineView]):
    columns = (
        ("Medicine", lambda v: v.medicine),
        ("Dose", lambda v: v.dose),
        ("Route", lambda v: v.route),
        ("When", lambda v: v.timing),
        ("Directions", lambda v: v.directions or (v.prn_indication or "")),
        ("Flags", _flags),
        ("Status", lambda v: v.status),
        ("In stock", lambda v: f"{v.in_stock.normalize():f}"),
    )

    def extra_data(self, item: ChartLineView, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and column == 6 and item.status != "active":
            return QBrush(QColor("#fff3cd" if item.status == "pending" else "#e2e3e5"))
        if role == Qt.ItemDataRole.ForegroundRole and column == 5 and _flags(item):
            return QBrush(QColor("#8a1c00"))
        if role == Qt.ItemDataRole.ToolTipRole:
            checked = item.checked_by or "not yet checked"
            return (
                f"{item.medicine}: {item.dose} {item.route}, {item.timing}\n"
                f"Prescriber: {item.prescriber} ({item.source})\n"
                f"Transcribed by {item.transcribed_by}; checked by {checked}"
            )
        return None


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n else ""


class RoundListModel(RowTableModel[ResidentRound]):
    """Residents by room with what needs doing, in words as well as colour."""

    columns = (
        ("Room", lambda r: r.room),
        ("Resident", lambda r: f"{r.name}\nAWAY: in {r.away}" if r.away else r.name),
        ("Due now", lambda r: _count(r.count(DoseState.DUE), "due")),
        (
            "Overdue",
            lambda r: _count(r.count(DoseState.OVERDUE) + r.count(DoseState.MISSED), "overdue"),
        ),
        ("PRN", lambda r: _count(sum(p.available for p in r.prn), "available")),
        ("Note", lambda r: "TIME-CRITICAL" if r.time_critical_due else ""),
    )

    def extra_data(self, item: ResidentRound, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DecorationRole and column == 1:
            return initials_avatar(item.name, 40)
        if role == Qt.ItemDataRole.BackgroundRole:
            if column == 3 and (item.count(DoseState.OVERDUE) or item.count(DoseState.MISSED)):
                return QBrush(QColor("#f8d7da"))
            if column == 2 and item.count(DoseState.DUE):
                return QBrush(QColor("#fff3cd"))
            if column == 5 and item.time_critical_due:
                return QBrush(QColor("#f5c2c7"))
        if role == Qt.ItemDataRole.FontRole and column == 5 and item.time_critical_due:
            font = QFont()
            font.setBold(True)
            return font
        return None


class DueDoseModel(RowTableModel[DueDose]):
    """A resident's doses around now: what to give, and why each is in its state."""

    columns = (
        ("Time", lambda d: d.scheduled_at.astimezone(d.zone).strftime("%H:%M")),
        ("Medicine", lambda d: d.medicine + ("  [TIME-CRITICAL]" if d.time_critical else "")),
        ("Dose", lambda d: d.dose),
        ("Route", lambda d: d.route),
        ("State", lambda d: d.why),
    )

    def extra_data(self, item: DueDose, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and column == 4:
            colour = _STATE_COLOURS.get(item.state)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.directions or None
        return None


_STATE_COLOURS = {
    DoseState.DUE: "#fff3cd",
    DoseState.OVERDUE: "#f8d7da",
    DoseState.MISSED: "#f5c2c7",
    DoseState.GIVEN: "#d1e7dd",
    DoseState.NOT_GIVEN: "#e2e3e5",
    DoseState.AWAY: "#e2e3e5",
}


class PrnStatusModel(RowTableModel[PrnStatus]):
    """PRN lines: when the next dose is allowed and how many were taken in 24 hours."""

    columns = (
        ("When required", lambda p: p.medicine + ("  [CD]" if p.controlled else "")),
        ("Dose", lambda p: p.dose),
        ("For", lambda p: p.indication),
        ("Now", lambda p: p.why),
    )

    def extra_data(self, item: PrnStatus, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and column == 3:
            return QBrush(QColor("#d1e7dd" if item.available else "#f8d7da"))
        return None


_ALERT_COLOURS = {
    "missed": "#f5c2c7",
    "time-critical": "#f5c2c7",
    "overdue": "#f8d7da",
    "PRN outcome": "#cfe2ff",
    "stock": "#fff3cd",
    "recommendation": "#e2d9f3",
    "receipt": "#f8d7da",
    "order": "#fff3cd",
}


class AlertModel(RowTableModel[Alert]):
    columns = (
        ("Room", lambda a: a.room),
        ("Resident", lambda a: a.resident),
        ("Alert", lambda a: a.kind.upper()),
        ("What to do", lambda a: a.message),
    )

    def extra_data(self, item: Alert, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and column == 2:
            return QBrush(QColor(_ALERT_COLOURS.get(item.kind, "#ffffff")))
        return None
