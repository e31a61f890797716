"""`emar scanner`: listen to a serial scanner (each scan as a JSON line), list the ports
scanners are on, write the self-test sheet."""

from __future__ import annotations

import argparse
import json
import queue
import sys
import time
from pathlib import Path

from emar.devices.labels import self_test_sheet
from emar.devices.scan_parser import parse_scan, visible
from emar.devices.serial_scanner import SerialScanner, find_scanner_ports
from emar.infra.private_files import open_new


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    scanner = sub.add_parser("scanner", parents=[common], help="barcode scanners")
    scanner_sub = scanner.add_subparsers(dest="scanner_command", required=True, metavar="ACTION")
    p = scanner_sub.add_parser(
        "listen", parents=[common], help="print each scan from a serial scanner as JSON lines"
    )
    p.add_argument(
        "--port", required=True, help="device path or pyserial URL (loop://, socket://HOST:PORT)"
    )
    p.add_argument("--baud", type=int, default=9600)
    p.add_argument("--terminator", choices=["CR", "LF", "CRLF"], default="CR")
    p.add_argument("--count", type=int, help="stop after this many scans")
    p.add_argument("--seconds", type=float, help="stop after this long")
    p.set_defaults(func=cmd_scanner_listen)
    p = scanner_sub.add_parser("ports", parents=[common], help="list connected scanner ports")
    p.set_defaults(func=cmd_scanner_ports)
    p = scanner_sub.add_parser("test-sheet", parents=[common], help="write the self-test sheet")
    p.add_argument("--out", required=True, help="PDF file to write")
    p.set_defaults(func=cmd_scanner_test_sheet)


def scan_json(raw: str) -> str:
    """One JSON line for a scan: raw (invisible characters shown), parsed fields, problem."""
    parsed = parse_scan(raw)
    return json.dumps(
        {
            "raw": visible(raw),
            "kind": parsed.kind,
            "gtin": parsed.gtin,
            "expiry": parsed.expiry.isoformat() if parsed.expiry else None,
            "batch": parsed.batch,
            "serial": parsed.serial,
            "national_codes": parsed.national_codes or None,
            "label": parsed.label_value,
            "symbology": parsed.symbology,
            "gs_separator": parsed.had_separator,
            "problem": parsed.problem,
        }
    )


def cmd_scanner_listen(args: argparse.Namespace) -> int:
    """Print each scan from a serial scanner as one JSON line until --count scans or Ctrl+C."""
    scans: queue.Queue[str] = queue.Queue()
    scanner = SerialScanner(
        args.port,
        scans.put,
        lambda state, message: print(f"emar: {message}", file=sys.stderr, flush=True),
        baud=args.baud,
        terminator=args.terminator,
    )
    scanner.start()
    deadline = time.monotonic() + args.seconds if args.seconds else None
    seen = 0
    try:
        while args.count is None or seen < args.count:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                break
            try:
                raw = scans.get(timeout=min(left, 0.5) if left is not None else 0.5)
            except queue.Empty:
                continue
            print(scan_json(raw), flush=True)
            seen += 1
    finally:
        scanner.stop()
    return 0


def cmd_scanner_ports(args: argparse.Namespace) -> int:
    found = find_scanner_ports()
    for device, description in found:
        print(f"{device}\t{description}")
    if not found:
        print("No known scanner is connected (a keyboard-wedge scanner does not show here).")
    return 0


def cmd_scanner_test_sheet(args: argparse.Namespace) -> int:
    with open_new(Path(args.out), "a test sheet") as out:
        self_test_sheet(out)
    print(f"Scanner self-test sheet written to {args.out}.")
    return 0
