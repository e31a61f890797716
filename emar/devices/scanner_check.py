"""Judge a scan of the self-test sheet: is this scanner set up right for medicine packs?"""

from __future__ import annotations

from dataclasses import dataclass

from emar.devices.labels import TEST_CODE128, TEST_EAN13, TEST_GS1_PARTS
from emar.devices.scan_parser import GS, ParsedScan, parse_scan, visible

SUFFIX_NAMES = {"\r": "CR", "\n": "LF", "\r\n": "CRLF", "\t": "Tab", "enter": "Enter", "tab": "Tab"}


@dataclass(frozen=True)
class Finding:
    ok: bool
    message: str


@dataclass(frozen=True)
class TestScanReport:
    raw_visible: str
    code: str  # "GS1 DataMatrix", "Code 128", "EAN-13" or "not a test code"
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.findings)


def check_test_scan(
    raw: str,
    *,
    suffix: str | None = None,
    gaps_ms: list[float] | tuple[float, ...] | None = None,
    max_gap_ms: int | None = None,
    parsed: ParsedScan | None = None,
) -> TestScanReport:
    scan = parsed or parse_scan(raw)
    findings: list[Finding] = []
    if scan.gtin == TEST_GS1_PARTS["gtin"] and scan.expiry == TEST_GS1_PARTS["expiry"]:
        code = "GS1 DataMatrix"
        if GS in raw:
            findings.append(
                Finding(True, "Keeps the GS separator: batch and serial are read correctly.")
            )
        elif scan.had_separator:
            findings.append(Finding(True, "Sends GS as another character; eMAR maps it back."))
        else:
            findings.append(
                Finding(
                    False,
                    "Drops the GS separator: batch and serial cannot be "
                    "trusted. Set the scanner to transmit GS (ASCII 29, "
                    "FNC1) or to send it as Ctrl+].",
                )
            )
        if scan.batch is not None and scan.batch != TEST_GS1_PARTS["batch"]:
            findings.append(Finding(False, f"Batch read as {scan.batch!r}, expected 'TEST12'."))
    elif scan.kind == "staff" and scan.label_value == TEST_CODE128.rsplit("-", 1)[-1]:
        code = "Code 128"
        findings.append(Finding(True, "Reads eMAR's Code 128 labels."))
    elif scan.gtin == "0" + TEST_EAN13:
        code = "EAN-13"
        findings.append(Finding(True, "Reads EAN-13 pack barcodes."))
    else:
        code = "not a test code"
        findings.append(
            Finding(
                False,
                scan.problem or f"Read as a {scan.kind}, not a code from the self-test sheet.",
            )
        )
    if code != "not a test code":
        if scan.symbology:
            findings.append(Finding(True, f"Sends AIM symbology identifiers ({scan.symbology})."))
        else:
            findings.append(
                Finding(
                    True,
                    "Does not send AIM identifiers (optional: turning "
                    "them on lets eMAR tell a pack from a label at once).",
                )
            )
    if suffix is not None:
        findings.append(Finding(True, f"Ends each scan with {SUFFIX_NAMES.get(suffix, suffix)}."))
    if gaps_ms and max_gap_ms:
        worst = max(gaps_ms)
        findings.append(
            Finding(
                worst <= max_gap_ms,
                f"Keys arrived at most {worst:.0f} ms apart (limit {max_gap_ms} ms)."
                if worst <= max_gap_ms
                else f"Keys arrived up to {worst:.0f} ms apart, over the {max_gap_ms} ms "
                "limit: raise the limit or the scanner's keyboard speed.",
            )
        )
    return TestScanReport(visible(raw), code, tuple(findings))
