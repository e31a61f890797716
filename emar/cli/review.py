"""`emar review`: the pharmacist's signals and the review list (read-only).

Like `emar due` and `emar report`, the command line acts as the machine's operator: it names no
staff member, so no role is checked (the GUI's screens pass the signed-in person's id).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from emar.cli.common import open_current
from emar.errors import EmarError
from emar.services.review.signals import review_list, signals_for
from emar.services.round.facts import load_residents


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    review = sub.add_parser("review", parents=[common], help="the pharmacist's signals and list")
    actions = review.add_subparsers(dest="review_command", required=True, metavar="ACTION")
    p = actions.add_parser("signals", parents=[common], help="signals from the MAR and the chart")
    p.add_argument("--resident", type=int, help="one resident's id")
    p.add_argument("--json", action="store_true", help="JSON instead of text")
    p.add_argument("--at", help="as at this ISO date-time (default: now)")
    p.set_defaults(func=cmd_signals)
    p = actions.add_parser("list", parents=[common], help="residents ranked by need of a review")
    p.add_argument("--json", action="store_true", help="JSON instead of text")
    p.add_argument("--at", help="as at this ISO date-time (default: now)")
    p.set_defaults(func=cmd_list)


def _now(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)
    try:
        at = datetime.fromisoformat(text)
    except ValueError as exc:
        raise EmarError(f"--at {text!r} is not an ISO date-time (2026-06-10T12:00+01:00).") from exc
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def cmd_signals(args: argparse.Namespace) -> int:
    """Print each resident's signals, most severe first, with evidence and source."""
    db = open_current(args)
    now = _now(args.at)
    with db.read() as session:
        found = signals_for(session, now, [args.resident] if args.resident else None)
        who = {
            r.id: r for r in load_residents(session, resident_ids=[s.resident_id for s in found])
        }
    if args.json:
        print(json.dumps([asdict(s) for s in found], default=_plain, indent=2))
        return 0
    if not found:
        print("No signals.")
        return 0
    current = None
    for s in found:
        if s.resident_id != current:
            current = s.resident_id
            r = who[s.resident_id]
            print(f"{r.room:>5}  {r.name} (resident {r.id})")
        print(f"  [{s.severity.value.upper()}] {s.title}")
        print(f"      {s.detail}")
        evidence = ", ".join(f"{kind} {i}" for kind, i in s.evidence)
        if evidence:
            print(f"      Evidence: {evidence}")
        print(f"      Source: {s.source}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """Print residents in the order they most need a review."""
    db = open_current(args)
    now = _now(args.at)
    with db.read() as session:
        rows = review_list(session, None, now)
    if args.json:
        print(json.dumps([asdict(r) for r in rows], default=_plain, indent=2))
        return 0
    for r in rows:
        reviewed = f"reviewed {r.last_reviewed:%d %b %Y}" if r.last_reviewed else "never reviewed"
        counts = f"{r.urgent} urgent, {r.attention} attention, {r.info} info"
        print(f"{r.room:>5}  {r.name:<28} {r.status.value:<8} {reviewed}; {counts}")
        for title in r.titles[:3]:
            print(f"         - {title}")
    if not rows:
        print("No residents.")
    return 0
