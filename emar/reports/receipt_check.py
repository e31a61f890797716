"""The receipt check (issue 18, part 2) as a PDF: each item of what arrived against the order,
urgent first, and who signed it when it was signed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from reportlab.platypus import Flowable, Paragraph

from emar.domain.wording import format_amount
from emar.errors import EmarError
from emar.infra.db import Database
from emar.infra.private_files import create_new
from emar.models import Staff
from emar.reports.pdf import STYLES, ReportMeta, build, frame_width, para, table
from emar.services.audit import record_event
from emar.services.audit.checkpoints import audit_head
from emar.services.charts.receipt import (
    Receipt,
    ReceiptCheckView,
    ReceiptLine,
    receipt_checks,
    reconcile,
)
from emar.services.home import get_home

HEADER = ["", "Resident", "Room", "Medicine", "Ordered", "Received", "Outcome", "Note"]
SHARES = [0.07, 0.13, 0.06, 0.2, 0.07, 0.07, 0.1, 0.3]


def item_text(x: ReceiptLine) -> str:
    """One item on one line, for the terminal."""
    pack = f" (pack: {x.pack_medicine})" if x.pack_medicine else ""
    return (
        f"{'URGENT ' if x.urgent else ''}{x.resident}, room {x.room or '-'}: {x.medicine}{pack}"
        f" - {x.note if x.note.startswith(x.outcome) else f'{x.outcome}: {x.note}'}"
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


def print_receipt_check(
    db: Database,
    staff_id: int,
    order_id: int,
    out: Path,
    now: datetime,
    check_id: int | None = None,
) -> Receipt:
    """The check of an order printed to `out` (a new file, owner-only): the signed check
    `check_id` as it was recorded, else the check as it stands now; the printing audited.
    The receipt check screen prints this way."""
    if out.exists():
        raise EmarError(f"{out} already exists; the receipt check never overwrites a file.")
    receipt: Receipt
    with db.read() as session:
        if check_id is None:
            receipt = reconcile(session, staff_id, order_id, now)
        else:
            found = [c for c in receipt_checks(session, staff_id, order_id) if c.id == check_id]
            if not found:
                raise EmarError(f"No receipt check {check_id} of order {order_id}.")
            receipt = found[0]
        home = get_home(session)
        head = audit_head(session)
        by = session.get_one(Staff, staff_id).full_name
    checkpoint = f"Checkpoint: {head.short}" if head else None
    meta = ReportMeta("Receipt check", home.name, by, now, home.zone, checkpoint)
    create_new(out)
    pages = render_receipt_check(receipt, meta, out)
    with db.write() as session:
        record_event(
            session,
            "report.printed",
            staff_id=staff_id,
            entity="report",
            entity_id="receipt_check",
            detail={"order_id": order_id, "pages": pages, "signed": check_id is not None},
        )
    return receipt
