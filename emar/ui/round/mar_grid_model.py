"""The paper MAR's 28-day layout as a table model: rows are chart lines at their times, columns
are days, and each cell is what the record says (initials, a code, late, missed)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from emar.domain.doses import DoseState, EntryFacts
from emar.services.charts.mar import MarCell, MarChart

Index = QModelIndex | QPersistentModelIndex
FIXED = 0  # the medicine and time are the row header, so they stay in view when scrolled
COLOURS = {
    DoseState.GIVEN: "#d1e7dd",
    DoseState.NOT_GIVEN: "#e2e3e5",
    DoseState.MISSED: "#f5c2c7",
    DoseState.OVERDUE: "#f8d7da",
    DoseState.AWAY: "#e2e3e5",
    DoseState.DUE: "#fff3cd",
}


def entry_text(e: EntryFacts, zone: ZoneInfo) -> str:
    when = e.administered_at.astimezone(zone).strftime("%d %b %H:%M")
    if e.is_given:
        what = f"Given {e.dose_given.normalize() if e.dose_given is not None else ''} by "
    else:
        what = f"Not given ({e.code} {e.code_label or ''}) by "
    parts = [what + f"{e.staff_name} at {when}"]
    if e.witness_name:
        parts.append(f"witnessed by {e.witness_name}")
    if e.site:
        parts.append(f"site: {e.site}")
    if e.override_reason:
        parts.append(f"OVERRIDE: {e.override_reason}")
    if e.note:
        parts.append(f"note: {e.note}")
    if e.supersedes_id:
        parts.append("(a correction of the entry above)")
    return "; ".join(parts)


class MarGridModel(QAbstractTableModel):
    def __init__(self, zone: ZoneInfo, parent: Any = None) -> None:
        super().__init__(parent)
        self.zone = zone
        self.chart: MarChart | None = None

    def set_chart(self, chart: MarChart | None) -> None:
        self.beginResetModel()
        self.chart = chart
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.chart is None else len(self.chart.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.chart is None else FIXED + len(self.chart.days)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if self.chart is None:
            return None
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self.chart.rows):
            row = self.chart.rows[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{row.medicine}\n{row.dose} {row.route}   {row.time_label}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return row.directions or None
            return None
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if section - FIXED >= len(self.chart.days):
            return None
        day = self.chart.days[section - FIXED]
        return f"{day:%a}\n{day.day}"

    def cell(self, index: Index) -> MarCell | None:
        if self.chart is None or index.column() < FIXED:
            return None
        return self.chart.rows[index.row()].cells[index.column() - FIXED]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.chart is None or index.row() >= len(self.chart.rows):
            return None
        cell = self.cell(index)
        if cell is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == Qt.ItemDataRole.BackgroundRole and cell.state in COLOURS:
            return QBrush(QColor(COLOURS[cell.state]))
        if role == Qt.ItemDataRole.ForegroundRole and cell.state in COLOURS:
            return QBrush(QColor("black"))  # readable on the pastel, whatever the style
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [entry_text(e, self.zone) for e in cell.entries]
            return "\n".join(lines) or cell.state.value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None
