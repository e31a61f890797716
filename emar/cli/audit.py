"""`emar audit`: verify the hash-chained trail and the records it covers; write its head (a
checkpoint) to keep away from the database."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from emar.cli.common import EXIT_ERROR, open_current
from emar.errors import EmarError
from emar.infra.private_files import open_new
from emar.services.audit.checkpoints import Checkpoint, audit_head
from emar.services.audit.verify import verify_trail


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    audit = sub.add_parser("audit", parents=[common], help="the tamper-evident audit trail")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    p = audit_sub.add_parser(
        "verify", parents=[common], help="check the hash chain and the records it covers"
    )
    p.add_argument(
        "--checkpoint",
        action="append",
        metavar="FILE",
        help="a checkpoint the trail must still reach (several allowed)",
    )
    p.set_defaults(func=cmd_audit_verify)
    p = audit_sub.add_parser(
        "checkpoint",
        parents=[common],
        help="write the audit chain's head (keep it away from the database)",
    )
    p.add_argument("--out", metavar="FILE", help="write it to this new file (owner-only)")
    p.set_defaults(func=cmd_audit_checkpoint)


def _checkpoints(files: Sequence[str]) -> list[tuple[str, Checkpoint]]:
    found = []
    for name in files:
        try:
            found.append((name, Checkpoint.from_json(Path(name).read_text())))
        except OSError as exc:
            raise EmarError(f"Cannot read checkpoint {name}: {exc.strerror}.") from None
        except (ValueError, KeyError, TypeError):
            raise EmarError(f"{name} is not an eMAR audit checkpoint.") from None
    return found


def cmd_audit_checkpoint(args: argparse.Namespace) -> int:
    """The chain's head, to keep somewhere the database's users cannot reach."""
    db = open_current(args)
    with db.read() as session:
        head = audit_head(session)
    if head is None:
        raise EmarError("The audit trail is empty: nothing to checkpoint yet.")
    if args.out:
        with open_new(Path(args.out), "a checkpoint") as out:
            out.write(head.to_json().encode() + b"\n")
        print(f"Checkpoint ({head.short}) written to {args.out}. Keep it off this system.")
    else:
        print(head.to_json())
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    db = open_current(args)
    checkpoints = _checkpoints(args.checkpoint or [])
    with db.read() as session:
        report = verify_trail(session, checkpoints)
    if report.ok:
        reached = f", reaching {len(checkpoints)} checkpoint(s)" if checkpoints else ""
        print(
            f"Audit trail verified{reached}: {report.events} events; "
            f"{report.records} clinical records (administrations, PRN outcomes, stock, chart "
            "lines and their events, allergies, staff) match what was recorded."
        )
        return 0
    print(f"emar: audit trail BROKEN: {report.problems[0]}", file=sys.stderr)
    for problem in report.problems[1:]:
        print(f"  also: {problem}", file=sys.stderr)
    return EXIT_ERROR
