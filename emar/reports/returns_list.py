"""The returns list (issue 18, part 3): one returns batch as the pharmacy signs for it, item by
item (resident, medicine, strength, quantity, reason, batch and expiry when known), with the
batch number and boxes for the home and the pharmacy to sign and date. And the disposal
register for a period, every disposal with its way, who and the witness."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from emar.domain.wording import format_amount, unit_text
from emar.reports.pdf import STYLES, ReportMeta, build, frame_width, para, table
from emar.services.charts.disposals import DisposalRow, ReturnList

HEADER = ["Resident", "Room", "Medicine", "Strength", "Quantity", "Reason", "Batch", "Expiry"]
SHARES = [0.15, 0.06, 0.25, 0.1, 0.1, 0.15, 0.1, 0.09]
BLANK = "_" * 30  # the pharmacy's name, written in
SIGN_ROWS = ["Handed over by (home)", "Received by (pharmacy)"]


def _expiry(row: DisposalRow) -> str:
    return f"{row.expiry:%m/%Y}" if row.expiry else ""


def render_returns_list(batch: ReturnList, meta: ReportMeta, out: Path | BinaryIO) -> int:
    width = frame_width(False)
    made = batch.made_at.astimezone(meta.zone)
    story: list[Flowable] = [
        Paragraph(f"Returns to pharmacy: batch {batch.id}", STYLES["title"]),
        para(
            f"To: {batch.pharmacy or BLANK}. Made by {batch.made_by} on "
            f"{made:%d %b %Y at %H:%M}: "
            f"{len(batch.items)} item(s). Batch digest {batch.digest[:16]}.",
            "body",
        ),
    ]
    if batch.note:
        story.append(para(batch.note, "body"))
    story.append(Spacer(0, 2 * mm))
    story.append(
        table(
            HEADER,
            [
                [
                    r.resident,
                    r.room,
                    r.medicine,
                    r.strength,
                    f"{format_amount(r.quantity)} {unit_text(r.unit, r.quantity)}".strip(),
                    r.reason + (f"\nCD, witnessed by {r.witness}" if r.witness else ""),
                    r.pack_batch or "",
                    _expiry(r),
                ]
                for r in batch.items
            ],
            [width * s for s in SHARES],
        )
    )
    story.append(Spacer(0, 8 * mm))
    story.append(
        para(
            "The pharmacy checks each item against this list, signs and dates below, and "
            "keeps a copy; the home files the signed list.",
            "body",
        )
    )
    story.append(Spacer(0, 3 * mm))
    story.append(
        table(
            ["", "Name", "Signature", "Date"],
            [[who, "\n\n", "", ""] for who in SIGN_ROWS],
            [width * s for s in (0.25, 0.3, 0.3, 0.15)],
            style="large",
        )
    )
    return build(out, meta, story, wide=False)


REGISTER_HEADER = [
    "When",
    "Resident",
    "Medicine",
    "Quantity",
    "Reason",
    "Way",
    "By",
    "Witness",
    "Batch",
]
REGISTER_SHARES = [0.1, 0.12, 0.2, 0.08, 0.12, 0.12, 0.1, 0.1, 0.06]


def render_disposals(
    rows: list[DisposalRow], meta: ReportMeta, out: Path | BinaryIO, period: str = ""
) -> int:
    width = frame_width(True)
    story: list[Flowable] = [
        Paragraph("Disposal register", STYLES["title"]),
        para(period, "letter"),
        table(
            REGISTER_HEADER,
            [
                [
                    f"{r.when.astimezone(meta.zone):%d %b %Y %H:%M}",
                    r.resident,
                    r.medicine,
                    f"{format_amount(r.quantity)} {unit_text(r.unit, r.quantity)}".strip(),
                    r.reason,
                    r.way,
                    r.who,
                    r.witness,
                    str(r.batch_id) if r.batch_id else "",
                ]
                for r in rows
            ]
            or [["", "No disposals in this period.", "", "", "", "", "", "", ""]],
            [width * s for s in REGISTER_SHARES],
        ),
    ]
    return build(out, meta, story, wide=True)
