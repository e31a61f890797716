"""The controlled-drug register: a page per resident and drug, every movement, running balance."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from emar.reports.cd_register_data import CdRegisterData
from emar.reports.handover import period_text
from emar.reports.pdf import STYLES, ReportMeta, build, frame_width, para, table

KINDS = {
    "received": "Received",
    "administered": "Administered",
    "returned": "Returned to pharmacy",
    "wasted": "Destroyed / wasted",
    "count_adjustment": "Count adjustment",
    "carried_forward": "Carried forward",
}


def _qty(q) -> str:  # type: ignore[no-untyped-def]
    return format(q.normalize(), "f") if q else ""


def render_cd_register(data: CdRegisterData, meta: ReportMeta, out: Path | BinaryIO) -> int:
    width = frame_width(False)
    zone = data.home.zone
    story: list[Flowable] = [
        Paragraph(f"Controlled drugs register: {data.unit}", STYLES["title"]),
        para(period_text(data.scope.start, data.scope.end, zone), "body"),
    ]
    if not data.pages:
        story.append(para("No controlled drugs held or moved in this period.", "body"))
    for i, page in enumerate(data.pages):
        if i:
            story.append(PageBreak())
        story.append(Paragraph(f"{page.medicine}", STYLES["h2"]))
        story.append(para(f"Resident: {page.resident}    Room {page.room}", "body"))
        story.append(para(f"Balance brought forward: {_qty(page.opening) or '0'}", "body"))
        story.append(Spacer(0, 2 * mm))
        rows = [
            [
                f"{e.at.astimezone(zone):%d/%m/%Y %H:%M}",
                KINDS.get(e.kind, e.kind),
                _qty(e.quantity) if e.quantity > 0 else "",
                _qty(-e.quantity) if e.quantity < 0 else "",
                _qty(e.balance) or "0",
                e.staff,
                e.witness or ("-" if e.kind != "administered" else "NO WITNESS"),
                e.detail,
            ]
            for e in page.entries
        ] or [["", "No movements in this period", "", "", _qty(page.opening) or "0", "", "", ""]]
        story.append(
            table(
                ["Date, time", "Entry", "In", "Out", "Balance", "By", "Witness", "Batch / reason"],
                rows,
                [w * width for w in (0.13, 0.15, 0.06, 0.06, 0.08, 0.16, 0.16, 0.2)],
            )
        )
        story.append(para(f"Balance at the end of the period: {_qty(page.closing) or '0'}", "h3"))
    return build(out, meta, story, wide=False)
