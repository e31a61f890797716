"""Reading reports back: their text, their barcodes, and that nothing is drawn out of place."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pdfplumber
import zxingcpp
from PIL import Image


def pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def page_texts(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def overflows(path: Path, margin: float = 20) -> list[str]:
    """Characters outside the printable page, or cut by a cell's vertical border (text wider
    than its cell runs over the grid line)."""
    problems: list[str] = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            borders = [e for e in page.edges if e["orientation"] == "v"]
            for ch in page.chars:
                if ch["text"].isspace():
                    continue
                if (
                    ch["x0"] < margin
                    or ch["x1"] > page.width - margin
                    or ch["top"] < margin
                    or ch["bottom"] > page.height - margin
                ):
                    problems.append(f"page {number}: {ch['text']!r} outside the page margins")
                    continue
                for e in borders:
                    inside = ch["x0"] + 0.3 < e["x0"] < ch["x1"] - 0.3
                    level = e["top"] < ch["bottom"] - 1 and e["bottom"] > ch["top"] + 1
                    if inside and level:
                        problems.append(
                            f"page {number}: {ch['text']!r} at x={ch['x0']:.0f} crosses a border"
                        )
                        break
    return problems


def barcodes(path: Path, page: int = 1, dpi: int = 200) -> list[str]:
    """Decode every barcode printed on a page, as a scanner would see the paper."""
    out = path.with_suffix(f".p{page}")
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-png",
            "-singlefile",
            "-f",
            str(page),
            "-l",
            str(page),
            str(path),
            str(out),
        ],
        check=True,
    )
    with Image.open(f"{out}.png") as image:
        return [b.text for b in zxingcpp.read_barcodes(image)]
