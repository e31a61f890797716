"""A long listing drawn straight onto the canvas: the audit's every-entry table.

reportlab's Table re-measures the rest of the table at each page break and starts a text object
per cell; a month's audit has some 80,000 rows x 11 cells. This flowable wraps each cell once
(cached), knows every row's height up front, splits at a page in O(rows on the page), repeats
the header on every page and draws a page's text in one text object. Same look as pdf.table.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

from reportlab.platypus import Flowable

from emar.reports.pdf import GRID, HEAD_BG, PAD, ZEBRA, wrap_text

V_PAD_TOP, V_PAD_BOTTOM = 1.5, 2.0


class RowList(Flowable):
    def __init__(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        font: str = "Helvetica",
        size: float = 6.0,
        leading: float = 7.0,
        _cells: list[list[list[str]]] | None = None,
        _tops: list[float] | None = None,
        _span: tuple[int, int] | None = None,
    ) -> None:
        super().__init__()
        self.widths = list(widths)
        self.font, self.size, self.leading = font, size, leading
        inner = [w - 2 * PAD for w in self.widths]
        self.header = [
            wrap_text(h, "Helvetica-Bold", size, inner[i]).split("\n") for i, h in enumerate(header)
        ]
        if _cells is None:
            _cells = [
                [wrap_text(str(c), font, size, inner[i]).split("\n") for i, c in enumerate(row)]
                for row in rows
            ]
            heights = [self._height(cells) for cells in _cells]
            _tops = [0.0, *accumulate(heights)]  # top of row i, from the listing's start
        assert _tops is not None
        self.cells, self.tops = _cells, _tops
        self.first, self.end = _span or (0, len(_cells))
        self.header_h = self._height(self.header)

    def _height(self, cells: Sequence[Sequence[str]]) -> float:
        return max(len(lines) for lines in cells) * self.leading + V_PAD_TOP + V_PAD_BOTTOM

    def _body(self, first: int, end: int) -> float:
        return self.tops[end] - self.tops[first]

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = sum(self.widths)
        self.height = self.header_h + self._body(self.first, self.end)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        room = avail_height - self.header_h
        # the last row whose bottom still fits
        end = bisect_right(self.tops, self.tops[self.first] + room, self.first, self.end + 1) - 1
        if end <= self.first:
            return []  # not even one row: the frame moves on to the next page
        return [self._part(self.first, end), self._part(end, self.end)]

    def _part(self, first: int, end: int) -> RowList:
        # a fresh flowable sharing the wrapped cells (not a copy of this one's __dict__, which
        # carries platypus's own markers such as _postponed)
        part = RowList.__new__(RowList)
        Flowable.__init__(part)
        for name in ("widths", "font", "size", "leading", "header", "cells", "tops", "header_h"):
            setattr(part, name, getattr(self, name))
        part.first, part.end = first, end
        return part

    def draw(self) -> None:
        c = self.canv
        xs = [0.0, *accumulate(self.widths)]
        total_w = xs[-1]
        height = self.header_h + self._body(self.first, self.end)
        c.saveState()
        # backgrounds: header, then every other row
        c.setFillColor(HEAD_BG)
        c.rect(0, height - self.header_h, total_w, self.header_h, stroke=0, fill=1)
        c.setFillColor(ZEBRA)
        base = self.tops[self.first]
        for i in range(self.first + 1, self.end, 2):
            top = height - self.header_h - (self.tops[i] - base)
            row_h = self.tops[i + 1] - self.tops[i]
            c.rect(0, top - row_h, total_w, row_h, stroke=0, fill=1)
        # grid
        c.setStrokeColor(GRID)
        c.setLineWidth(0.4)
        for x in xs:
            c.line(x, 0, x, height)
        c.line(0, height, total_w, height)
        c.line(0, height - self.header_h, total_w, height - self.header_h)
        for i in range(self.first + 1, self.end + 1):
            y = height - self.header_h - (self.tops[i] - base)
            c.line(0, y, total_w, y)
        # text, one text object for the page
        c.setFillColorRGB(0, 0, 0)
        text = c.beginText()
        text.setFont("Helvetica-Bold", self.size, self.leading)
        self._cells_text(text, self.header, xs, height)
        text.setFont(self.font, self.size, self.leading)
        for i in range(self.first, self.end):
            self._cells_text(
                text, self.cells[i], xs, height - self.header_h - (self.tops[i] - base)
            )
        c.drawText(text)
        c.restoreState()

    def _cells_text(
        self, text, cells: Sequence[Sequence[str]], xs: list[float], top: float
    ) -> None:  # type: ignore[no-untyped-def]
        for col, lines in enumerate(cells):
            y = top - V_PAD_TOP - self.size
            for line in lines:
                if line:
                    text.setTextOrigin(xs[col] + PAD, y)
                    text.textOut(line)
                y -= self.leading
