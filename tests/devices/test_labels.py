"""Printed codes round-trip: render the PDF to an image, decode it with zxing-cpp, parse it back."""

import subprocess
from datetime import date
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from emar.devices.labels import (
    TEST_CODE128,
    TEST_EAN13,
    TEST_GS1_PARTS,
    label_sheet,
    pack_label,
    resident_label,
    self_test_sheet,
    staff_badge,
)
from emar.devices.scan_parser import parse_scan


def decode_pdf(pdf: Path, tmp_path: Path) -> list[zxingcpp.Barcode]:
    tmp_path.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-r", "300", "-gray", "-png", str(pdf), str(tmp_path / "page")], check=True
    )
    found = []
    for page in sorted(tmp_path.glob("page*.png")):
        found += zxingcpp.read_barcodes(Image.open(page), text_mode=zxingcpp.TextMode.Plain)
    return found


def test_label_sheet_codes_decode_and_parse_back(tmp_path):
    labels = [
        resident_label(i, f"Resident {i}", date(1936, 2, i), f"G{i:02d}", "999 000 0042")
        for i in range(1, 24)
    ]  # more than one page of 21
    labels += [
        staff_badge("B1001", "Amy Carter", "carer"),
        pack_label(317, "Mary Jones", "Paracetamol 500 mg tablets", "1-2 tablets"),
    ]
    pdf = tmp_path / "labels.pdf"
    assert label_sheet(labels, pdf, title="test") == 2
    decoded = decode_pdf(pdf, tmp_path)
    assert sorted(b.text for b in decoded) == sorted(label.code for label in labels)
    assert all(b.format == zxingcpp.BarcodeFormat.Code128 for b in decoded)
    parsed = {b.text: parse_scan(b.text) for b in decoded}
    assert parsed["EMAR-R-7"].kind == "resident" and parsed["EMAR-R-7"].label_value == "7"
    assert parsed["EMAR-S-B1001"].kind == "staff"
    assert parsed["EMAR-P-317"].kind == "pack_label"


def test_self_test_sheet_codes_decode_to_what_the_parser_expects(tmp_path):
    pdf = tmp_path / "selftest.pdf"
    self_test_sheet(pdf)
    decoded = {b.format: b for b in decode_pdf(pdf, tmp_path)}
    matrix = decoded[zxingcpp.BarcodeFormat.DataMatrix]
    assert matrix.content_type == zxingcpp.ContentType.GS1
    # what a scanner that keeps GS and sends the AIM identifier would type
    scan = parse_scan("]d2" + matrix.text)
    assert {
        "gtin": scan.gtin,
        "batch": scan.batch,
        "serial": scan.serial,
        "expiry": scan.expiry,
    } == TEST_GS1_PARTS
    assert decoded[zxingcpp.BarcodeFormat.Code128].text == TEST_CODE128
    assert parse_scan(decoded[zxingcpp.BarcodeFormat.EAN13].text).gtin == "0" + TEST_EAN13


@pytest.mark.parametrize("n", [0, 1])
def test_small_sheets(tmp_path, n):
    pdf = tmp_path / "s.pdf"
    labels = [staff_badge("B1", "A", "carer")][:n]
    assert label_sheet(labels, pdf, title="t") == 1
    assert pdf.read_bytes().startswith(b"%PDF")


def test_label_commands_print_what_the_database_holds(demo_db, tmp_path, capsys):
    from emar.cli import main

    url = demo_db.url.render_as_string(hide_password=False)
    assert main(["--db", url, "labels", "residents", "--out", str(tmp_path / "r.pdf")]) == 0
    assert "22 residents labels on 2 page(s)" in capsys.readouterr().out
    codes = sorted(b.text for b in decode_pdf(tmp_path / "r.pdf", tmp_path / "r"))
    assert len(codes) == 22 and all(c.startswith("EMAR-R-") for c in codes)
    assert main(["--db", url, "labels", "badges", "--out", str(tmp_path / "b.pdf")]) == 0
    badges = {b.text for b in decode_pdf(tmp_path / "b.pdf", tmp_path / "b")}
    assert "EMAR-S-B1001" in badges and len(badges) == 6
    assert (
        main(["--db", url, "labels", "packs", "--resident", "1", "--out", str(tmp_path / "p.pdf")])
        == 0
    )
    assert main(["--db", url, "labels", "packs", "--out", str(tmp_path / "x.pdf")]) == 1
    assert "give --resident" in capsys.readouterr().err
    assert main(["scanner", "test-sheet", "--out", str(tmp_path / "t.pdf")]) == 0
    assert (tmp_path / "t.pdf").read_bytes().startswith(b"%PDF")
