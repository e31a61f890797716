"""`emar homely`: the home's homely remedies with their stock, the authorisations in force,
a remedy's stock book, and a GP's authorisation for a resident (signed by `--by USER` with their
password; its chart line waits for the second person's check in the app)."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime

from emar.cli.common import open_current, signed_by_password
from emar.services.charts.homely_remedies import authorise, homely_overview, stock_book
from emar.services.home import get_home


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("homely", parents=[common], help="homely remedies: list, stock, authorise")
    actions = p.add_subparsers(dest="homely_action", required=True)
    listing = actions.add_parser("list", help="the remedies, their stock and the authorisations")
    listing.set_defaults(func=cmd_list)
    stock = actions.add_parser("stock", help="a remedy's stock book with its running balance")
    stock.add_argument("--remedy", required=True, type=int, metavar="ID")
    stock.set_defaults(func=cmd_stock)
    auth = actions.add_parser("authorise", help="record a GP's authorisation for a resident")
    auth.add_argument("--resident", required=True, type=int, metavar="ID")
    auth.add_argument("--remedy", required=True, type=int, metavar="ID")
    auth.add_argument("--gp", required=True, help="the GP who authorised it")
    auth.add_argument("--on", type=date.fromisoformat, help="date authorised (default today)")
    auth.add_argument("--review", required=True, type=date.fromisoformat, metavar="YYYY-MM-DD")
    auth.add_argument("--hours", type=int, help="hours before the GP is told (default: protocol)")
    auth.add_argument("--by", required=True, metavar="USER", help="who records it")
    auth.set_defaults(func=cmd_authorise)


def cmd_list(args: argparse.Namespace) -> int:
    db = open_current(args)
    with db.read() as session:
        overview = homely_overview(session, datetime.now(UTC))
    for r in overview.remedies:
        print(
            f"remedy {r.id}: {r.medicine}, {r.dose} for {r.indication.lower()}; at least "
            f"{r.min_interval_minutes / 60:g} h apart, at most {r.max_doses_24h} in 24 h, GP told "
            f"after {r.max_duration_hours} h; in stock {r.balance.normalize():f}"
        )
    for a in overview.authorisations:
        due = " REVIEW DUE" if a.review_due else ""
        print(
            f"authorisation {a.id}: {a.resident}, {a.medicine}, by {a.gp_name} on "
            f"{a.authorised_on:%d/%m/%Y}, review by {a.review_date:%d/%m/%Y}{due}"
        )
    if not overview.remedies:
        print("No homely remedies on the home's list.")
    return 0


def cmd_stock(args: argparse.Namespace) -> int:
    db = open_current(args)
    with db.read() as session:
        book = stock_book(session, args.remedy)
    for r in book:
        extra = ", ".join(
            x
            for x in (
                f"batch {r.batch}" if r.batch else "",
                f"expiry {r.expiry:%d/%m/%Y}" if r.expiry else "",
                f"counted {r.counted.normalize():f}" if r.counted is not None else "",
                r.reason or "",
            )
            if x
        )
        print(
            f"{r.occurred_at:%Y-%m-%d %H:%M} UTC  {r.kind:<8} {r.quantity.normalize():>+6f}  "
            f"balance {r.balance.normalize():f}" + (f"  ({extra})" if extra else "")
        )
    return 0


def cmd_authorise(args: argparse.Namespace) -> int:
    db = open_current(args)
    staff_id = signed_by_password(db, args.by)
    now = datetime.now(UTC)
    with db.write() as session:
        on = args.on or now.astimezone(get_home(session).zone).date()
        auth_id = authorise(
            session, staff_id, args.resident, args.remedy, gp_name=args.gp, authorised_on=on,
            review_date=args.review, max_duration_hours=args.hours, at=now,
        )  # fmt: skip
    print(f"Authorisation {auth_id} recorded; its chart line waits for the second check.")
    return 0
