"""The home's medicines-optimisation report, for a manager to show an inspector: the headline
figures first in plain words, then charts (signals by type, recommendations by status,
refusals and PRN use week by week), then the lists behind them."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, Table

from emar.reports.optimisation_data import OptimisationData
from emar.reports.pdf import STYLES, ReportMeta, build, frame_width, para, table

BLUE = colors.HexColor("#2f6690")
AMBER = colors.HexColor("#d98e04")
GREY = colors.HexColor("#9aa5b1")
STATUS_COLOURS = {
    "proposed": GREY,
    "sent": colors.HexColor("#5b8db8"),
    "accepted": colors.HexColor("#2e8540"),
    "declined": colors.HexColor("#b00020"),
    "actioned": colors.HexColor("#1b5e20"),
    "outcome reviewed": colors.HexColor("#4a148c"),
}


WEEK_HEADER = ["Week from", "Days", "Scheduled doses", "Refused", "Per 100", "PRN given"]
WEEK_HEADER += ["Resident-days", "PRN per resident-day"]


def _period(data: OptimisationData) -> str:
    zone = data.home.zone
    a = data.start.astimezone(zone)
    b = data.end.astimezone(zone)
    return f"{a:%d %b %Y %H:%M} {a:%Z} to {b:%d %b %Y %H:%M} {b:%Z}"


def _number(x: object) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if isinstance(x, float) else str(x)


def _change(before: object, after: object) -> str:
    diff = float(after) - float(before)  # type: ignore[arg-type]
    if abs(diff) < 0.005:
        return "no change"
    return f"{'up' if diff > 0 else 'down'} {abs(diff):.2f}"


def _burden_change(residents: int, before: object, after: object) -> str:
    if not residents:
        return "no resident was here with a chart at both the start and the end"
    return (
        f"{before} at the start, {after} at the end ({_change(before, after)}), for the "
        f"{residents} resident{'s' if residents != 1 else ''} here throughout"
    )


def _title(text: str, width: float, height: float) -> String:
    return String(0, height - 11, text, fontName="Helvetica-Bold", fontSize=10)


def hbars(
    title: str,
    labels: Sequence[str],
    values: Sequence[int],
    width: float,
    colour: colors.Color = BLUE,
) -> Drawing:
    """Horizontal bars, one per label, the value written at the bar's end."""
    bar = 13
    label_w = 175
    height = 24 + bar * max(1, len(labels)) + 16
    d = Drawing(width, height)
    d.add(_title(title, width, height))
    if not labels:
        d.add(String(0, height - 30, "None.", fontName="Helvetica", fontSize=9.5))
        return d
    chart = HorizontalBarChart()
    chart.x, chart.y = label_w, 14
    chart.width, chart.height = width - label_w - 30, bar * len(labels)
    chart.data = [list(reversed(values))]
    chart.categoryAxis.categoryNames = list(reversed(labels))
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = 8.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(max(values), 1) * 1.15
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.visible = False
    chart.bars[0].fillColor = colour
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = "%d"
    chart.barLabels.fontSize = 8.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    chart.barWidth = bar * 0.7
    d.add(chart)
    return d


def vbars(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    width: float,
    *,
    colour: colors.Color = BLUE,
    colours: Sequence[colors.Color] | None = None,
    fmt: str = "%d",
    height: float = 150,
) -> Drawing:
    d = Drawing(width, height)
    d.add(_title(title, width, height))
    slanted = len(labels) > 5
    chart = VerticalBarChart()
    chart.x, chart.y = 26, 50 if slanted else 30
    chart.width, chart.height = width - 36, height - (82 if slanted else 62)
    chart.data = [list(values) or [0]]
    chart.categoryAxis.categoryNames = list(labels) or [""]
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.angle = 30 if slanted else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if slanted else "n"
    chart.valueAxis.valueMin = 0
    top = max([*values, 0.0])
    if fmt == "%d":  # counts: whole-number steps
        chart.valueAxis.valueMax = max(1, math.ceil(top * 1.2))
        chart.valueAxis.valueStep = max(1, math.ceil(chart.valueAxis.valueMax / 5))
    else:
        chart.valueAxis.valueMax = top * 1.2 if top > 0 else 1
    chart.valueAxis.labels.fontSize = 7.5
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#e3e8ee")
    chart.bars[0].fillColor = colour
    chart.bars[0].strokeColor = None
    if colours:
        for i, c in enumerate(colours):
            chart.bars[(0, i)].fillColor = c
    # a zero needs no label; more than 8 bars (a quarter's weeks) read from the axis
    chart.barLabelFormat = lambda v: "" if not v or len(labels) > 8 else fmt % v
    chart.barLabels.fontSize = 7.5
    chart.barLabels.nudge = 6
    d.add(chart)
    return d


