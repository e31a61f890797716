"""Scan parsing: real-shaped GS1 strings, EAN-13, app labels, and junk that must never raise."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emar.devices.scan_parser import parse_scan, visible

GS = "\x1d"
FMD = "0105012345678900172606301" + f"0AB12{GS}21XYZ987"  # GTIN, expiry, batch, serial


@pytest.mark.parametrize("prefix", ["", "]d2", "]C1", "]e0", "]Q3"])
@pytest.mark.parametrize("suffix", ["", "\r", "\n", "\r\n", "\t"])
def test_fmd_pack_with_or_without_aim_identifier_and_any_suffix(prefix, suffix):
    scan = parse_scan(prefix + FMD + suffix)
    assert scan.kind == "pack" and scan.problem is None
    assert (scan.gtin, scan.expiry, scan.batch, scan.serial) == (
        "05012345678900",
        date(2026, 6, 30),
        "AB12",
        "XYZ987",
    )
    assert scan.symbology == (prefix or None)
    assert scan.had_separator


def test_day_00_expiry_is_the_end_of_that_month():
    assert parse_scan("010501234567890017260200").expiry == date(2026, 2, 28)
    assert parse_scan("010501234567890017280200").expiry == date(2028, 2, 29)


def test_expired_pack_still_parses_with_its_date():
    scan = parse_scan("010501234567890017240131")
    assert scan.kind == "pack" and scan.expiry == date(2024, 1, 31)


@pytest.mark.parametrize("gs", ["|", "~", "^]", "\u241d"])
def test_remapped_separator_is_understood(gs):
    scan = parse_scan(FMD.replace(GS, gs))
    assert (scan.batch, scan.serial) == ("AB12", "XYZ987") and scan.problem is None


def test_dropped_separator_never_stores_a_wrong_batch():
    scan = parse_scan(FMD.replace(GS, ""))
    assert scan.kind == "pack" and scan.gtin == "05012345678900"
    assert scan.expiry == date(2026, 6, 30)  # fixed-length fields are still trustworthy
    assert scan.batch is None and scan.serial is None
    assert "did not send the GS separator" in scan.problem and "Scanner settings" in scan.problem


def test_serial_before_batch_needs_no_separator_at_the_end():
    scan = parse_scan(f"01050123456789001726063021SER1{GS}10LOT9")
    assert (scan.serial, scan.batch, scan.problem) == ("SER1", "LOT9", None)


def test_batch_last_without_serial_is_trusted_when_nothing_could_hide_in_it():
    scan = parse_scan("01050123456789001726063010LOT9")
    assert scan.batch == "LOT9" and scan.problem is None


def test_national_code_is_kept():
    scan = parse_scan(f"{FMD}{GS}714123456")
    assert scan.national_codes == {"714": "123456"}


def test_ean13_pack_compares_as_gtin14():
    scan = parse_scan("5012345678900")
    assert scan.kind == "pack" and scan.gtin == "05012345678900" and scan.batch is None


def test_bad_check_digit_says_misread():
    scan = parse_scan("5012345678901")
    assert scan.kind == "unknown" and "misread or is damaged" in scan.problem


@pytest.mark.parametrize(
    ("raw", "kind", "value"),
    [
        ("EMAR-R-42", "resident", "42"),
        ("EMAR-S-B1001", "staff", "B1001"),
        ("emar-p-317\r", "pack_label", "317"),
    ],
)
def test_app_labels(raw, kind, value):
    scan = parse_scan(raw)
    assert (scan.kind, scan.label_value) == (kind, value)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Nothing was read"),
        ("  \r\n", "Nothing was read"),
        ("hello world", "Not a barcode eMAR knows"),
        ("\x00\x01\xff", "Not a barcode eMAR knows"),
        ("0105012345678900172606317", "misread or is damaged"),
        ("EMAR-X-1", "Not a barcode eMAR knows"),
        ("9" * 100_000, "Not a barcode eMAR knows"),
    ],
)
def test_garbage_gets_a_clear_message(raw, message):
    scan = parse_scan(raw)
    assert scan.kind == "unknown" and message in scan.problem and not scan.ok
    assert scan.detail and scan.detail.startswith("The scanner sent")


def test_the_carer_sees_no_parser_jargon_and_details_keep_the_raw_text():
    scan = parse_scan(f"01ABC{GS}xyz")
    assert scan.problem == "Not a barcode eMAR knows — scan again."
    assert "01ABC<GS>xyz" in scan.detail


def test_invisible_characters_are_shown():
    assert visible(f"]d201{GS}x\r\n\t\x07") == "]d201<GS>x<CR><LF><TAB><0x07>"


GS1_LIKE = st.lists(
    st.sampled_from(["01", "17", "10", "21", "00", "11", "30", "710", "]d2", "]C1", GS, "|", "^]"])
    | st.text("0123456789ABCXYZ", max_size=14),
    max_size=12,
).map("".join)


@settings(max_examples=500)
@given(st.text() | GS1_LIKE)
def test_any_text_never_raises(raw):
    scan = parse_scan(raw)
    assert scan.kind in {"pack", "resident", "staff", "pack_label", "unknown"}
    assert scan.ok or scan.problem


@settings(max_examples=300)
@given(st.binary())
def test_any_bytes_never_raise(data):
    scan = parse_scan(data.decode("latin-1"))
    assert scan.ok or scan.problem


def test_a_megabyte_of_digits_is_refused_before_any_parsing(monkeypatch):
    """A stuck key or a pasted file: refused by its length, in one step (the GS1 parser is
    never given it, so its cost cannot grow with the input)."""
    import emar.devices.scan_parser as parser

    monkeypatch.setattr(parser.biip, "parse", lambda *a, **k: pytest.fail("parsed"))
    scan = parse_scan("9" * 1_000_000)
    assert scan.kind == "unknown" and "longer than 512" in scan.detail
    assert len(scan.raw) == 512  # nor is a megabyte kept


# --- an expiry the scan cannot show for certain (issue #16, rule 6) --------------------------
EXPIRY_MAY_HIDE = [
    # batch, then expiry and serial, GS dropped: "10ABC1231725123121SER" is all batch
    "]d2010501234567890010ABC1231725123121SER",
    # the same without the symbology identifier, as some wedges send it
    "010501234567890010ABC1231725123121SER",
    # serial first, then expiry and batch: the serial swallows both
    "]d2010501234567890021SER1725123110ABC",
    # the expiry's day 00 (end of month) is a date too
    "]d2010501234567890010LOT7172606002112345",
]


@pytest.mark.parametrize("raw", EXPIRY_MAY_HIDE)
def test_a_batch_or_serial_that_may_hide_the_expiry_is_not_trusted(raw):
    scan = parse_scan(raw)
    assert scan.kind == "pack" and scan.gtin == "05012345678900"
    assert scan.expiry_uncertain
    assert (scan.expiry, scan.batch, scan.serial) == (None, None, None)
    assert "read the expiry date on the pack" in scan.problem


def test_with_the_separator_the_same_pack_is_certain():
    scan = parse_scan(f"]d2010501234567890010ABC123{GS}1725123121SER")
    assert not scan.expiry_uncertain and scan.problem is None
    assert (scan.expiry, scan.batch, scan.serial) == (date(2025, 12, 31), "ABC123", "SER")


def test_an_expiry_before_the_batch_is_certain_without_a_separator():
    scan = parse_scan("]d201050123456789001725123110ABC123")
    assert not scan.expiry_uncertain and scan.problem is None
    assert (scan.expiry, scan.batch) == (date(2025, 12, 31), "ABC123")


@pytest.mark.parametrize(
    "raw",
    [
        "]d2010501234567890010ABC123",  # no AI 17 at all: no expiry, not uncertain
        "]d2010501234567890010AB17X",  # "17" but no date after it
        "]d2010501234567890010AB17251399",  # month 13: no date
        "]d20105012345678900101725123",  # "17" starts the batch: a batch is never empty
    ],
)
def test_no_expiry_is_not_an_uncertain_expiry(raw):
    scan = parse_scan(raw)
    assert scan.kind == "pack" and not scan.expiry_uncertain and scan.expiry is None


def _gs1_vector(source_line: int) -> dict:
    """A scan from the GS1 Syntax Engine's unit tests (tests/data/gs1, SOURCE.md)."""
    import json
    from pathlib import Path

    path = Path(__file__).parents[1] / "data/gs1/gs1_syntax_engine_scandata.json"
    for text in path.read_text().splitlines():
        text = text.strip().rstrip(",")
        if text.startswith("{"):
            case = json.loads(text)
            if case["source_line"] == source_line:
                return case
    raise AssertionError(source_line)


@pytest.mark.parametrize("source_line", [857, 884, 921])
def test_gs1_vectors_with_their_separator_dropped_hide_no_expiry(source_line):
    """(01)12312312312333(10)ABC123...: the batch, run on into what followed, holds no AI 17
    and a date, so nothing can hide an expiry: none, and not uncertain."""
    case = _gs1_vector(source_line)
    assert case["valid"] and "(10)ABC123" in case["expected"]
    scan = parse_scan(case["scan"].replace(GS, ""))
    assert scan.gtin == "12312312312333"
    assert not scan.had_separator and not scan.expiry_uncertain and scan.expiry is None


def test_a_gs1_vector_with_an_expiry_put_after_its_batch_becomes_uncertain():
    case = _gs1_vector(884)  # ]d2 01 12312312312333 10 ABC123 <GS> 99 TESTING
    with_expiry = case["scan"].replace(f"{GS}99TESTING", "17261231")
    scan = parse_scan(with_expiry)
    assert scan.gtin == "12312312312333" and scan.expiry_uncertain and scan.batch is None
    certain = parse_scan(case["scan"].replace(f"{GS}99TESTING", f"{GS}17261231"))
    assert certain.expiry == date(2026, 12, 31) and certain.batch == "ABC123"
