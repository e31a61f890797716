"""What every eMAR report page carries, and the table that wraps instead of overflowing.

Header: home name and report title. Footer: "CONFIDENTIAL" (personal data), printed by whom and
when (with GMT/BST), and "Page N of M" (the total is known only at the end, so pages are kept
and numbered on save).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

MARGIN = 12 * mm
HEADER_H = 12 * mm
FOOTER_H = 10 * mm
CONFIDENTIAL = "CONFIDENTIAL - contains personal data. Keep secure; shred when no longer needed."
GRID = colors.HexColor("#9aa5b1")
HEAD_BG = colors.HexColor("#e3e8ee")
ZEBRA = colors.HexColor("#f6f8fa")

_base = getSampleStyleSheet()
STYLES = {
    "title": ParagraphStyle("title", parent=_base["Heading1"], fontSize=15, spaceAfter=2 * mm),
    "h2": ParagraphStyle("h2", parent=_base["Heading2"], fontSize=11.5, spaceBefore=4 * mm),
    "h3": ParagraphStyle("h3", parent=_base["Heading3"], fontSize=9.5, spaceBefore=3 * mm),
    "body": ParagraphStyle("body", parent=_base["BodyText"], fontSize=8.5, leading=10.5),
    "cell": ParagraphStyle("cell", fontName="Helvetica", fontSize=7.5, leading=9),
    "head": ParagraphStyle("head", fontName="Helvetica-Bold", fontSize=7.5, leading=9),
    "urgent": ParagraphStyle(
        "urgent", fontName="Helvetica-Bold", fontSize=7.5, leading=9, textColor="#b00020"
    ),
    "tiny": ParagraphStyle("tiny", fontName="Helvetica", fontSize=6, leading=7),
    "tiny_bold": ParagraphStyle("tiny_bold", fontName="Helvetica-Bold", fontSize=6, leading=7),
    # letters and summaries read by a GP or an inspector: larger type
    "large": ParagraphStyle("large", fontName="Helvetica", fontSize=9.5, leading=12),
    "large_head": ParagraphStyle("large_head", fontName="Helvetica-Bold", fontSize=9.5, leading=12),
    "letter": ParagraphStyle("letter", parent=_base["BodyText"], fontSize=10, leading=13),
}


@dataclass(frozen=True)
class ReportMeta:
    title: str
    home: str
    printed_by: str
    printed_at: datetime
    zone: ZoneInfo
    audit_head: str | None = None  # the chain's head when printed: a paper checkpoint

    @property
    def printed_text(self) -> str:
        local = self.printed_at.astimezone(self.zone)
        return f"Printed by {self.printed_by} on {local:%d %b %Y at %H:%M} {local:%Z}"


def para(text: object, style: str = "cell") -> Paragraph:
    """Text that wraps within its cell (escaped: names and notes are data, not markup)."""
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), STYLES[style])


PAD = 2.5
FONTS = {
    "cell": ("Helvetica", 7.5, 9.0),
    "tiny": ("Helvetica", 6.0, 7.0),
    "large": ("Helvetica", 9.5, 12.0),
}
HEADS = {"cell": "head", "tiny": "tiny_bold", "large": "large_head"}


@lru_cache(maxsize=65_536)
def wrap_text(text: str, font: str, size: float, width: float) -> str:
    """`text` broken into lines that fit `width` (a word too long for a line is cut), so a
    plain-string cell never runs over its border. Cached: names and medicines repeat."""
    lines: list[str] = []
    for line_text in text.split("\n"):
        for line in simpleSplit(line_text, font, size, width) or [""]:
            while stringWidth(line, font, size) > width and len(line) > 1:
                cut = len(line) - 1
                while cut > 1 and stringWidth(line[:cut], font, size) > width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
            lines.append(line)
    return "\n".join(lines)


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    *,
    style: str = "cell",
    extra: Sequence[tuple[Any, ...]] = (),
) -> Table:
    """A grid whose header repeats on every page and whose cells wrap.

    Text cells are plain strings wrapped here (much faster than a Paragraph per cell, which
    matters for a month's audit); a cell may also be any Flowable (a Paragraph for colour)."""
    font, size, leading = FONTS[style]
    data: list[list[object]] = [[para(h, HEADS[style]) for h in header]]
    inner = [w - 2 * PAD for w in widths]
    data += [
        [
            c if isinstance(c, Flowable) else wrap_text(str(c), font, size, inner[i])
            for i, c in enumerate(row)
        ]
        for row in rows
    ]
    t = Table(data, colWidths=list(widths), repeatRows=1, splitByRow=True)
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
        ("FONT", (0, 1), (-1, -1), font, size, leading),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    t.setStyle(TableStyle([*commands, *extra]))
    return t


def _numbered_canvas(meta: ReportMeta) -> type[Canvas]:
    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._furniture(number, total)
                super().showPage()
            super().save()

        def _furniture(self, number: int, total: int) -> None:
            width, height = self._pagesize
            self.saveState()
            self.setFont("Helvetica-Bold", 9)
            self.drawString(MARGIN, height - MARGIN + 1 * mm, meta.home)
            self.setFont("Helvetica", 9)
            self.drawRightString(width - MARGIN, height - MARGIN + 1 * mm, meta.title)
            self.setStrokeColor(GRID)
            self.line(MARGIN, height - MARGIN - 1 * mm, width - MARGIN, height - MARGIN - 1 * mm)
            self.line(MARGIN, MARGIN + 5 * mm, width - MARGIN, MARGIN + 5 * mm)
            self.setFont("Helvetica-Bold", 7)
            self.drawString(MARGIN, MARGIN + 1.5 * mm, CONFIDENTIAL)
            self.setFont("Helvetica", 7)
            self.drawString(MARGIN, MARGIN - 2 * mm, meta.printed_text)
            if meta.audit_head:
                self.drawRightString(width - MARGIN, MARGIN - 2 * mm, meta.audit_head)
            self.setFont("Helvetica-Bold", 8)
            self.drawRightString(width - MARGIN, MARGIN + 1.5 * mm, f"Page {number} of {total}")
            self.restoreState()

    return NumberedCanvas


def page_size(wide: bool) -> tuple[float, float]:
    return landscape(A4) if wide else A4


def frame_width(wide: bool) -> float:
    return page_size(wide)[0] - 2 * MARGIN - 12  # the frame pads 6 pt each side


def build(out: Path | BinaryIO, meta: ReportMeta, story: list[Flowable], *, wide: bool) -> int:
    """Write the PDF; returns the number of pages."""
    doc = SimpleDocTemplate(
        out if isinstance(out, str) else str(out) if isinstance(out, Path) else out,
        pagesize=page_size(wide),
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 3 * mm,
        bottomMargin=MARGIN + 8 * mm,
        title=meta.title,
        author=meta.printed_by,
        subject=CONFIDENTIAL,
        creator="eMAR",
    )
    doc.build(story, canvasmaker=_numbered_canvas(meta))
    return int(doc.page)
