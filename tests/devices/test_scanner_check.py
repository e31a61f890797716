"""Judging self-test scans: what the sheet reveals about a scanner's settings."""

from emar.devices.labels import TEST_CODE128, TEST_EAN13
from emar.devices.scanner_check import check_test_scan

GS = "\x1d"
GS1 = "0105099999000011172612311" + f"0TEST12{GS}21SER123"


def test_a_well_set_scanner():
    report = check_test_scan("]d2" + GS1, suffix="\r")
    assert report.code == "GS1 DataMatrix" and report.ok
    text = " ".join(f.message for f in report.findings)
    assert "Keeps the GS separator" in text and "(]d2)" in text and "Ends each scan with CR" in text


def test_a_scanner_that_drops_gs_is_told_how_to_fix_it():
    report = check_test_scan(GS1.replace(GS, ""))
    assert report.code == "GS1 DataMatrix" and not report.ok
    assert any("Drops the GS separator" in f.message and not f.ok for f in report.findings)


def test_remapped_gs_is_accepted():
    report = check_test_scan(GS1.replace(GS, "|"))
    assert report.ok and any("maps it back" in f.message for f in report.findings)


def test_code128_and_ean13():
    assert check_test_scan(TEST_CODE128).code == "Code 128"
    assert check_test_scan(TEST_EAN13).code == "EAN-13"


def test_wedge_timing_too_slow_is_flagged():
    report = check_test_scan(TEST_EAN13, gaps_ms=[4, 6, 48], max_gap_ms=30)
    assert not report.ok and "48 ms apart" in report.findings[-1].message
    assert check_test_scan(TEST_EAN13, gaps_ms=[4, 6], max_gap_ms=30).ok


def test_anything_else_is_not_a_test_code_and_shows_invisible_characters():
    report = check_test_scan(f"hello{GS}\r")
    assert report.code == "not a test code" and not report.ok
    assert report.raw_visible == "hello<GS><CR>"
