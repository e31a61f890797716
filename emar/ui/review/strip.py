"""A chart line's use drawn as a strip: one cell a day, oldest on the left, today on the right.
A regular line's cell is split from the bottom up by its doses' outcomes (two of three given,
one refused: two-thirds green under one-third red); a PRN line's cell is a bar as high as the
doses given that day, with the number on it when there is room."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolTip, QWidget

from emar.domain.review.line_use import OUTCOMES, DayUse
from emar.ui.widgets.style import USE_COLOURS, USE_WORDS

EMPTY = QColor("#ffffff")
GRID = QColor("#b0b7bf")
PRN = QColor(USE_COLOURS["prn"])


class UseStrip(QWidget):
    """Days of one line, `cell` pixels wide each."""

    def __init__(self, days: Sequence[DayUse], is_prn: bool, cell: int, height: int = 30) -> None:
        super().__init__()
        self.days, self.is_prn, self.cell = tuple(days), is_prn, cell
        self.prn_top = max([d.prn for d in self.days] + [4])  # a bar's full height
        self.setFixedSize(QSize(cell * len(self.days) + 1, height))
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        total = sum(d.prn for d in self.days) if is_prn else sum(d.doses for d in self.days)
        self.setAccessibleName(
            f"{len(self.days)} days: "
            + (f"{total} PRN doses" if is_prn else f"{total} doses recorded or missed")
        )

    def segments(self, index: int) -> list[tuple[str, int]]:
        """The day's outcomes as (colour name, count), bottom first; for a PRN line its bar."""
        day = self.days[index]
        if self.is_prn:
            extra = [(o, day.count(o)) for o in OUTCOMES if day.count(o)]
            return ([("prn", day.prn)] if day.prn else []) + extra
        return [(o, day.count(o)) for o in reversed(OUTCOMES) if day.count(o)]

    def cell_rect(self, index: int) -> QRect:
        return QRect(index * self.cell, 0, self.cell, self.height() - 1)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), EMPTY)
        h = self.height() - 1
        for i in range(len(self.days)):
            rect = self.cell_rect(i)
            inner = rect.adjusted(1, 1, 0, 0)
            if self.is_prn:
                self._paint_prn(painter, i, inner)
            else:
                self._paint_doses(painter, i, inner)
        painter.setPen(QPen(GRID, 1))
        painter.drawRect(0, 0, self.cell * len(self.days), h)
        if self.cell >= 6:  # a line between days, where they are wide enough to tell apart
            for i in range(1, len(self.days)):
                painter.drawLine(i * self.cell, 0, i * self.cell, h)
        painter.end()

    def _paint_doses(self, painter: QPainter, index: int, inner: QRect) -> None:
        parts = self.segments(index)
        total = sum(n for _, n in parts)
        if not total:
            return
        bottom, height = inner.bottom() + 1, inner.height()
        for k, (outcome, n) in enumerate(parts):
            share = height * n // total if k < len(parts) - 1 else bottom - inner.top()
            painter.fillRect(inner.left(), bottom - share, inner.width(), share,
                             QColor(USE_COLOURS[outcome]))  # fmt: skip
            bottom -= share

    def _paint_prn(self, painter: QPainter, index: int, inner: QRect) -> None:
        day = self.days[index]
        if not day.prn:
            if day.not_required:
                painter.fillRect(inner, QColor(USE_COLOURS["not_required"]))
            return
        bar = max(4, inner.height() * min(day.prn, self.prn_top) // self.prn_top)
        painter.fillRect(inner.left(), inner.bottom() + 1 - bar, inner.width(), bar, PRN)
        if self.cell >= 9:
            painter.setPen(QColor("#ffffff") if bar > 14 else QColor("#000000"))
            font = painter.font()
            font.setPixelSize(min(11, self.cell))
            font.setBold(True)
            painter.setFont(font)
            painter.drawText(inner, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                             str(day.prn))  # fmt: skip

    def day_at(self, x: int) -> DayUse | None:
        index = x // self.cell
        return self.days[index] if 0 <= index < len(self.days) else None

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            day = self.day_at(event.pos().x())
            if day is not None:
                QToolTip.showText(event.globalPos(), day.words(), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)


def legend() -> QWidget:
    """What each colour means, in words."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    for key in ("given", "late", "refused", "withheld", "not_given", "missed", "not_required",
                "away", "prn"):  # fmt: skip
        swatch = QLabel()
        swatch.setFixedSize(16, 16)
        swatch.setStyleSheet(f"background: {USE_COLOURS[key]}; border: 1px solid #555;")
        row.addWidget(swatch)
        row.addWidget(QLabel(USE_WORDS[key]))
        row.addSpacing(8)
    row.addStretch(1)
    return box
