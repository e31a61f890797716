"""Turn any scanner input into one typed result. It never raises: garbage gets a clear message.

- GS1 DataMatrix / GS1-128 (EU FMD packs): GTIN (01), expiry (17, day 00 = end of month), batch
  (10), serial (21), national codes (710-715); with or without an AIM symbology identifier
  (]d2, ]C1, ]e0, ]Q3). Parsed with biip, whose error fields we read (it does not raise).
- EAN-13 / GTIN packs without GS1 data.
- The app's own Code 128 labels: resident (EMAR-R-<id>), staff badge (EMAR-S-<badge>), booked-in
  pack (EMAR-P-<chart line id>).

Keyboard-wedge scanners often drop the GS separator. Then a batch (variable length) runs on into
the serial that follows it; when that may have happened, the batch and serial are NOT returned
and the result says to fix the scanner setting, so a wrong batch is never stored. The batch or
serial may also have swallowed the expiry (AI 17): then `expiry_uncertain` says the carer must
read the date off the pack, and neither batch nor serial is returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import biip
from biip import ParseConfig

GS = "\x1d"
# Characters some scanners send instead of GS; "^]" is Ctrl+] typed as text by some wedges.
REMAPPED_GS = ("\x1d", "|", "~", "^]", "\u241d")
AIM_PREFIX = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
LABEL = re.compile(r"^EMAR-(?P<kind>[RSP])-(?P<value>[A-Z0-9]{1,20})$")
NATIONAL_AIS = ("710", "711", "712", "713", "714", "715")
HIDDEN_AI = re.compile(r"21.|71[0-5].")
# AI 17 and a date that could be real (YYMMDD, day 00 = end of month), not at the value's start
# (a batch or serial has at least one character of its own)
HIDDEN_EXPIRY = re.compile(r"(?<=.)17\d\d(0[1-9]|1[0-2])(0\d|[12]\d|3[01])")
# The longest GS1 DataMatrix a pack carries is far shorter; anything longer is not a scan (a stuck
# key, a pasted document) and is refused before any parsing.
MAX_SCAN_LENGTH = 512
UNKNOWN = "Not a barcode eMAR knows — scan again."
MISREAD = "The barcode was misread or is damaged — scan again."
EMPTY = "Nothing was read — scan again."


@dataclass(frozen=True)
class ParsedScan:
    """Exactly one of the kinds below; `problem` explains anything not understood or not trusted."""

    raw: str
    kind: str  # "pack" | "resident" | "staff" | "pack_label" | "unknown"
    gtin: str | None = None  # always GTIN-14
    expiry: date | None = None
    batch: str | None = None
    serial: str | None = None
    national_codes: dict[str, str] = field(default_factory=dict)
    label_value: str | None = None  # resident id, badge code or chart line id
    symbology: str | None = None  # the AIM identifier if the scanner sent one, e.g. "]d2"
    had_separator: bool = False
    problem: str | None = None  # in the carer's words, no parser jargon
    detail: str | None = None  # what the scanner sent and why it failed, behind "details"
    # no separator, no expiry read, and the batch or serial could hold one: read it off the pack
    expiry_uncertain: bool = False

    @property
    def ok(self) -> bool:
        return self.kind != "unknown"


def visible(raw: str) -> str:
    """The scan with invisible characters shown: <GS>, <CR>, <LF>, <TAB>, <0x..>."""
    names = {"\x1d": "<GS>", "\r": "<CR>", "\n": "<LF>", "\t": "<TAB>"}
    return "".join(names.get(ch, ch if ch.isprintable() else f"<0x{ord(ch):02x}>") for ch in raw)


def parse_scan(raw: str, *, separators: tuple[str, ...] = REMAPPED_GS) -> ParsedScan:
    """Never raises, by construction rather than by a catch-all (which would hide a bug as
    "not a barcode"): the tests feed it any text and any bytes. Linear in the scan's length,
    which is bounded before anything else is done."""
    if len(raw) > MAX_SCAN_LENGTH:
        return _unknown(raw[:MAX_SCAN_LENGTH], raw, f"longer than {MAX_SCAN_LENGTH} characters")
    text = raw.strip("\r\n\t ")
    if not text:
        return ParsedScan(raw, "unknown", problem=EMPTY, detail="The scanner sent no characters.")
    if any(ord(ch) < 32 and ch != GS for ch in text) or (not text.isprintable() and GS not in text):
        return _unknown(raw, text, "control characters")
    label = LABEL.match(text.upper())
    if label:
        kind = {"R": "resident", "S": "staff", "P": "pack_label"}[label["kind"]]
        return ParsedScan(raw, kind, label_value=label["value"])

    symbology = None
    aim = AIM_PREFIX.match(text)
    if aim:
        symbology = aim.group(0)
    elif text.startswith("]"):  # "]" starts only a symbology identifier; biip fails on a stub
        return _unknown(raw, text, "a broken symbology identifier")
    normalised = text
    for sep in separators:
        if sep != GS:
            normalised = normalised.replace(sep, GS)
    had_separator = GS in normalised
    result = biip.parse(normalised, config=ParseConfig(separator_chars=[GS]))

    if result.gs1_message is not None:
        return _from_gs1(raw, result.gs1_message, symbology, had_separator)
    if result.gtin is not None:
        return ParsedScan(
            raw,
            "pack",
            gtin=result.gtin.as_gtin_14(),
            symbology=symbology,
            had_separator=had_separator,
        )
    if result.gtin_error and "check digit" in result.gtin_error:
        return _unknown(raw, text, result.gtin_error, problem=MISREAD)
    digits = sum(ch.isdigit() for ch in result.value)
    if result.gs1_message_error and digits > len(result.value) // 2:
        return _unknown(raw, text, result.gs1_message_error, problem=MISREAD)
    return _unknown(raw, text, "not a pack, resident, badge or eMAR label")


def _unknown(raw: str, text: str, why: str, problem: str = UNKNOWN) -> ParsedScan:
    """A scan not understood: plain words for the carer, the raw text and reason behind them."""
    return ParsedScan(
        raw, "unknown", problem=problem, detail=f"The scanner sent: {visible(text)[:120]} ({why})"
    )


def _from_gs1(
    raw: str, message: biip.gs1_messages.GS1Message, symbology: str | None, had_separator: bool
) -> ParsedScan:
    strings = message.element_strings
    gtin_es = strings.get(ai="01")
    if gtin_es is None or gtin_es.gtin is None:
        return ParsedScan(
            raw,
            "unknown",
            symbology=symbology,
            problem="This barcode has no product number, so it is not a medicine pack — scan "
            "the pack's own barcode.",
            detail=f"The scanner sent: {visible(raw)[:120]} (GS1 without AI 01)",
        )
    expiry_es = strings.get(ai="17")
    batch_es = strings.get(ai="10")
    serial_es = strings.get(ai="21")
    national = {es.ai.ai: es.value for es in strings if es.ai.ai in NATIONAL_AIS}
    batch = batch_es.value if batch_es else None
    serial = serial_es.value if serial_es else None
    problem = None
    if not had_separator and expiry_es is None and _may_hide_expiry(strings):
        return ParsedScan(
            raw,
            "pack",
            gtin=gtin_es.gtin.as_gtin_14(),
            national_codes=national,
            symbology=symbology,
            problem=(
                "This scanner did not send the GS separator, so the expiry date may be hidden in "
                "the batch number: read the expiry date on the pack. Batch and serial were not "
                "recorded: set the scanner to send GS (ASCII 29) or map it (see Scanner settings)."
            ),
            expiry_uncertain=True,
        )
    if not had_separator and batch_es is not None and _batch_may_hide_more(strings, batch_es):
        problem = (
            "This scanner did not send the GS separator, so the batch may have run into the "
            "serial number. Batch and serial were not recorded: set the scanner to send GS "
            "(ASCII 29) or map it (see Scanner settings and the self-test sheet)."
        )
        batch = serial = None
    return ParsedScan(
        raw,
        "pack",
        gtin=gtin_es.gtin.as_gtin_14(),
        expiry=expiry_es.date if expiry_es else None,
        batch=batch,
        serial=serial,
        national_codes=national,
        symbology=symbology,
        had_separator=had_separator,
        problem=problem,
    )


def _batch_may_hide_more(
    strings: biip.gs1_element_strings.GS1ElementStrings,
    batch_es: biip.gs1_element_strings.GS1ElementString,
) -> bool:
    """A batch read to the end of the code, with no serial found, that contains what could be the
    start of a serial (AI 21) or a national code (AI 710-715): it may have swallowed them."""
    is_last = list(strings)[-1] is batch_es
    has_serial = strings.get(ai="21") is not None
    return is_last and not has_serial and HIDDEN_AI.search(batch_es.value) is not None


def _may_hide_expiry(strings: biip.gs1_element_strings.GS1ElementStrings) -> bool:
    """The last element, a batch or serial read to the end of the code, holds what could be an
    expiry (AI 17 and a date): without a separator no one can tell where it ended."""
    last = list(strings)[-1]
    return last.ai.ai in ("10", "21") and HIDDEN_EXPIRY.search(last.value) is not None
