"""`emar catalogue import-dmd DIR`: the medicine catalogue from an NHSBSA dm+d release (NHS
TRUD, weekly); a nurse or manager signs for it with their password. `emar catalogue price`:
a pack's price, for what dm+d does not price."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from emar.cli.common import open_current, signed_by_password
from emar.domain.waste import money
from emar.infra.dmd import find_release
from emar.services.charts.dmd_import import ImportSummary, import_dmd
from emar.services.charts.prices import enter_price, pence

BAR = 30


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    catalogue = sub.add_parser("catalogue", parents=[common], help="the medicine catalogue")
    catalogue_sub = catalogue.add_subparsers(
        dest="catalogue_command", required=True, metavar="ACTION"
    )
    p = catalogue_sub.add_parser(
        "import-dmd",
        parents=[common],
        help="import or update the catalogue from a dm+d release folder (the password of the "
        "nurse or manager signing for it is read from a prompt or stdin)",
    )
    p.add_argument("folder", metavar="DIR", help="the unpacked release (with its GTIN file)")
    p.add_argument("--by", required=True, metavar="USER", help="the nurse or manager signing")
    p.set_defaults(func=cmd_import_dmd)
    p = catalogue_sub.add_parser(
        "price",
        parents=[common],
        help="record what a pack of a product costs, for the waste report (dm+d prices come "
        "with each import; this is for what dm+d does not price)",
    )
    p.add_argument("medicine", type=int, metavar="ID", help="the product's id")
    p.add_argument("--pack-size", required=True, type=int, help="dose units in the pack")
    p.add_argument("--price", required=True, help="the pack's price in pounds, e.g. 4.85")
    p.add_argument("--by", required=True, metavar="USER", help="the nurse or manager")
    p.set_defaults(func=cmd_price)


class ProgressLine:
    """Per file, the rows read: a bar redrawn in place on a terminal, else one line per file
    once it is read (logs and scripts)."""

    def __init__(self, out: TextIO) -> None:
        self.out, self.tty = out, out.isatty()
        self.current: tuple[str, int] | None = None

    def __call__(self, name: str, rows: int, done: int, size: int) -> None:
        if self.current is not None and self.current[0] != name:
            self._end()
        self.current = (name, rows)
        if self.tty:
            filled = BAR * done // size if size else BAR
            bar = "#" * filled + "." * (BAR - filled)
            self.out.write(f"\r{name:<28} [{bar}] {rows:>9,} rows")
            self.out.flush()

    def _end(self) -> None:
        if self.current is None:
            return
        name, rows = self.current
        if self.tty:
            self.out.write("\n")
        else:
            self.out.write(f"{name}: {rows:,} rows read\n")
        self.out.flush()
        self.current = None

    def finish(self) -> None:
        self._end()


def cmd_import_dmd(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    find_release(folder)  # a wrong folder is said before the password is asked
    db = open_current(args)
    staff_id = signed_by_password(db, args.by)
    progress = ProgressLine(sys.stderr)
    try:
        with db.write() as session:
            summary = import_dmd(session, staff_id, folder, progress)
    finally:
        progress.finish()
    print(report(summary))
    return 0


def cmd_price(args: argparse.Namespace) -> int:
    price = pence(args.price)  # a mistyped price is said before the password is asked
    db = open_current(args)
    staff_id = signed_by_password(db, args.by)
    with db.write() as session:
        name = enter_price(
            session, staff_id, args.medicine, args.pack_size, price, datetime.now(UTC)
        )
    print(f"Price recorded: {name}, a pack of {args.pack_size} for {money(price)}.")
    return 0


def report(summary: ImportSummary) -> str:
    lines = [
        f"dm+d release {summary.release} imported in {summary.seconds:.1f} s "
        f"({summary.rows_read:,} rows read).",
        f"Products: {summary.products_added:,} added, {summary.products_updated:,} updated, "
        f"{summary.unchanged:,} unchanged (VMPs {summary.vmps_added:,} added, "
        f"{summary.vmps_updated:,} updated; AMPs {summary.amps_added:,} added, "
        f"{summary.amps_updated:,} updated).",
        f"Ingredients: {summary.ingredients_added:,} added, {summary.ingredients_updated:,} "
        f"updated; amounts per dose unit written for {summary.amounts_written:,} products.",
        f"GTINs: {summary.gtins_added:,} added, {summary.gtins_updated:,} updated.",
    ]
    for title, counts in (
        ("Skipped", summary.skipped),
        ("Imported without ingredient amounts", summary.without_amounts),
    ):
        if counts:
            lines.append(f"{title}:")
            lines.extend(f"  {reason}: {count:,}" for reason, count in counts)
    if summary.gtin_conflicts:
        shown = ", ".join(summary.gtin_conflicts[:10])
        more = len(summary.gtin_conflicts) - 10
        lines.append(
            "Barcodes left on the product they were attached to by hand: "
            f"{shown}{f' and {more} more' if more > 0 else ''}."
        )
    return "\n".join(lines)
