"""`emar order`: the monthly order for a 28-day cycle, drafted from the charts and the stock,
recorded (signed by `--by USER` with their password; lines marked not required with a reason)
and printed as the order list (PDF, and CSV with `--csv`)."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime
from pathlib import Path

from emar.cli.common import open_current, signed_by_password
from emar.errors import EmarError
from emar.reports.order_list import print_order, refuse_existing
from emar.services.charts.ordering import OrderChange, OrderExists, record_order


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser(
        "order",
        parents=[common],
        help="make the monthly order for a cycle and print the order list (the password of "
        "the person signing is read from a prompt or stdin)",
    )
    p.add_argument("--cycle-start", required=True, type=_day, metavar="DATE", help="YYYY-MM-DD")
    p.add_argument("--out", required=True, type=Path, metavar="FILE.pdf", help="the order list")
    p.add_argument("--csv", type=Path, metavar="FILE.csv", help="the same rows as CSV")
    p.add_argument("--by", required=True, metavar="USER", help="the person making the order")
    p.add_argument(
        "--not-required",
        action="append",
        default=[],
        type=_not_required,
        metavar="LINE_ID=REASON",
        help="a chart line not required this cycle, and why (repeat for more)",
    )
    p.add_argument(
        "--again",
        action="store_true",
        help="record another order for a cycle already ordered (only for what is still needed)",
    )
    p.set_defaults(func=cmd_order)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _not_required(text: str) -> tuple[int, str]:
    line, _, reason = text.partition("=")
    if not line.strip().isdigit() or not reason.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: give LINE_ID=REASON")
    return int(line), reason.strip()


def cmd_order(args: argparse.Namespace) -> int:
    out: Path = args.out
    refuse_existing(out, args.csv)
    changes = {line: OrderChange(not_required_reason=why) for line, why in args.not_required}
    db = open_current(args)
    staff_id = signed_by_password(db, args.by)
    now = datetime.now(UTC)
    with db.write() as session:
        try:
            order_id = record_order(
                session, staff_id, args.cycle_start, now, changes, again=args.again
            )
        except OrderExists as exc:
            raise EmarError(f"{exc} Add --again to record it all the same.") from None
    view = print_order(db, staff_id, order_id, out, args.csv, now)
    ordered = [x for x in view.lines if x.ordered]
    # apart: lines whose stock covers the cycle, and lines not ordered for a reason
    held = [x for x in view.lines if not x.ordered and x.status == "active"]
    held = [x for x in held if not x.not_required_reason]
    apart = len(view.lines) - len(ordered) - len(held)
    print(
        f"Order {order_id} for the cycle starting {view.cycle_start:%d %b %Y}: "
        f"{len(ordered)} lines to order ({sum(x.packs for x in ordered)} packs), "
        f"{len(held)} with enough in stock, {apart} not ordered (stopped, suspended or not "
        f"required); written to {out}" + (f" and {args.csv}" if args.csv else "") + "."
    )
    return 0
