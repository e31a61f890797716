"""Printed labels (Code 128 via python-barcode on reportlab PDF sheets) and the scanner test sheet.

Sheets are A4 with 3 x 7 labels of 63.5 x 38.1 mm (the common L7160 layout), so they print on
stock label paper; a label's barcode is the app's own code (emar.devices.scan_parser.LABEL).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

import barcode
import zxingcpp
from barcode.writer import ImageWriter
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen.canvas import Canvas

from emar.domain.synthetic_ids import fake_gtin

LABEL_W, LABEL_H = 63.5 * mm, 38.1 * mm
COLS, ROWS = 3, 7
MARGIN_LEFT, MARGIN_TOP, GAP_X = 7.2 * mm, 15.1 * mm, 2.5 * mm

# What the self-test sheet carries, so a scan of it can be judged.
TEST_GTIN = fake_gtin(1)
TEST_GS1_HRI = f"(01)0{TEST_GTIN}(17)261231(10)TEST12(21)SER123"
TEST_GS1_PARTS = {
    "gtin": "0" + TEST_GTIN,
    "batch": "TEST12",
    "serial": "SER123",
    "expiry": date(2026, 12, 31),
}
TEST_CODE128 = "EMAR-S-SELFTEST"
TEST_EAN13 = fake_gtin(2)


@dataclass(frozen=True)
class Label:
    code: str  # what the barcode carries, e.g. "EMAR-R-12"
    title: str  # large line: a name
    lines: tuple[str, ...] = ()  # smaller lines: DOB, room, role...


def resident_label(resident_id: int, name: str, born: date, room: str, nhs: str) -> Label:
    return Label(
        f"EMAR-R-{resident_id}", name, (f"Born {born:%d %b %Y}   Room {room}", f"NHS {nhs}")
    )


def staff_badge(badge_code: str, name: str, role: str) -> Label:
    return Label(f"EMAR-S-{badge_code}", name, (role.replace("_", " ").capitalize(),))


def pack_label(chart_line_id: int, resident: str, medicine: str, dose: str) -> Label:
    return Label(f"EMAR-P-{chart_line_id}", resident, (medicine, dose))


def code128_png(value: str) -> bytes:
    out = io.BytesIO()
    barcode.get("code128", value, writer=ImageWriter()).write(
        out,
        options={
            "write_text": False,
            "module_width": 0.3,
            "module_height": 12,
            "quiet_zone": 4,
            "dpi": 300,
        },
    )
    return out.getvalue()


def _label_origin(index: int) -> tuple[float, float]:
    col, row = index % COLS, (index // COLS) % ROWS
    x = MARGIN_LEFT + col * (LABEL_W + GAP_X)
    y = A4[1] - MARGIN_TOP - (row + 1) * LABEL_H
    return x, y


def label_sheet(labels: Sequence[Label], out: Path | BinaryIO, *, title: str) -> int:
    """Write the labels as PDF pages of 21; returns the number of pages."""
    canvas = Canvas(str(out) if isinstance(out, Path) else out, pagesize=A4)
    canvas.setTitle(title)
    pages = 0
    for i, label in enumerate(labels):
        if i and i % (COLS * ROWS) == 0:
            canvas.showPage()
        if i % (COLS * ROWS) == 0:
            pages += 1
        x, y = _label_origin(i)
        canvas.setFont("Helvetica-Bold", 11)
        canvas.drawString(x + 3 * mm, y + LABEL_H - 7 * mm, _fit(canvas, label.title, 11, True))
        canvas.setFont("Helvetica", 8)
        for n, line in enumerate(label.lines[:2]):
            canvas.drawString(
                x + 3 * mm, y + LABEL_H - (11.5 + 4 * n) * mm, _fit(canvas, line, 8, False)
            )
        canvas.drawImage(
            ImageReader(io.BytesIO(code128_png(label.code))),
            x + 3 * mm,
            y + 2.5 * mm,
            width=LABEL_W - 6 * mm,
            height=14 * mm,
            preserveAspectRatio=True,
            anchor="sw",
        )
    if not labels:
        canvas.setFont("Helvetica", 12)
        canvas.drawString(20 * mm, A4[1] - 30 * mm, "No labels to print.")
        pages = 1
    canvas.save()
    return pages


def _fit(canvas: Canvas, text: str, size: float, bold: bool) -> str:
    font = "Helvetica-Bold" if bold else "Helvetica"
    limit = LABEL_W - 6 * mm
    while text and canvas.stringWidth(text, font, size) > limit:
        text = text[:-2] + "…"
    return text


def gs1_datamatrix_png(hri: str, scale: int = 8) -> bytes:
    """A GS1 DataMatrix (FNC1 first) for element strings written as "(01)...(17)..."."""
    symbol = zxingcpp.create_barcode(hri, zxingcpp.BarcodeFormat.DataMatrix, gs1=True)
    image = symbol.to_image(scale=scale)
    rows, cols = image.shape[:2]
    pil = Image.frombuffer("L", (cols, rows), bytes(memoryview(image)), "raw", "L", 0, 1)
    out = io.BytesIO()
    pil.save(out, format="PNG")
    return out.getvalue()


def ean13_png(gtin13: str) -> bytes:
    out = io.BytesIO()
    barcode.get("ean13", gtin13[:12], writer=ImageWriter()).write(
        out, options={"module_height": 15, "dpi": 300, "font_size": 8}
    )
    return out.getvalue()


def self_test_sheet(out: Path | BinaryIO) -> None:
    """A page of known codes: scanning each tells what the scanner sends (see scanner_check)."""
    canvas = Canvas(str(out) if isinstance(out, Path) else out, pagesize=A4)
    canvas.setTitle("eMAR scanner self-test sheet")
    width, height = A4
    canvas.setFont("Helvetica-Bold", 18)
    canvas.drawString(20 * mm, height - 25 * mm, "eMAR scanner self-test")
    canvas.setFont("Helvetica", 10)
    intro = (
        "Open Settings > Scanner in eMAR, then scan each code below. The screen shows what "
        "the scanner sent and whether its settings are right for medicine packs."
    )
    for n, line in enumerate(simpleSplit(intro, "Helvetica", 10, width - 40 * mm)):
        canvas.drawString(20 * mm, height - (33 + 5 * n) * mm, line)
    items = [
        (
            "1. GS1 DataMatrix, like a medicine pack (FMD)",
            gs1_datamatrix_png(TEST_GS1_HRI),
            40 * mm,
            40 * mm,
            TEST_GS1_HRI,
        ),
        (
            "2. Code 128, like an eMAR label",
            code128_png(TEST_CODE128),
            80 * mm,
            18 * mm,
            TEST_CODE128,
        ),
        ("3. EAN-13, like an older pack", ean13_png(TEST_EAN13), 50 * mm, 25 * mm, TEST_EAN13),
    ]
    y = height - 55 * mm
    for caption, png, w, h, text in items:
        canvas.setFont("Helvetica-Bold", 12)
        canvas.drawString(20 * mm, y, caption)
        canvas.drawImage(
            ImageReader(io.BytesIO(png)),
            25 * mm,
            y - h - 4 * mm,
            width=w,
            height=h,
            preserveAspectRatio=True,
            anchor="sw",
        )
        canvas.setFont("Helvetica", 9)
        canvas.drawString(25 * mm + w + 8 * mm, y - 10 * mm, text)
        y -= h + 22 * mm
    canvas.setFont("Helvetica", 8)
    canvas.drawString(
        20 * mm,
        15 * mm,
        "Test codes only: the product number is not a real medicine and the badge opens nothing.",
    )
    canvas.save()
