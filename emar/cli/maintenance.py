"""`emar backup`, `emar restore` and `emar export`: copies of the whole database."""

from __future__ import annotations

import argparse
from pathlib import Path

from emar.cli.common import open_current
from emar.errors import EmarError
from emar.infra.config import resolve_db_url
from emar.infra.private_files import never_overwrites
from emar.maintenance.backup import make_backup
from emar.maintenance.export import export_to_file
from emar.maintenance.restore import restore_checked
from emar.services.audit import record_event


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("backup", parents=[common], help="write a checked backup of the database")
    p.add_argument("file", help="file to write (must not exist)")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", parents=[common], help="restore a backup into an empty database")
    p.add_argument("file", help="a file made by 'emar backup'")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser(
        "export", parents=[common], help="write every table as canonical JSON (owner-only file)"
    )
    p.add_argument("--out", required=True, help="JSON file to write (must not exist)")
    p.set_defaults(func=cmd_export)


def cmd_backup(args: argparse.Namespace) -> int:
    db = open_current(args)
    made = make_backup(db, Path(args.file))
    with db.write() as session:
        record_event(session, "backup.made", detail={"file": made.path.name, "bytes": made.size})
    print(f"Backup written to {made.path} ({made.size:,} bytes, {made.kind}; {made.checked}).")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    done = restore_checked(Path(args.file), resolve_db_url(args.db))
    print(
        f"Restored {args.file} into {done.db.display_url} (schema {done.schema_was} -> "
        f"{done.schema_now}); audit trail verified ({done.events} events)."
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    db = open_current(args)
    out = Path(args.out)
    if out.exists():
        raise EmarError(never_overwrites(out, "an export"))
    with db.write() as session:
        counts = export_to_file(session, None, out)
    print(f"Exported {sum(counts.values()):,} rows from {len(counts)} tables to {out}.")
    return 0
