"""The administration audit: rates with a chart, reasons, exceptions, PRN use, staff, entries."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import BinaryIO, TextIO
from zoneinfo import ZoneInfo

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from emar.reports.audit_data import AuditData, AuditRow
from emar.reports.handover import period_text
from emar.reports.pdf import STYLES, ReportMeta, build, frame_width, para, table
from emar.reports.rows import RowList

SERIES = [
    ("On time", colors.HexColor("#2e7d32")),
    ("Late", colors.HexColor("#f9a825")),
    ("Not given", colors.HexColor("#1565c0")),
    ("Missed", colors.HexColor("#c62828")),
]


def _when(moment, zone: ZoneInfo) -> str:  # type: ignore[no-untyped-def]
    return "" if moment is None else moment.astimezone(zone).strftime("%d/%m %H:%M")


def rates_chart(data: AuditData, width: float) -> Drawing:
    """Doses per day, stacked: on time, late, not given, missed."""
    height = 62 * mm
    d = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 28, 28
    chart.width, chart.height = width - 140, height - 40
    chart.categoryAxis.style = "stacked"
    chart.data = [[day[i + 1] for day in data.per_day] or [0] for i in range(4)]
    labels = [f"{day[0]:%d/%m}" for day in data.per_day] or [""]
    step = max(1, len(labels) // 16)  # a label every few days on a long period
    chart.categoryAxis.categoryNames = [x if i % step == 0 else "" for i, x in enumerate(labels)]
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.angle = 0
    chart.valueAxis.labels.fontSize = 6
    chart.valueAxis.valueMin = 0
    chart.barWidth = 4
    for i, (_name, colour) in enumerate(SERIES):
        chart.bars[i].fillColor = colour
        chart.bars[i].strokeColor = None
    legend = Legend()
    legend.x, legend.y = width - 100, height - 20
    legend.fontSize = 7
    legend.alignment = "right"
    legend.colorNamePairs = [(c, n) for n, c in SERIES]
    d.add(chart)
    d.add(legend)
    d.add(
        String(28, height - 8, "Scheduled doses per day", fontSize=7.5, fontName="Helvetica-Bold")
    )
    return d


def render_audit(data: AuditData, meta: ReportMeta, out: Path | BinaryIO) -> int:
    width = frame_width(True)
    zone = data.home.zone
    filters = [f"Unit: {data.unit}"]
    if data.scope.medicine:
        filters.append(f"Medicine: {data.scope.medicine}")
    if data.scope.resident_id is not None and data.rows:
        filters.append(f"Resident: {data.rows[0].resident}")
    if data.scope.staff_id is not None:
        filters.append("One staff member: " + ", ".join(s.name for s in data.staff))
    story: list[Flowable] = [
        Paragraph("Medicines administration audit", STYLES["title"]),
        para(
            f"{period_text(data.scope.start, data.scope.end, zone)}.   {'   '.join(filters)}",
            "body",
        ),
        Spacer(0, 2 * mm),
        table(
            ["Scheduled doses due", "Given on time", "Given late", "Not given (reason)", "Missed"],
            [
                [
                    str(data.scheduled),
                    f"{data.on_time} ({data.rate(data.on_time)})",
                    f"{data.late} ({data.rate(data.late)})",
                    f"{data.not_given} ({data.rate(data.not_given)})",
                    f"{data.missed} ({data.rate(data.missed)})",
                ]
            ],
            [width / 5] * 5,
        ),
        Spacer(0, 2 * mm),
        rates_chart(data, width),
    ]
    story.append(Paragraph("Not given, by reason", STYLES["h2"]))
    story.append(
        table(
            ["Code", "Reason", "Doses"],
            [[c, label, str(n)] for c, label, n in data.not_given_by_code] or [["", "None", "0"]],
            [width * 0.08, width * 0.8, width * 0.12],
        )
    )
    story.append(Paragraph("Overrides and corrections", STYLES["h2"]))
    story.append(
        table(
            [
                "When",
                "Resident",
                "Medicine",
                "Outcome",
                "By",
                "Override reason",
                "Correction reason",
            ],
            [
                [
                    _when(r.recorded, zone),
                    r.resident,
                    r.medicine,
                    r.outcome,
                    r.staff,
                    r.override,
                    r.correction,
                ]
                for r in data.exceptions
            ]
            or [["", "None in this period", "", "", "", "", ""]],
            [w * width for w in (0.09, 0.13, 0.2, 0.08, 0.12, 0.19, 0.19)],
        )
    )
    story.append(Paragraph("PRN use against limits", STYLES["h2"]))
    story.append(
        table(
            [
                "Resident",
                "Medicine",
                "Doses given",
                "Most in one day",
                "Maximum in 24 h",
                "Days at the maximum",
            ],
            [
                [
                    p.resident,
                    p.medicine,
                    str(p.given),
                    str(p.busiest_day),
                    str(p.max_24h or "-"),
                    str(p.days_at_limit),
                ]
                for p in data.prn
            ]
            or [["None", "", "", "", "", ""]],
            [w * width for w in (0.2, 0.32, 0.12, 0.12, 0.12, 0.12)],
        )
    )
    story.append(Paragraph("By member of staff", STYLES["h2"]))
    story.append(
        table(
            [
                "Staff",
                "Scheduled given",
                "Of which late",
                "Not given",
                "PRN given",
                "Overrides",
                "Corrections",
            ],
            [
                [
                    s.name,
                    str(s.given),
                    str(s.late),
                    str(s.not_given),
                    str(s.prn),
                    str(s.overrides),
                    str(s.corrections),
                ]
                for s in data.staff
            ]
            or [["None", "", "", "", "", "", ""]],
            [width * 0.28] + [width * 0.12] * 6,
        )
    )
    story.append(Paragraph(f"Every entry ({len(data.rows)})", STYLES["h2"]))
    story.append(
        RowList(
            [
                "Due",
                "Recorded",
                "Room",
                "Resident",
                "Medicine",
                "Dose",
                "Outcome",
                "Code",
                "By",
                "Witness",
                "Note / reason",
            ],
            [
                [
                    _when(r.scheduled, zone),
                    _when(r.recorded, zone),
                    r.room,
                    r.resident,
                    r.medicine,
                    r.dose,
                    r.outcome,
                    r.code,
                    r.staff,
                    r.witness,
                    "; ".join(x for x in (r.note, r.override, r.correction) if x),
                ]
                for r in data.rows
            ],
            [w * width for w in (0.07, 0.07, 0.04, 0.1, 0.17, 0.07, 0.07, 0.04, 0.1, 0.09, 0.18)],
        )
    )
    return build(out, meta, story, wide=True)


CSV_COLUMNS = [
    "entry_id",
    "scheduled_local",
    "recorded_local",
    "room",
    "resident",
    "medicine",
    "dose",
    "outcome",
    "not_given_code",
    "minutes_late",
    "staff",
    "witness",
    "override_reason",
    "correction_reason",
    "note",
]


def write_audit_csv(data: AuditData, out: TextIO) -> int:
    """The detailed entries, one row each; times in the home's zone with their offset."""
    zone = data.home.zone
    w = csv.writer(out)
    w.writerow(CSV_COLUMNS)

    def iso(moment) -> str:  # type: ignore[no-untyped-def]
        return "" if moment is None else moment.astimezone(zone).isoformat(timespec="minutes")

    for r in data.rows:
        w.writerow(_csv_row(r, iso))
    return len(data.rows)


def _cell(value: object) -> object:
    """Free text that a spreadsheet would run as a formula is quoted (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv_row(r: AuditRow, iso) -> list[object]:  # type: ignore[no-untyped-def]
    return [
        _cell(v)
        for v in [
            r.entry_id or "",
            iso(r.scheduled),
            iso(r.recorded),
            r.room,
            r.resident,
            r.medicine,
            r.dose,
            r.outcome,
            r.code,
            r.late_minutes,
            r.staff,
            r.witness,
            r.override,
            r.correction,
            r.note,
        ]
    ]
