"""The waste report as a PDF: the period's cost and how much ordering could have avoided, the
trend over the cycles, totals by reason, medicine and resident, then every disposal."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from emar.domain.waste import Avoidable, money
from emar.domain.wording import format_amount, unit_text
from emar.reports.data import days_text
from emar.reports.optimisation import vbars
from emar.reports.pdf import STYLES, ReportMeta, build, frame_width, para, table
from emar.reports.waste_data import WasteData, WasteTotal

AMBER = colors.HexColor("#c77700")
GREY_BLUE = colors.HexColor("#5b7fa6")
WHY = {
    Avoidable.STOPPED_BUT_ORDERED: "Stock was delivered for a medicine after it was stopped: "
    "cancel the line's order when it stops",
    Avoidable.STOCK_WAS_ENOUGH: "More was ordered though the stock carried forward covered the "
    "cycle: order by the draft, less stock",
    Avoidable.PRN_OVER_ORDERED: "PRN ordered and not used: order PRN from recent use, not the "
    "maximum",
}


def _period(data: WasteData) -> str:
    days = days_text(data.scope.start, data.scope.end, data.home.zone)
    matching = f", medicines matching '{data.scope.medicine}'" if data.scope.medicine else ""
    return f"{data.unit}, {days}{matching}"


def _cost(pence: int, unpriced: int) -> str:
    return money(pence) + (f" (+{unpriced} unpriced)" if unpriced else "")


def _avoidable(t: WasteTotal) -> str:
    """The avoidable part of a total: its cost and how many disposals."""
    if not t.avoidable:
        return ""
    return f"{t.avoidable} ({money(t.avoidable_pence)})"


def _totals(title: str, rows: list[WasteTotal], width: float) -> list[Flowable]:
    return [
        Paragraph(title, STYLES["h2"]),
        table(
            ["", "Disposals", "Quantity", "Cost", "Avoidable"],
            [
                [
                    t.name,
                    str(t.disposals),
                    t.quantity,
                    _cost(t.cost_pence, t.unpriced),
                    _avoidable(t),
                ]
                for t in rows
            ]
            or [["None in this period.", "", "", "", ""]],
            [width * s for s in (0.36, 0.1, 0.2, 0.16, 0.18)],
        ),
    ]


def render_waste(data: WasteData, meta: ReportMeta, out: Path | BinaryIO) -> int:
    zone = data.home.zone
    width = frame_width(False)
    items = data.items
    avoidable = [x for x in items if x.avoidable]
    story: list[Flowable] = [
        Paragraph("Medicines waste", STYLES["title"]),
        para(_period(data), "letter"),
        Spacer(0, 3 * mm),
        table(
            ["In this period", ""],
            [
                [
                    "Disposals and returns",
                    f"{len(items)} ({sum(x.way == 'returned' for x in items)} returned to the "
                    f"pharmacy, {sum(x.way == 'destroyed' for x in items)} destroyed in the home)",
                ],
                ["Cost where a price is known", _cost(data.cost_pence, data.unpriced)],
                [
                    "Avoidable (caused by ordering)",
                    f"{money(data.avoidable_pence)} in {len(avoidable)} disposal(s)"
                    if avoidable
                    else "none found",
                ],
            ],
            [width * 0.45, width * 0.55],
            style="large",
        ),
        para(
            "Costs are at the cheapest known pack price per dose unit (dm+d, or entered by the "
            "home), so they never overstate; a disposal with no known price is counted but not "
            "costed.",
            "body",
        ),
    ]
    if avoidable:
        story += [
            Paragraph("Avoidable waste: what ordering can change", STYLES["h2"]),
            table(
                ["Why", "Disposals", "Cost", "What to do"],
                [
                    [
                        t.name[:1].upper() + t.name[1:],  # not capitalize(): PRN
                        str(t.disposals),
                        _cost(t.avoidable_pence, t.unpriced),
                        WHY[Avoidable(t.name)],
                    ]
                    for t in data.by_avoidable
                ],
                [width * s for s in (0.26, 0.1, 0.18, 0.46)],
                style="large",
            ),
        ]
    if data.trend:
        story += [
            Spacer(0, 3 * mm),
            vbars(
                "Cost per 28-day cycle (£)",
                [f"{c.start:%d %b}" for c in data.trend],
                [c.cost_pence / 100 for c in data.trend],
                width,
                colour=GREY_BLUE,
                fmt="£%.2f",
            ),
            table(
                ["Cycle starting", "Disposals", "Cost", "Of which avoidable"],
                [
                    [
                        f"{c.start:%d %b %Y}",
                        str(c.disposals),
                        money(c.cost_pence),
                        money(c.avoidable_pence),
                    ]
                    for c in data.trend
                ],
                [width * s for s in (0.3, 0.2, 0.25, 0.25)],
            ),
        ]
    story += _totals("By reason", data.by_reason, width)
    story += _totals("By medicine", data.by_medicine, width)
    story += _totals("By resident", data.by_resident, width)
    story += [
        Paragraph("Every disposal", STYLES["h2"]),
        table(
            [
                "When",
                "Resident",
                "Medicine",
                "Quantity",
                "Reason",
                "Way",
                "By",
                "Cost",
                "Avoidable",
            ],
            [
                [
                    f"{x.at.astimezone(zone):%d %b %H:%M}",
                    x.resident,
                    x.medicine,
                    f"{format_amount(x.quantity)} {unit_text(x.unit, x.quantity)}",
                    x.reason,
                    x.way,
                    x.staff,
                    money(x.cost_pence),
                    x.avoidable or "",
                ]
                for x in items
            ]
            or [["", "None in this period.", "", "", "", "", "", "", ""]],
            [width * s for s in (0.09, 0.12, 0.16, 0.08, 0.11, 0.08, 0.1, 0.07, 0.19)],
        ),
    ]
    return build(out, meta, story, wide=False)
