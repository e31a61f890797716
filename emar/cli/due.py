"""`emar due`: what is due, overdue and missed now, resident by resident."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from emar.cli.common import open_current
from emar.domain.doses import DoseState
from emar.services.round.due import due_list

SHOWN_UNLESS_ASKED = ("due now", "overdue", "missed")


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("due", parents=[common], help="doses due, overdue or missed now")
    p.add_argument(
        "--state",
        action="append",
        choices=[s.value for s in DoseState],
        help="states to list (repeatable; default: due now, overdue, missed)",
    )
    p.set_defaults(func=cmd_due)


def cmd_due(args: argparse.Namespace) -> int:
    """Print what is due, overdue and missed now (or --at), resident by resident."""
    db = open_current(args)
    now = datetime.now(UTC)
    # not an argparse default: with action="append" the states asked for would add to it
    wanted = {DoseState(s) for s in args.state or SHOWN_UNLESS_ASKED}
    with db.read() as session:
        rounds = due_list(session, now)
    shown = 0
    for r in rounds:
        doses = [d for d in r.doses if d.state in wanted]
        if not doses:
            continue
        away = f" (in {r.away})" if r.away else ""
        print(f"{r.room}  {r.name}{away}")
        for d in doses:
            flag = " [time-critical]" if d.time_critical else ""
            print(f"    {d.medicine} {d.dose}{flag}: {d.why}")
            shown += 1
    if not shown:
        print("Nothing " + " or ".join(sorted(s.value for s in wanted)) + ".")
    return 0