def render_optimisation(data: OptimisationData, meta: ReportMeta, out: Path | BinaryIO) -> int:
    zone = data.home.zone
    width = frame_width(False)
    scheduled, refused = data.total("scheduled"), data.total("refused")
    prn, resident_days = data.total("prn_given"), data.total("resident_days")
    rate = data.acceptance
    b, a = data.before, data.after
    story: list[Flowable] = [
        Paragraph("Medicines optimisation", STYLES["title"]),
        para(_period(data), "letter"),
        Spacer(0, 3 * mm),
    ]
    headline = [
        ["Residents reviewed by the pharmacist", f"{len(data.reviewed)} review(s) of "
         f"{len({r.resident for r in data.reviewed})} resident(s); {data.residents_now} "
         "residents now"],
        ["Signals now (things the MAR and chart suggest reviewing)",
         f"{data.signals_total} for {data.residents_with_signals} resident(s)"],
        ["Recommendations made in the period", f"{len(data.recommendations)} "
         f"({sum(1 for r in data.recommendations if r.addressed_to == 'gp')} to the GP, "
         f"{sum(1 for r in data.recommendations if r.addressed_to != 'gp')} to the home)"],
        ["Acceptance rate (accepted / (accepted + declined))",
         "none answered yet" if rate is None
         else f"{rate}% ({data.accepted} accepted, {data.declined} declined)"],
        ["Medicines stopped", f"{len(data.stopped)}, of which {data.stops_citing} carried out a "
         f"recommendation; {data.new_lines_citing} new chart line(s) carried one out"],
        ["Average anticholinergic burden (ACB) per resident",
         _burden_change(b.residents, b.average_acb, a.average_acb)],
        ["Average regular medicines per resident",
         _burden_change(b.residents, b.average_regular, a.average_regular)],
        ["Refusals", f"{refused} of {scheduled} scheduled doses: "
         f"{(100 * refused / scheduled if scheduled else 0):.1f} per 100"],
        ["PRN (when required) doses given", f"{prn} in {resident_days} resident-days: "
         f"{(prn / resident_days if resident_days else 0):.2f} per resident per day"],
    ]  # fmt: skip
    story.append(
        table(
            ["In this period", ""],
            headline,
            [width * 0.45, width * 0.55],
            style="large",
        )
    )
    story.append(
        para(
            f"Start: {b.at.astimezone(zone):%d %b %Y %H:%M %Z}; end: "
            f"{a.at.astimezone(zone):%d %b %Y %H:%M %Z}. The averages compare the same "
            f"{b.residents} residents at both moments (those admitted or gone in the period "
            "are left out, so the change is what happened to medicines, not who lives here), "
            "from the chart lines active at each moment and the ACB scale scores in eMAR's "
            "medicines reference. Recommendation status as at the end of the period. "
            "Weeks start on Monday (the first may be part of one); labels give each week's "
            "first day.",
            "body",
        )
    )
    story.append(Spacer(0, 3 * mm))
    story.append(
        hbars(
            "Signals now, by type",
            [label for label, _, _ in data.signals_by_kind],
            [n for _, n, _ in data.signals_by_kind],
            width,
            AMBER,
        )
    )
    story.append(Spacer(0, 2 * mm))
    half = width / 2 - 4
    by_status = data.by_status
    week_labels = [f"{w.first:%d %b}" for w in data.weeks]
    charts = Table(
        [
            [
                vbars(
                    "Recommendations by status",
                    [s for s, _ in by_status],
                    [n for _, n in by_status],
                    half,
                    colours=[STATUS_COLOURS[s] for s, _ in by_status],
                ),
                vbars(
                    "Refusals per 100 scheduled doses, by week",
                    week_labels,
                    [round(w.refusals_per_100, 1) for w in data.weeks],
                    half,
                    colour=colors.HexColor("#b00020"),
                    fmt="%.1f",
                ),
            ],
            [
                vbars(
                    "PRN doses per resident per day, by week",
                    week_labels,
                    [round(w.prn_per_resident_day, 2) for w in data.weeks],
                    half,
                    colour=BLUE,
                    fmt="%.2f",
                ),
                vbars(
                    "Medicines stopped, by week",
                    week_labels,
                    [
                        sum(
                            1
                            for s in data.stopped
                            if _week_of(s.at.astimezone(zone).date(), data) == w.first
                        )
                        for w in data.weeks
                    ],
                    half,
                    colour=colors.HexColor("#2e8540"),
                ),
            ],
        ],
        colWidths=[half + 4, half + 4],
    )
    charts.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    story.append(charts)
    story.extend(
        _headed(
            "Residents reviewed",
            ["Signed", "Resident", "Room", "Pharmacist", "How", "Recommendations"],
            [
                [
                    f"{r.signed_at.astimezone(zone):%d %b %Y %H:%M %Z}",
                    r.resident,
                    r.room,
                    r.pharmacist,
                    r.mode,
                    str(r.recommendations),
                ]
                for r in data.reviewed
            ]
            or [["No reviews signed in this period.", "", "", "", "", ""]],
            [width * x for x in (0.22, 0.2, 0.07, 0.2, 0.11, 0.2)],
            style="large",
        )
    )
    story.extend(
        _headed(
            "Signals now, by type",
            ["Signal", "Signals", "Residents"],
            [[label, str(n), str(r)] for label, n, r in data.signals_by_kind]
            or [["No signals.", "", ""]],
            [width * 0.6, width * 0.2, width * 0.2],
            style="large",
        )
    )
    gp = Counter(r.status for r in data.recommendations if r.addressed_to == "gp")
    story.extend(
        _headed(
            "Recommendations made in the period",
            ["Status", "To the GP", "To the home", "All"],
            [[s, str(gp[s]), str(n - gp[s]), str(n)] for s, n in by_status],
            [width * 0.4, width * 0.2, width * 0.2, width * 0.2],
            style="large",
        )
    )
    stopped_rows = [
        [
            f"{s.at.astimezone(zone):%d %b %Y %H:%M %Z}",
            s.resident,
            s.medicine,
            s.reason,
            f"{s.recommendation_id}: {s.recommendation}" if s.recommendation_id else "",
        ]
        for s in data.stopped
    ]
    story.extend(
        _headed(
            "Medicines stopped",
            ["When", "Resident", "Medicine", "Reason", "Carries out recommendation"],
            stopped_rows or [["None stopped in this period.", "", "", "", ""]],
            [width * x for x in (0.17, 0.17, 0.24, 0.2, 0.22)],
            style="large",
        )
    )
    story.extend(
        _headed(
            "Week by week",
            [
                "Week from",
                "Days",
                "Scheduled doses",
                "Refused",
                "Per 100",
                "PRN given",
                "Resident-days",
                "PRN per resident-day",
            ],
            [
                [
                    f"{w.first:%d %b %Y}",
                    str(w.days),
                    str(w.scheduled),
                    str(w.refused),
                    f"{w.refusals_per_100:.1f}",
                    str(w.prn_given),
                    str(w.resident_days),
                    f"{w.prn_per_resident_day:.2f}",
                ]
                for w in data.weeks
            ],
            [width * x for x in (0.15, 0.07, 0.14, 0.1, 0.1, 0.11, 0.14, 0.19)],
            style="large",
        )
    )
    return build(out, meta, story, wide=False)


def _headed(
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    *,
    style: str,
) -> list[Flowable]:
    """A section's heading kept with (the start of) its table."""
    return [
        CondPageBreak(35 * mm),  # no heading alone at a page's foot
        Paragraph(title, STYLES["h2"]),
        table(header, rows, widths, style=style),
    ]


def _week_of(day, data: OptimisationData):  # type: ignore[no-untyped-def]
    """The first day of the report's week holding `day`."""
    found = None
    for w in data.weeks:
        if w.first <= day:
            found = w.first
    return found
