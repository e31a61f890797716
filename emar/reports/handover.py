"""The shift handover: counts first, then each resident, what happened and what comes next."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from emar.reports.handover_data import HandoverData
from emar.reports.pdf import STYLES, ReportMeta, build, frame_width, para, table

# Items the next shift must act on come first, in red.
URGENT = {"missed", "overdue", "next shift", "stock"}
ORDER = [
    "overdue",
    "missed",
    "due",
    "next shift",
    "not given",
    "PRN",
    "stock",
    "late",
    "controlled",
]
ORDER += ["override", "correction", "away"]


def period_text(data_start, data_end, zone) -> str:  # type: ignore[no-untyped-def]
    a, b = data_start.astimezone(zone), data_end.astimezone(zone)
    if a.date() == b.date() or ((b - a).total_seconds() <= 86400 and b.hour == 0 and b.minute == 0):
        return f"{a:%a %d %b %Y}, {a:%H:%M} {a:%Z} to {b:%H:%M} {b:%Z}"
    return f"{a:%a %d %b %Y %H:%M} {a:%Z} to {b:%a %d %b %Y %H:%M} {b:%Z}"


def render_handover(data: HandoverData, meta: ReportMeta, out: Path | BinaryIO) -> int:
    width = frame_width(False)
    story: list[Flowable] = [
        Paragraph(f"Shift handover: {data.unit}", STYLES["title"]),
        para(period_text(data.start, data.end, data.home.zone), "body"),
        Spacer(0, 3 * mm),
    ]
    pairs = data.summary
    rows = [
        [pairs[i][0], str(pairs[i][1]), *(pairs[i + 1] if i + 1 < len(pairs) else ("", ""))]
        for i in range(0, len(pairs), 2)
    ]
    story.append(
        table(
            ["Summary", "", "", ""],
            [[*r[:2], r[2], str(r[3])] for r in rows],
            [width * 0.35, width * 0.15, width * 0.35, width * 0.15],
        )
    )
    if data.not_given_by_code:
        story.append(Paragraph("Not given, by reason", STYLES["h3"]))
        story.append(
            table(
                ["Code", "Reason", "Doses"],
                [[c, label, str(n)] for c, label, n in data.not_given_by_code],
                [width * 0.1, width * 0.75, width * 0.15],
            )
        )
    story.append(Paragraph("Residents", STYLES["h2"]))
    for r in data.residents:
        head = f"Room {r.room}   {r.name}   ({r.given} of {r.due} scheduled doses given)"
        items = sorted(r.items, key=lambda i: (ORDER.index(i.kind), i.when))
        if not items:
            story.append(
                KeepTogether(
                    [
                        Paragraph(head, STYLES["h3"]),
                        para("Nothing to hand over: every dose due was given on time.", "body"),
                    ]
                )
            )
            continue
        grid = table(
            ["What", "Time", "Detail"],
            [
                # red (a Paragraph) only where the next shift must act; plain text is faster
                [para(c, "urgent") if i.kind in URGENT else c for c in (i.kind, i.when, i.text)]
                for i in items
            ],
            [width * 0.14, width * 0.1, width * 0.76],
        )
        story.append(KeepTogether([Paragraph(head, STYLES["h3"]), grid]))
    return build(out, meta, story, wide=False)
