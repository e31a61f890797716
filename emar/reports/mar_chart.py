"""The 28-day MAR chart on paper: the downtime fallback and the record a pharmacist reads.

One landscape page (or more) per resident: a banner with photo, allergies and the resident's
barcode, then a row per chart line and time, a column per day. Cells carry initials or codes;
grey cells are doses not due that day. A blank chart prints the same rows with empty boxes.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, PageBreak, Paragraph, Table, TableStyle

from emar.domain.doses import DoseState
from emar.reports.mar_chart_data import MarData, MarSheet
from emar.reports.pdf import GRID, HEAD_BG, STYLES, ReportMeta, build, frame_width, para, table
from emar.services.charts.mar import MarCell, MarRow

NOT_DUE = colors.HexColor("#d9dde2")
MISSED_BG = colors.HexColor("#ffd6d6")
MED_W, TIME_W = 46 * mm, 11 * mm
PHOTO = 22 * mm


class ResidentBarcode(Flowable):
    """Code 128 of the resident's wristband code (EMAR-R-<id>), with the text under it."""

    def __init__(self, value: str, width: float) -> None:
        super().__init__()
        self.value = value
        self.code = Code128(value, barHeight=10 * mm, barWidth=0.9, quiet=True)
        self.width, self.height = width, 14 * mm

    def wrap(self, *_args: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        x = max(0.0, (self.width - self.code.width) / 2)
        self.code.drawOn(self.canv, x, 4 * mm)
        self.canv.setFont("Helvetica", 7)
        self.canv.drawCentredString(self.width / 2, 0.5 * mm, self.value)


def cell_text(cell: MarCell | None, blank: bool) -> str:
    if cell is None or blank:
        return ""
    if cell.state == DoseState.MISSED:
        return "MISS"
    if cell.state == DoseState.OVERDUE:
        return "OVD"
    return cell.text.replace(" late", "*")


def _banner(sheet: MarSheet, width: float) -> Table:
    r = sheet.resident
    if sheet.photo:
        try:
            picture: Flowable = Image(
                io.BytesIO(sheet.photo), width=PHOTO, height=PHOTO, kind="proportional"
            )
        except Exception:  # a damaged photo must not stop the chart printing
            picture = para("(photo unreadable)")
    else:
        initials = "".join(part[0] for part in r.name.split()[:2])
        picture = Paragraph(
            f"<para alignment='center'><font size='20'>{initials}</font></para>", STYLES["body"]
        )
    who = [
        Paragraph(
            f"<b>{_esc(r.name)}</b>" + (f" ({_esc(r.preferred_name)})" if r.preferred_name else ""),
            STYLES["h2"],
        ),
        para(
            f"Born {r.date_of_birth:%d %b %Y}  |  NHS {_nhs(r.nhs_number)}  |  "
            f"Room {r.room}  |  {r.unit}",
            "body",
        ),
    ]
    if r.covert:
        who.append(para("COVERT ADMINISTRATION agreed (see care plan)", "urgent"))
    allergy = [
        para("ALLERGIES", "urgent"),
        para(r.allergy_text, "urgent" if r.allergies else "body"),
    ]
    code_w = 55 * mm
    t = Table(
        [[picture, who, allergy, ResidentBarcode(f"EMAR-R-{r.id}", code_w)]],
        colWidths=[PHOTO + 4, width - PHOTO - 4 - 60 * mm - code_w, 60 * mm, code_w],
    )
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), 0.6, GRID),
                ("BOX", (2, 0), (2, 0), 0.6, colors.HexColor("#b00020")),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return t


def _esc(text: str) -> str:
    return escape(text)


def _nhs(n: str) -> str:
    return f"{n[:3]} {n[3:6]} {n[6:]}" if n and len(n) == 10 else n or "-"


def _grid(sheet: MarSheet, width: float, blank: bool) -> Table:
    days = sheet.chart.days
    day_w = (width - MED_W - TIME_W) / len(days)
    header = ["Medicine, dose, directions", "Time"] + [f"{d:%a}\n{d:%d}" for d in days]
    body: list[list[object]] = []
    shade: list[tuple[object, ...]] = []
    for n, row in enumerate(sheet.chart.rows, start=1):
        body.append([_line_text(row), row.time_label] + [cell_text(c, blank) for c in row.cells])
        for col, cell in enumerate(row.cells, start=2):
            if cell is None and row.time_label != "PRN":
                shade.append(("BACKGROUND", (col, n), (col, n), NOT_DUE))
            elif cell is not None and not blank and cell.state == DoseState.MISSED:
                shade.append(("BACKGROUND", (col, n), (col, n), MISSED_BG))
    if not body:
        body.append(["No medicines on the chart for these days.", "", *([""] * len(days))])
    grid = table(header, body, [MED_W, TIME_W] + [day_w] * len(days), style="tiny")
    grid.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (1, 0), (-1, -1), 1),
                ("RIGHTPADDING", (1, 0), (-1, -1), 1),
                ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
                # room to write by hand on a blank chart
                *([("BOTTOMPADDING", (0, 1), (-1, -1), 14)] if blank else []),
                *shade,
            ]
        )
    )
    return grid


NOT_TO_GIVE = {
    "pending": "NOT CHECKED YET: do not give",
    "suspended": "SUSPENDED: do not give",
    "stopped": "STOPPED: do not give",
    "ended": "ENDED: do not give",
    "not started": "NOT STARTED YET",
}


def _line_text(row: MarRow) -> Flowable:
    parts = [f"<b>{_esc(row.medicine)}</b>", _esc(f"{row.dose} {row.route}")]
    if row.status in NOT_TO_GIVE:  # the paper chart must not invite a dose the system blocks
        parts.insert(1, f"<font color='#b00020'><b>{NOT_TO_GIVE[row.status]}</b></font>")
    if row.directions:
        parts.append(_esc(row.directions))
    return Paragraph("<br/>".join(parts), STYLES["tiny"])


def _legend(data: MarData) -> Paragraph:
    codes = "   ".join(f"<b>{_esc(c)}</b> {_esc(label)}" for c, label in data.codes)
    return Paragraph(
        "Initials: given.   <b>*</b> given late.   <b>MISS</b> missed (nothing recorded).   "
        "<b>OVD</b> overdue when printed.   <b>H</b> in hospital.   <b>L</b> on leave.   "
        f"Grey: not due.   Not given codes: {codes}",
        STYLES["tiny"],
    )


def render_mar(data: MarData, meta: ReportMeta, out: Path | BinaryIO) -> int:
    width = frame_width(True)
    story: list[Flowable] = []
    for i, sheet in enumerate(data.sheets):
        if i:
            story.append(PageBreak())
        days = sheet.chart.days
        kind = "BLANK MAR for downtime" if data.blank else "MAR chart"
        story.append(para(f"{kind}: {days[0]:%a %d %b %Y} to {days[-1]:%a %d %b %Y}", "h3"))
        story.append(_banner(sheet, width))
        story.append(_grid(sheet, width, data.blank))
        story.append(_legend(data))
    if not story:
        story.append(para("No residents match.", "body"))
    return build(out, meta, story, wide=True)
