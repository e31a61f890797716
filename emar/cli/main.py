"""The `emar` command: what IT and managers script. Same services as the GUI.

Every failure is one line on stderr and a non-zero exit; nothing is half-done because each
command's changes are one transaction.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from sqlalchemy.exc import IntegrityError

from emar.cli import (
    audit,
    catalogue,
    due,
    home,
    homely,
    labels,
    maintenance,
    order,
    receipt,
    report,
    review,
    scanner,
    setup,
    stock,
    user,
)
from emar.cli.common import EXIT_ERROR, common_options
from emar.errors import EmarError

GROUPS = (
    setup,
    due,
    scanner,
    audit,
    maintenance,
    report,
    order,
    receipt,
    stock,
    homely,
    review,
    labels,
    catalogue,
    user,
    home,
)
# How `emar --help` has always listed the commands, whichever module adds them.
ORDER = (
    "init",
    "demo",
    "due",
    "generate",
    "scanner",
    "audit",
    "backup",
    "restore",
    "export",
    "report",
    "order",
    "receipt",
    "stock",
    "homely",
    "review",
    "labels",
    "catalogue",
    "user",
    "home",
    "unit",
    "room",
    "resident",
)


def build_parser() -> argparse.ArgumentParser:
    common = common_options()
    parser = argparse.ArgumentParser(prog="emar", parents=[common], description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in GROUPS:
        group.register(sub, common)
    _in_order(sub, ORDER)
    return parser


def _in_order(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], order: Sequence[str]
) -> None:
    """List the commands in `order` in the help and in "invalid choice" (each must be there)."""
    parsers = dict(sub.choices)
    if set(parsers) != set(order):
        raise AssertionError(f"commands {sorted(parsers)} are not those listed: {order}")
    sub.choices.clear()  # the same dict argparse looks commands up in: reordered in place
    sub.choices.update((name, parsers[name]) for name in order)
    sub._choices_actions.sort(key=lambda action: order.index(action.dest))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "db"):
        args.db = None
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except EmarError as exc:
        print(f"emar: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except IntegrityError as exc:
        reason = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
        print(
            f"emar: the database refused the change ({reason}); nothing was saved.", file=sys.stderr
        )
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("emar: interrupted; nothing was saved.", file=sys.stderr)
        return EXIT_ERROR
