"""Setting a database up: `emar init` (create or upgrade, and the ward PCs' role), `emar demo`
(the demo home) and `emar generate` (a large generated home)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from emar.cli.common import open_current
from emar.demo.build import build_demo_home
from emar.demo.data import DEMO_HISTORY_DAYS
from emar.demo.generator import generate_home
from emar.errors import EmarError
from emar.infra.config import resolve_db_url
from emar.infra.db import open_database
from emar.maintenance.migrate import current_revision, upgrade_to_head
from emar.maintenance.ward_role import grant_ward_role


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("init", parents=[common], help="create or upgrade the database")
    p.add_argument(
        "--ward-role",
        metavar="ROLE",
        help="PostgreSQL: give this existing login role what ward PCs need, and no more",
    )
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", parents=[common], help="seed the demo care home")
    p.add_argument("--force", action="store_true", help="add it even if residents exist")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("generate", parents=[common], help="add a large generated home")
    p.add_argument("--residents", type=int, default=200)
    p.add_argument("--days", type=int, default=365, help="days of history")
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(func=cmd_generate)


def cmd_init(args: argparse.Namespace) -> int:
    db = open_database(resolve_db_url(args.db), create=True)
    backup = upgrade_to_head(db)
    if backup:
        print(f"Backed up the database to {backup}")
    print(f"Database ready: {db.display_url} (schema {current_revision(db)})")
    if args.ward_role:
        changeable = grant_ward_role(db, args.ward_role)
        print(
            f"Ward PCs connect as {args.ward_role}: it may read and add records, and update "
            f"only {', '.join(changeable)}; it cannot change or remove records or their "
            "safeguards."
        )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    db = open_current(args)
    with db.write() as session:
        counts = build_demo_home(
            session, datetime.now(UTC), force=args.force, history_days=DEMO_HISTORY_DAYS
        )
    print(
        f"Demo home created: {counts['residents']} residents, {counts['chart_lines']} chart lines, "
        f"{counts.get('scheduled_entries', 0) + counts.get('prn_entries', 0)} MAR entries over "
        f"the last {DEMO_HISTORY_DAYS} days. Demo logins are listed in README.md."
    )
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    if args.residents < 1 or args.days < 1:
        raise EmarError("--residents and --days must be at least 1.")
    db = open_current(args)
    with db.write() as session:
        counts = generate_home(
            session,
            residents=args.residents,
            days=args.days,
            now=datetime.now(UTC),
            seed=args.seed,
        )
    print(
        f"Generated {counts['residents']} residents, {counts['chart_lines']} chart lines, "
        f"{counts['scheduled_entries'] + counts['prn_entries']} MAR entries."
    )
    return 0
