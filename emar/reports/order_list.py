"""The monthly order list (issue 18, part 1), for the GP practices and the pharmacy: per GP
practice, each resident's medicines with how much is needed, in stock and to order, in packs,
and how that was worked out; the lines not ordered listed apart with why. The same rows as CSV.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, TextIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from emar.domain.wording import format_amount
from emar.errors import EmarError
from emar.infra.db import Database
from emar.infra.private_files import create_new, owner_only
from emar.reports.audit import _cell
from emar.reports.pdf import STYLES, ReportMeta, build, frame_width, para, table
from emar.services.audit import record_event
from emar.services.audit.checkpoints import audit_head
from emar.services.charts.ordering import OrderLine, OrderView, order_view
from emar.services.home import get_home

HEADER = [
    "Resident",
    "Room",
    "Medicine",
    "Dose and when",
    "Needed",
    "In stock",
    "To order",
    "Packs",
    "How worked out",
]
SHARES = [0.11, 0.05, 0.15, 0.13, 0.06, 0.06, 0.06, 0.07, 0.31]
CSV_COLUMNS = [
    "order_id",
    "cycle_start",
    "gp_practice",
    "resident",
    "room",
    "chart_line_id",
    "medicine",
    "dose",
    "when",
    "needed",
    "in_stock",
    "to_order",
    "packs",
    "pack_size",
    "how_worked_out",
    "not_required_reason",
    "adjusted_reason",
]


def why_not_ordered(line: OrderLine) -> str:
    if line.not_required_reason:
        return f"not required this cycle: {line.not_required_reason}"
    return line.note


def _packs(line: OrderLine) -> str:
    return f"{line.packs} x {line.pack_size}" if line.pack_size else "by quantity"


def _how(line: OrderLine) -> str:
    if line.adjusted_reason:
        return f"{line.note}\nChanged by the nurse to {format_amount(line.quantity)}: " + (
            line.adjusted_reason
        )
    return line.note


def render_order_list(view: OrderView, meta: ReportMeta, out: Path | BinaryIO) -> int:
    width = frame_width(True)
    widths = [width * s for s in SHARES]
    made = view.made_at.astimezone(meta.zone) if view.made_at else None
    ordered = [line for line in view.lines if line.ordered]
    story: list[Flowable] = [
        Paragraph(
            f"Order for the cycle starting {view.cycle_start:%d %b %Y} (order {view.id})",
            STYLES["title"],
        ),
        para(
            f"Made by {view.made_by}"
            + (f" on {made:%d %b %Y at %H:%M}" if made else "")
            + f": {len(ordered)} lines to order, {sum(x.packs for x in ordered)} packs. "
            "Quantities are dose units for 28 days, less the stock carried forward.",
            "body",
        ),
    ]
    if view.note:
        story.append(para(view.note, "body"))
    for practice, lines in view.by_practice.items():
        to_order = [line for line in lines if line.ordered]
        story.append(Paragraph(practice, STYLES["h2"]))
        story.append(
            table(
                HEADER,
                [
                    [
                        x.resident,
                        x.room,
                        x.medicine,
                        f"{x.dose}, {x.when}",
                        format_amount(x.needed),
                        format_amount(x.in_stock),
                        format_amount(x.quantity),
                        _packs(x),
                        _how(x),
                    ]
                    for x in to_order
                ]
                or [["Nothing to order.", "", "", "", "", "", "", "", ""]],
                widths,
            )
        )
        story.append(Spacer(0, 2 * mm))
    not_ordered = [line for line in view.lines if not line.ordered]
    story.append(Paragraph("Not ordered", STYLES["h2"]))
    story.append(
        table(
            ["Resident", "Room", "Medicine", "GP practice", "In stock", "Why not ordered"],
            [
                [
                    x.resident,
                    x.room,
                    x.medicine,
                    x.gp_practice,
                    format_amount(x.in_stock),
                    why_not_ordered(x),
                ]
                for x in not_ordered
            ]
            or [["None.", "", "", "", "", ""]],
            [width * s for s in (0.14, 0.06, 0.2, 0.16, 0.07, 0.37)],
        )
    )
    return build(out, meta, story, wide=True)


def write_order_csv(view: OrderView, out: TextIO) -> int:
    """One row per chart line, ordered or not, with headers; returns the rows written."""
    w = csv.writer(out)
    w.writerow(CSV_COLUMNS)
    for x in view.lines:
        w.writerow(
            [
                _cell(v)
                for v in (
                    view.id,
                    view.cycle_start.isoformat(),
                    x.gp_practice,
                    x.resident,
                    x.room,
                    x.chart_line_id,
                    x.medicine,
                    x.dose,
                    x.when,
                    format_amount(x.needed),
                    format_amount(x.in_stock),
                    format_amount(x.quantity),
                    x.packs,
                    x.pack_size or "",
                    x.note,
                    x.not_required_reason or "",
                    x.adjusted_reason or "",
                )
            ]
        )
    return len(view.lines)


def refuse_existing(out: Path, csv_path: Path | None) -> None:
    """Before an order is recorded: the order list never overwrites a file."""
    for path in (out, csv_path):
        if path is not None and path.exists():
            raise EmarError(f"{path} already exists; the order list never overwrites a file.")


def print_order(
    db: Database,
    staff_id: int,
    order_id: int,
    out: Path,
    csv_path: Path | None,
    now: datetime,
) -> OrderView:
    """A recorded order printed: the order list (PDF) at `out`, the same rows as CSV at
    `csv_path` (new files, owner-only), and the printing audited. The emar order command and
    the order screen both print this way."""
    with db.read() as session:
        view = order_view(session, staff_id, order_id)
        home = get_home(session)
        head = audit_head(session)
    meta = ReportMeta(
        "Monthly order",
        home.name,
        view.made_by,
        now,
        home.zone,
        f"Checkpoint: {head.short}" if head else None,
    )
    create_new(out)
    pages = render_order_list(view, meta, out)
    if csv_path is not None:
        with open(csv_path, "x", newline="", encoding="utf-8", opener=owner_only) as f:
            write_order_csv(view, f)
    with db.write() as session:
        record_event(
            session,
            "report.printed",
            staff_id=staff_id,
            entity="report",
            entity_id="order",
            detail={"order_id": order_id, "pages": pages, "csv": csv_path is not None},
        )
    return view
