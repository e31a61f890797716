"""`emar stock signals`: the home's stock signals (over-stock, stopped but still in stock,
expiring, short), for the home, a unit or a resident. Reading acts as the machine's operator,
as `emar due` and `emar review signals` do: no staff member is named."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from emar.cli.common import open_current
from emar.domain.wording import format_amount
from emar.errors import EmarError
from emar.services.charts.stock_signals import stock_signal_rows
from emar.services.home import unit_by_name


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    stock = sub.add_parser("stock", parents=[common], help="stock signals")
    actions = stock.add_subparsers(dest="stock_command", required=True, metavar="ACTION")
    p = actions.add_parser(
        "signals",
        parents=[common],
        help="over-stock, stopped but still in stock, expiring within 30 days, short",
    )
    p.add_argument("--unit", metavar="UNIT", help="one unit, by name")
    p.add_argument("--resident", type=int, metavar="ID", help="one resident's id")
    p.add_argument("--at", help="as at this ISO date-time (default: now)")
    p.set_defaults(func=cmd_signals)


def _now(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)
    try:
        at = datetime.fromisoformat(text)
    except ValueError as exc:
        raise EmarError(f"--at {text!r} is not an ISO date-time (2026-06-10T12:00+01:00).") from exc
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def cmd_signals(args: argparse.Namespace) -> int:
    """Print the signals resident by resident: the medicine, the signal and what to do."""
    db = open_current(args)
    now = _now(args.at)
    with db.read() as session:
        unit_id = unit_by_name(session, args.unit).id if args.unit else None
        rows = stock_signal_rows(session, None, now, unit_id=unit_id, resident_id=args.resident)
    if not rows:
        print("No stock signals.")
        return 0
    current = None
    for r in rows:
        if r.resident_id != current:
            current = r.resident_id
            print(f"{r.room:>5}  {r.resident} (resident {r.resident_id})")
        print(f"  [{r.signal.upper()}] {r.medicine} ({format_amount(r.quantity)}): {r.text}")
    return 0
