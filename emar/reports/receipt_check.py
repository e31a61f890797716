"""The receipt check (issue 18, part 2) as a PDF: each item of what arrived against the order,
urgent first, and who signed it when it was signed."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.platypus import Flowable, Paragraph

from emar.domain.wording import format_amount
from emar.reports.pdf import STYLES, ReportMeta, build, frame_width, para, table
from emar.services.charts.receipt import Receipt, ReceiptCheckView, ReceiptLine

HEADER = ["", "Resident", "Room", "Medicine", "Ordered", "Received", "Outcome", "Note"]
SHARES = [0.07, 0.13, 0.06, 0.2, 0.07, 0.07, 0.1, 0.3]


def item_text(x: ReceiptLine) -> str:
    """One item on one line, for the terminal."""
    pack = f" (pack: {x.pack_medicine})" if x.pack_medicine else ""
    return (
        f"{'URGENT ' if x.urgent else ''}{x.resident}, room {x.room or '-'}: {x.medicine}{pack}"
        f" - {x.outcome}: {x.note}"
    )


def render_receipt_check(receipt: Receipt, meta: ReportMeta, out: Path | BinaryIO) -> int:
    width = frame_width(True)
    story: list[Flowable] = [
        Paragraph(
            f"Receipt check of order {receipt.order_id} (cycle starting "
            f"{receipt.cycle_start:%d %b %Y})",
            STYLES["title"],
        )
    ]
    if isinstance(receipt, ReceiptCheckView) and receipt.checked_at is not None:
        at = receipt.checked_at.astimezone(meta.zone)
        story.append(para(f"Checked and signed by {receipt.checked_by} on {at:%d %b %Y at %H:%M}.",
                          "body"))  # fmt: skip
        if receipt.note:
            story.append(para(receipt.note, "body"))
    else:
        story.append(para("Not signed: the check as it stands.", "body"))
    story.append(
        table(
            HEADER,
            [
                [
                    "URGENT" if x.urgent else "",
                    x.resident,
                    x.room,
                    x.medicine + (f" (pack: {x.pack_medicine})" if x.pack_medicine else ""),
                    format_amount(x.ordered),
                    format_amount(x.received),
                    x.outcome,
                    x.note,
                ]
                for x in receipt.lines
            ]
            or [["", "Nothing ordered or booked in.", "", "", "", "", "", ""]],
            [width * s for s in SHARES],
        )
    )
    return build(out, meta, story, wide=True)
