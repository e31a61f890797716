"""`emar review`: the pharmacist's signals, the review list and the recommendations.

Like `emar due` and `emar report`, reading acts as the machine's operator: it names no staff
member, so no role is checked (the GUI's screens pass the signed-in person's id). Moving a
recommendation on is signed: `--by USER` with that person's password (as `emar catalogue
import-dmd --by`), and their role must allow the step.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from emar.cli.common import open_current, signed_by_password
from emar.domain.review.ranking import ReviewStatus
from emar.domain.review.recommendations import STATUSES, status_named
from emar.errors import EmarError
from emar.services.home import get_home
from emar.services.review.records import (
    RecommendationView,
    list_recommendations,
    move_recommendation,
    recommendations_waiting,
)
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
    p = actions.add_parser("recommendations", parents=[common], help="recommendations, status")
    p.add_argument("--resident", type=int, help="one resident's id")
    p.add_argument("--open", action="store_true", help="only those not yet closed")
    p.add_argument("--json", action="store_true", help="JSON instead of text")
    p.add_argument("--at", help="as at this ISO date-time (default: now)")
    p.set_defaults(func=cmd_recommendations)
    p = actions.add_parser(
        "recommendation",
        parents=[common],
        help="record a recommendation's next step (the password of the person signing is read "
        "from a prompt or stdin)",
    )
    p.add_argument("id", type=int, metavar="ID", help="the recommendation's id")
    p.add_argument(
        "--status",
        required=True,
        type=status_named,
        choices=STATUSES[1:],
        help="the next status (outcome reviewed: 'outcome reviewed' or outcome_reviewed)",
    )
    p.add_argument("--reason", help="why (needed when declined, or actioned by hand)")
    p.add_argument("--by", required=True, metavar="USER", help="the person signing")
    p.set_defaults(func=cmd_recommendation)


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
        waiting = recommendations_waiting(session, None, now)
    if args.json:
        print(json.dumps([asdict(r) for r in rows], default=_plain, indent=2))
        return 0
    for r in rows:
        reviewed = f"reviewed {r.last_reviewed:%d %b %Y}" if r.last_reviewed else "never reviewed"
        counts = f"{r.urgent} urgent, {r.attention} attention, {r.info} info"
        print(f"{r.room:>5}  {r.name:<28} {r.status.value:<8} {reviewed}; {counts}")
        print(f"         {r.why}")
        for title in r.titles[:3]:
            print(f"         - {title}")
    if not rows:
        print("No residents.")
    due = sum(r.status != ReviewStatus.NOT_DUE for r in rows)
    print(f"\n{due} of {len(rows)} residents due or overdue a review. {waiting.words()}.")
    return 0


def _line(r: RecommendationView) -> str:
    to = "GP" if r.addressed_to == "gp" else "home"
    flag = "  OVERDUE" if r.overdue else ""
    due = f", due {r.due_on:%d %b %Y}" if r.due_on else ""
    medicine = f" [{r.medicine}]" if r.medicine else ""
    return f"#{r.id:<4} {r.status:<16} to {to:<4} {r.kind}: {r.text}{medicine}{due}{flag}"


def cmd_recommendations(args: argparse.Namespace) -> int:
    """Print the recommendations and their status, overdue first."""
    db = open_current(args)
    now = _now(args.at)
    with db.read() as session:
        rows = list_recommendations(
            session, None, now, resident_id=args.resident, open_only=args.open
        )
        zone = get_home(session).zone
    if args.json:
        print(json.dumps([asdict(r) for r in rows], default=_plain, indent=2))
        return 0
    if not rows:
        print("No recommendations.")
    current = None
    for r in sorted(rows, key=lambda r: (r.resident, r.id)):
        if r.resident_id != current:
            current = r.resident_id
            print(f"{r.resident} (resident {r.resident_id})")
        print(f"  {_line(r)}")
        last = r.history[-1]
        why = f": {last.reason}" if last.reason else ""
        print(f"        {last.status} {last.at.astimezone(zone):%d %b %Y %H:%M} by {last.by}{why}")
    return 0


def cmd_recommendation(args: argparse.Namespace) -> int:
    """Record the next step of a recommendation, signed by `--by` with their password."""
    db = open_current(args)
    staff_id = signed_by_password(db, args.by)
    with db.write() as session:
        view = move_recommendation(
            session, staff_id, args.id, args.status, datetime.now(UTC), args.reason
        )
    print(f"Recommendation {view.id} ({view.resident}) is now {view.status}.")
    return 0
