"""`emar labels`: Code 128 label sheets for residents, staff badges and a resident's packs."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from emar.cli.common import open_current
from emar.devices.labels import label_sheet
from emar.errors import EmarError
from emar.infra.private_files import open_new
from emar.services.charts.labels import pack_labels, resident_labels, staff_badges


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("labels", parents=[common], help="print Code 128 label sheets (PDF)")
    p.add_argument("kind", choices=["residents", "badges", "packs"])
    p.add_argument("--out", required=True, help="PDF file to write")
    p.add_argument("--unit", type=int, help="residents of this unit id only")
    p.add_argument("--resident", type=int, help="pack labels for this resident id")
    p.set_defaults(func=cmd_labels)


def cmd_labels(args: argparse.Namespace) -> int:
    db = open_current(args)
    now = datetime.now(UTC)
    with db.read() as session:
        if args.kind == "residents":
            labels = resident_labels(session, now, args.unit)
        elif args.kind == "badges":
            labels = staff_badges(session)
        else:
            if args.resident is None:
                raise EmarError("Pack labels are per resident: give --resident ID.")
            labels = pack_labels(session, args.resident, now)
    if not labels:
        raise EmarError(f"No {args.kind} labels to print.")
    with open_new(Path(args.out), "a label sheet") as out:  # names, NHS numbers: owner-only
        pages = label_sheet(labels, out, title=f"eMAR {args.kind} labels")
    print(f"{len(labels)} {args.kind} labels on {pages} page(s) written to {args.out}.")
    return 0
