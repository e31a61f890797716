"""`emar receipt`: the check of what arrived against a monthly order, item by item, urgent
first (read as `--by USER` with their password); `--out` writes it as a PDF, `--sign` records
the check as it stands, signed by that person."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from emar.cli.common import open_current, signed_by_password
from emar.errors import EmarError
from emar.infra.private_files import create_new
from emar.models import Staff
from emar.reports.pdf import ReportMeta
from emar.reports.receipt_check import item_text, render_receipt_check
from emar.services.audit import record_event
from emar.services.audit.checkpoints import audit_head
from emar.services.charts.receipt import Receipt, receipt_checks, reconcile, sign_receipt_check
from emar.services.home import get_home


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser(
        "receipt",
        parents=[common],
        help="check what arrived against a monthly order, print it and optionally sign it (the "
        "password of the person checking is read from a prompt or stdin)",
    )
    p.add_argument("--order", required=True, type=int, metavar="ID", help="the order's id")
    p.add_argument("--out", type=Path, metavar="FILE.pdf", help="the check as a PDF")
    p.add_argument("--sign", action="store_true", help="record the check, signed")
    p.add_argument("--note", help="a note to the signed check")
    p.add_argument("--by", required=True, metavar="USER", help="the person checking")
    p.set_defaults(func=cmd_receipt)


def cmd_receipt(args: argparse.Namespace) -> int:
    out: Path | None = args.out
    if out is not None and out.exists():
        raise EmarError(f"{out} already exists; the receipt check never overwrites a file.")
    if args.note and not args.sign:
        raise EmarError("A note goes with a signed check: add --sign.")
    db = open_current(args)
    staff_id = signed_by_password(db, args.by)
    now = datetime.now(UTC)
    receipt: Receipt
    if args.sign:
        with db.write() as session:
            check_id = sign_receipt_check(session, staff_id, args.order, now, args.note)
        with db.read() as session:
            (receipt,) = [c for c in receipt_checks(session, staff_id, args.order)
                          if c.id == check_id]  # fmt: skip
    else:
        with db.read() as session:
            receipt = reconcile(session, staff_id, args.order, now)
    for x in receipt.lines:
        print(item_text(x))
    urgent = len(receipt.urgent)
    summary = f"Order {receipt.order_id}: {len(receipt.lines)} items, {urgent} urgent" + (
        f"; check {check_id} signed" if args.sign else "; not signed"
    )
    if out is not None:
        with db.read() as session:
            home = get_home(session)
            head = audit_head(session)
            by = session.get_one(Staff, staff_id).full_name
        meta = ReportMeta(
            "Receipt check",
            home.name,
            by,
            now,
            home.zone,
            f"Checkpoint: {head.short}" if head else None,
        )
        create_new(out)
        pages = render_receipt_check(receipt, meta, out)
        with db.write() as session:
            record_event(
                session,
                "report.printed",
                staff_id=staff_id,
                entity="report",
                entity_id="receipt_check",
                detail={"order_id": args.order, "pages": pages, "signed": args.sign},
            )
        summary += f"; written to {out}"
    print(summary + ".")
    return 0
