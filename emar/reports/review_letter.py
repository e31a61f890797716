"""The medication review letter to the resident's GP: who, the review, what matters to the
resident, the medicines with the pharmacist's assessment of each, what the MAR showed (signals
with their evidence), allergies and conditions, the recommendations (to the GP with a place for
the GP's reply; to the home), and the pharmacist's signature."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from emar.domain.nhs_number import format_nhs_number
from emar.reports.pdf import STYLES, ReportMeta, build, frame_width, para, table
from emar.reports.review_letter_data import LetterRecommendation, ReviewLetterData

ASSESSMENT_WORDS = {
    "continue": "Continue",
    "stop": "STOP",
    "reduce": "REDUCE",
    "change": "CHANGE",
    "monitor": "Monitor",
    "refer": "Refer",
    "": "(not assessed)",
}
CHANGES = {"stop", "reduce", "change"}
AWAITING_REPLY = ("proposed", "sent")
TO_GP_REPLY = (
    "GP's reply:   [  ] Accept     [  ] Decline    Reason / comment: "
    "________________________________________\n"
    "Signed: ______________________   Name: ______________________   Date: ____________"
)


def _big(text: object) -> Paragraph:
    return para(text, "large")


def _status(r: LetterRecommendation, zone) -> str:  # type: ignore[no-untyped-def]
    at = r.status_at.astimezone(zone)
    text = f"{r.status} on {at:%d %b %Y}"
    if r.status_reason:
        text += f": {r.status_reason}"
    if r.due_on:
        text += f"\nanswer or action due by {r.due_on:%d %b %Y}"
    return text


def render_review_letter(data: ReviewLetterData, meta: ReportMeta, out: Path | BinaryIO) -> int:
    zone = data.home.zone
    width = frame_width(False)
    signed = data.signed_at.astimezone(zone)
    story: list[Flowable] = [
        Paragraph(f"Medication review: {escape(data.name)}", STYLES["title"]),
        para(
            f"To: {data.gp}. From: {data.pharmacist}, {data.pharmacist_role}, for "
            f"{data.home.name}. A structured medication review (NICE NG5) was carried out on "
            f"{signed:%d %b %Y}. Please reply to the recommendations marked for you below and "
            "return this letter to the home.",
            "letter",
        ),
        Spacer(0, 2 * mm),
        table(
            ["Resident", "", "", ""],
            [
                ["Name", data.name, "Date of birth", f"{data.date_of_birth:%d %b %Y}"],
                [
                    "NHS number",
                    format_nhs_number(data.nhs_number) if data.nhs_number else "not recorded",
                    "Room",
                    data.room,
                ],
                ["GP", data.gp, "", ""],
            ],
            [width * 0.17, width * 0.38, width * 0.17, width * 0.28],
            style="large",
            extra=[("SPAN", (1, 3), (3, 3))],
        ),
        Spacer(0, 3 * mm),
        table(
            ["The review", ""],
            [
                ["Signed", f"{signed:%d %b %Y at %H:%M} {signed:%Z} (review {data.review_id})"],
                ["Pharmacist", data.pharmacist],
                ["How", data.mode],
                ["Who took part", data.participants],
                [
                    "Next review",
                    f"{data.next_review_on:%d %b %Y}" if data.next_review_on else "not set",
                ],
            ],
            [width * 0.2, width * 0.8],
            style="large",
        ),
        Paragraph("What matters to me", STYLES["h3"]),
        para(data.what_matters or "Not recorded.", "letter"),
        Paragraph("Summary", STYLES["h3"]),
        para(data.summary or "No summary written.", "letter"),
        Spacer(0, 3 * mm),
        table(
            ["Allergies, conditions, weight and kidney function", ""],
            [
                [
                    "Allergies",
                    "; ".join(data.allergies)
                    if data.allergies
                    else ("No known allergies" if data.no_known_allergies else "NOT RECORDED"),
                ],
                ["Conditions", "; ".join(data.conditions) or "none recorded"],
                ["Weight", data.weight or "not recorded"],
                ["eGFR", data.egfr or "not recorded"],
            ],
            [width * 0.2, width * 0.8],
            style="large",
        ),
        Paragraph("Medicines and the pharmacist's assessment", STYLES["h2"]),
    ]
    rows: list[list[object]] = []
    for line in data.lines:
        medicine = line.medicine if line.status == "active" else f"{line.medicine} ({line.status})"
        word = ASSESSMENT_WORDS.get(line.assessment, line.assessment)
        rows.append(
            [
                medicine,
                f"{line.dose}, {line.when}",
                para(word, "large_head") if line.assessment in CHANGES else word,
                line.reason,
            ]
        )
    story.append(
        table(
            ["Medicine", "Dose and when", "Assessment", "Reason"],
            rows or [["No medicines on the chart.", "", "", ""]],
            [width * 0.29, width * 0.23, width * 0.16, width * 0.32],
            style="large",
        )
    )
    story.append(Paragraph("What the MAR showed when the review was signed", STYLES["h2"]))
    if not data.signals:
        story.append(
            para("No signals: nothing in the MAR or the chart needed attention.", "letter")
        )
    for s in data.signals:
        text = s.detail + (f"\n{s.evidence}." if s.evidence else "") + f"\nSource: {s.source}"
        story.append(
            KeepTogether(
                table(
                    [f"{s.title}  ({s.severity})"],
                    [[_big(text)]],
                    [width],
                    style="large",
                )
            )
        )
        story.append(Spacer(0, 1.5 * mm))
    heading: list[Flowable] = [Paragraph("Recommendations to the GP", STYLES["h2"])]
    if not data.to_gp:
        story += [*heading, para("None: no change to prescribing is recommended.", "letter")]
    for n, r in enumerate(data.to_gp, start=1):
        what = f"{n}. {r.kind.upper()}" + (f": {r.medicine}" if r.medicine else "")
        rows = [[_big(r.text), _big(_status(r, zone))]]
        reply: list[tuple[object, ...]] = []
        if r.status in AWAITING_REPLY:  # the GP has answered the others: nothing to tick
            rows.append([_big(TO_GP_REPLY), ""])
            reply = [
                ("SPAN", (0, 2), (1, 2)),
                ("BACKGROUND", (0, 2), (1, 2), colors.white),
                ("TOPPADDING", (0, 2), (1, 2), 5),
                ("BOTTOMPADDING", (0, 2), (1, 2), 6),
            ]
        story.append(
            KeepTogether(
                [  # the heading stays with the first recommendation
                    *heading,
                    table(
                        [what, "Status"],
                        rows,
                        [width * 0.72, width * 0.28],
                        style="large",
                        extra=reply,
                    ),
                ]
            )
        )
        heading = []
        story.append(Spacer(0, 2 * mm))
    story.append(Paragraph("Recommendations to the home", STYLES["h2"]))
    story.append(
        table(
            ["Recommendation", "Status"],
            [
                [
                    f"{r.kind.upper()}"
                    + (f" ({r.medicine})" if r.medicine else "")
                    + f": {r.text}",
                    _status(r, zone),
                ]
                for r in data.to_home
            ]
            or [["None.", ""]],
            [width * 0.72, width * 0.28],
            style="large",
        )
    )
    story.append(
        KeepTogether(
            [
                Paragraph("Pharmacist's signature", STYLES["h2"]),
                para(
                    f"Signed electronically with their PIN by {data.pharmacist} "
                    f"({data.pharmacist_role}) on {signed:%d %b %Y at %H:%M} {signed:%Z}. "
                    "The signed review is kept in eMAR and cannot be edited.",
                    "letter",
                ),
                Spacer(0, 6 * mm),
                para(
                    "Signature: ______________________________     "
                    f"Name: {data.pharmacist}     Date: ____________",
                    "letter",
                ),
            ]
        )
    )
    return build(out, meta, story, wide=False)
