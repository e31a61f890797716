"""The `emar` command: what IT and managers script. Same services as the GUI.

Every failure is one line on stderr and a non-zero exit; nothing is half-done because each
command's changes are one transaction.
"""

from __future__ import annotations

import argparse
import getpass
import json
import queue
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from emar.demo.generator import generate_home
from emar.demo.home import DEMO_HISTORY_DAYS, build_demo_home
from emar.devices.labels import label_sheet, self_test_sheet
from emar.devices.scan_parser import parse_scan, visible
from emar.devices.serial_scanner import SerialScanner, find_scanner_ports
from emar.domain.doses import DoseState
from emar.domain.schedule import local_instant
from emar.errors import EmarError
from emar.infra.config import resolve_db_url
from emar.infra.db import Database, open_database
from emar.infra.private_files import ExistingFile, open_new
from emar.maintenance.backup import make_backup
from emar.maintenance.export import export_to_file
from emar.maintenance.migrate import current_revision, head_revision, upgrade_to_head
from emar.maintenance.restore import discard_restored, restore_backup
from emar.maintenance.ward_role import grant_ward_role
from emar.models import Role, Staff
from emar.reports.data import Scope
from emar.reports.run import TITLES, ReportKind, ReportRequest, day_bounds, make_report
from emar.services.audit import record_event
from emar.services.audit.checkpoints import Checkpoint, audit_head
from emar.services.audit.verify import verify_trail
from emar.services.charts.labels import pack_labels, resident_labels, staff_badges
from emar.services.home import get_home, list_units
from emar.services.permissions import setting_up
from emar.services.round.due import due_list
from emar.services.staff.accounts import add_staff
from emar.services.staff.signing import REFUSED, SignInRefused, refusal, sign_in, unlock

EXIT_ERROR = 1
EXIT_USAGE = 2


def _open_current(args: argparse.Namespace) -> Database:
    """Open a database that is already at the current schema."""
    db = open_database(resolve_db_url(args.db), create=False)
    current = current_revision(db)
    if current != head_revision():
        state = "has no eMAR schema" if current is None else f"is at schema {current}"
        raise EmarError(f"The database {state}; run 'emar init' first.")
    return db


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
    db = _open_current(args)
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


def cmd_due(args: argparse.Namespace) -> int:
    """Print what is due, overdue and missed now (or --at), resident by resident."""
    db = _open_current(args)
    now = datetime.now(UTC)
    wanted = {DoseState(s) for s in args.state}
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


def scan_json(raw: str) -> str:
    """One JSON line for a scan: raw (invisible characters shown), parsed fields, problem."""
    parsed = parse_scan(raw)
    return json.dumps(
        {
            "raw": visible(raw),
            "kind": parsed.kind,
            "gtin": parsed.gtin,
            "expiry": parsed.expiry.isoformat() if parsed.expiry else None,
            "batch": parsed.batch,
            "serial": parsed.serial,
            "national_codes": parsed.national_codes or None,
            "label": parsed.label_value,
            "symbology": parsed.symbology,
            "gs_separator": parsed.had_separator,
            "problem": parsed.problem,
        }
    )


def cmd_scanner_listen(args: argparse.Namespace) -> int:
    """Print each scan from a serial scanner as one JSON line until --count scans or Ctrl+C."""
    scans: queue.Queue[str] = queue.Queue()
    scanner = SerialScanner(
        args.port,
        scans.put,
        lambda state, message: print(f"emar: {message}", file=sys.stderr, flush=True),
        baud=args.baud,
        terminator=args.terminator,
    )
    scanner.start()
    deadline = time.monotonic() + args.seconds if args.seconds else None
    seen = 0
    try:
        while args.count is None or seen < args.count:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                break
            try:
                raw = scans.get(timeout=min(left, 0.5) if left is not None else 0.5)
            except queue.Empty:
                continue
            print(scan_json(raw), flush=True)
            seen += 1
    finally:
        scanner.stop()
    return 0


def cmd_scanner_ports(args: argparse.Namespace) -> int:
    found = find_scanner_ports()
    for device, description in found:
        print(f"{device}\t{description}")
    if not found:
        print("No known scanner is connected (a keyboard-wedge scanner does not show here).")
    return 0


def cmd_scanner_test_sheet(args: argparse.Namespace) -> int:
    with _new_file(Path(args.out), "a test sheet") as out:
        self_test_sheet(out)
    print(f"Scanner self-test sheet written to {args.out}.")
    return 0


def _new_file(path: Path, what: str) -> BinaryIO:
    try:
        return open_new(path, what)
    except ExistingFile as exc:
        raise EmarError(str(exc)) from None


def cmd_labels(args: argparse.Namespace) -> int:
    db = _open_current(args)
    now = datetime.now(UTC)
    with db.read() as session:
        if args.kind == "residents":
            labels = resident_labels(session, now, args.unit)
        elif args.kind == "badges":
            labels = staff_badges(session)
        else:
            if args.resident is None:
                raise EmarError("Pack labels are per resident: give --resident ID.")
            labels = pack_labels(session, args.resident, now)
    if not labels:
        raise EmarError(f"No {args.kind} labels to print.")
    with _new_file(Path(args.out), "a label sheet") as out:  # names, NHS numbers: owner-only
        pages = label_sheet(labels, out, title=f"eMAR {args.kind} labels")
    print(f"{len(labels)} {args.kind} labels on {pages} page(s) written to {args.out}.")
    return 0


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
    db = _open_current(args)
    with db.read() as session:
        head = audit_head(session)
    if head is None:
        raise EmarError("The audit trail is empty: nothing to checkpoint yet.")
    if args.out:
        with _new_file(Path(args.out), "a checkpoint") as out:
            out.write(head.to_json().encode() + b"\n")
        print(f"Checkpoint ({head.short}) written to {args.out}. Keep it off this system.")
    else:
        print(head.to_json())
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    db = _open_current(args)
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


def cmd_backup(args: argparse.Namespace) -> int:
    db = _open_current(args)
    made = make_backup(db, Path(args.file))
    with db.write() as session:
        record_event(session, "backup.made", detail={"file": made.path.name, "bytes": made.size})
    print(f"Backup written to {made.path} ({made.size:,} bytes, {made.kind}; {made.checked}).")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    db = restore_backup(Path(args.file), resolve_db_url(args.db))
    restored_at = current_revision(db)
    upgrade_to_head(db, backup=False)
    with db.write() as session:
        record_event(
            session,
            "backup.restored",
            detail={"file": Path(args.file).name, "schema": restored_at},
        )
    with db.read() as session:
        report = verify_trail(session)
    if not report.ok:
        discard_restored(db)
        print(
            f"emar: the backup's audit trail is BROKEN ({report.problems[0]}): its records "
            "cannot be trusted, so nothing was restored.",
            file=sys.stderr,
        )
        return EXIT_ERROR
    print(
        f"Restored {args.file} into {db.display_url} (schema {restored_at} -> "
        f"{current_revision(db)}); audit trail verified ({report.events} events)."
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    db = _open_current(args)
    out = Path(args.out)
    if out.exists():
        raise EmarError(f"{out} already exists; an export never overwrites a file.")
    with db.write() as session:
        counts = export_to_file(session, None, out)
    print(f"Exported {sum(counts.values()):,} rows from {len(counts)} tables to {out}.")
    return 0


def _when(text: str, zone: ZoneInfo, *, end: bool) -> datetime:
    """A local date (a whole day: --to includes it) or local date and time, as an instant."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return day_bounds(day, day, zone)[1 if end else 0]
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise EmarError(
            f"{text!r}: give a date (2026-11-22) or date and time (2026-11-22T08:00)."
        ) from None
    if moment.tzinfo is not None:
        return moment
    # a wall-clock time in the home's zone, under the DST rules the schedules use
    return local_instant(moment.date(), moment.time(), zone)


def cmd_report(args: argparse.Namespace) -> int:
    db = _open_current(args)
    kind = ReportKind(args.kind)
    out = Path(args.out)
    if out.exists():
        raise EmarError(f"{out} already exists; a report never overwrites a file.")
    if args.csv and kind != ReportKind.AUDIT:
        raise EmarError("--csv is for the audit report.")
    with db.read() as session:
        zone = get_home(session).zone
        staff_id = None
        if args.staff:
            staff_id = session.scalar(select(Staff.id).where(Staff.username == args.staff.lower()))
            if staff_id is None:
                raise EmarError(f"No staff member with username {args.staff!r}.")
        unit_id = None
        if args.unit:
            units = {u.name.lower(): u.id for u in list_units(session)}
            unit_id = (
                int(args.unit)
                if args.unit.isascii() and args.unit.isdigit()
                else units.get(args.unit.lower())
            )
            if unit_id not in units.values():
                raise EmarError(f"No unit {args.unit!r}; units: {', '.join(sorted(units))}.")
    start = _when(args.start, zone, end=False)
    if args.end:
        end = _when(args.end, zone, end=True)
    elif kind == ReportKind.MAR:
        end = start + timedelta(days=28)
    else:
        raise EmarError("Give --to as well (the end of the period).")
    request = ReportRequest(
        kind,
        Scope(start, end, unit_id, args.resident, staff_id, args.medicine),
        blank=args.blank,
        csv_out=Path(args.csv) if args.csv else None,
    )
    made = make_report(
        db,
        request,
        out,
        now=datetime.now(UTC),
        staff_id=None,
        printed_by=f"{getpass.getuser()} (emar command line)",
    )
    extra = f"; {made.csv_rows} entries in {args.csv}" if made.csv_rows is not None else ""
    print(f"{TITLES[kind]}: {made.pages} page(s) written to {out}{extra}.")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    if args.residents < 1 or args.days < 1:
        raise EmarError("--residents and --days must be at least 1.")
    db = _open_current(args)
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


def _read_secret(prompt: str, *, confirm: bool) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if confirm and getpass.getpass("Again: ") != first:
            raise EmarError("The two entries did not match; nothing was saved.")
        return first
    line = sys.stdin.readline()
    if not line:
        raise EmarError(f"Expected a line on standard input for: {prompt.strip(': ')}")
    return line.rstrip("\r\n")


def _signed_manager(db: Database, username: str | None) -> int | None:
    """The manager (or administrator) signing for a command, by their password; None while
    the home is being set up (no manager yet)."""
    with db.read() as session:
        if username is None:
            if setting_up(session):
                return None
            raise EmarError("Say who signs for this: --by MANAGER (a manager or administrator).")
    password = _read_secret(f"{username}'s password: ", confirm=False)
    with db.write() as session:  # committed either way: a failed sign-in is on record
        manager = sign_in(session, username, password)
        why = None if manager is not None else refusal(session, username=username)
    if manager is None:
        raise SignInRefused(why or REFUSED)
    return manager.id


def cmd_user_add(args: argparse.Namespace) -> int:
    db = _open_current(args)
    by = _signed_manager(db, args.by)
    password = _read_secret("Password: ", confirm=True)
    pin = _read_secret("PIN (4-8 digits, empty for none): ", confirm=True) or None
    with db.write() as session:
        staff = add_staff(
            session,
            username=args.name,
            full_name=args.full_name or args.name,
            role=args.role,
            password=password,
            pin=pin,
            badge_code=args.badge,
            added_by_id=by,
        )
    print(f"Added {staff.full_name} ({staff.username}) as {staff.role}.")
    return 0


def cmd_user_unlock(args: argparse.Namespace) -> int:
    """A manager lifts a lock: they sign with their own password (read like the others)."""
    db = _open_current(args)
    manager = _signed_manager(db, args.by)
    with db.write() as session:
        unlock(session, manager or -1, args.name)
    print(f"{args.name} may sign in and sign with their PIN again.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="database URL (default: $EMAR_DB_URL, else the file in the user data folder)",
    )
    parser = argparse.ArgumentParser(prog="emar", parents=[common], description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

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

    p = sub.add_parser("due", parents=[common], help="doses due, overdue or missed now")
    p.add_argument(
        "--state",
        action="append",
        choices=[s.value for s in DoseState],
        help="states to list (repeatable; default: due now, overdue, missed)",
    )
    p.set_defaults(func=cmd_due)

    p = sub.add_parser("generate", parents=[common], help="add a large generated home")
    p.add_argument("--residents", type=int, default=200)
    p.add_argument("--days", type=int, default=365, help="days of history")
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(func=cmd_generate)

    scanner = sub.add_parser("scanner", parents=[common], help="barcode scanners")
    scanner_sub = scanner.add_subparsers(dest="scanner_command", required=True, metavar="ACTION")
    p = scanner_sub.add_parser(
        "listen", parents=[common], help="print each scan from a serial scanner as JSON lines"
    )
    p.add_argument(
        "--port", required=True, help="device path or pyserial URL (loop://, socket://HOST:PORT)"
    )
    p.add_argument("--baud", type=int, default=9600)
    p.add_argument("--terminator", choices=["CR", "LF", "CRLF"], default="CR")
    p.add_argument("--count", type=int, help="stop after this many scans")
    p.add_argument("--seconds", type=float, help="stop after this long")
    p.set_defaults(func=cmd_scanner_listen)
    p = scanner_sub.add_parser("ports", parents=[common], help="list connected scanner ports")
    p.set_defaults(func=cmd_scanner_ports)
    p = scanner_sub.add_parser("test-sheet", parents=[common], help="write the self-test sheet")
    p.add_argument("--out", required=True, help="PDF file to write")
    p.set_defaults(func=cmd_scanner_test_sheet)

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

    p = sub.add_parser("report", parents=[common], help="print a report as PDF")
    p.add_argument("kind", choices=[k.value for k in ReportKind])
    p.add_argument("--from", dest="start", required=True, help="local date or date and time")
    p.add_argument("--to", dest="end", help="local date (included) or date and time")
    p.add_argument("--unit", help="unit name or id (default: the whole home)")
    p.add_argument("--resident", type=int, help="one resident id")
    p.add_argument("--staff", help="one staff member's username (audit)")
    p.add_argument("--medicine", help="medicines whose name contains this (audit, CD register)")
    p.add_argument("--blank", action="store_true", help="MAR: empty boxes, for downtime")
    p.add_argument("--csv", help="audit: also write the entries to this CSV file")
    p.add_argument("--out", required=True, help="PDF file to write (must not exist)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("labels", parents=[common], help="print Code 128 label sheets (PDF)")
    p.add_argument("kind", choices=["residents", "badges", "packs"])
    p.add_argument("--out", required=True, help="PDF file to write")
    p.add_argument("--unit", type=int, help="residents of this unit id only")
    p.add_argument("--resident", type=int, help="pack labels for this resident id")
    p.set_defaults(func=cmd_labels)

    user = sub.add_parser("user", parents=[common], help="staff accounts")
    user_sub = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    p = user_sub.add_parser(
        "add",
        parents=[common],
        help="add a member of staff (secrets read from a prompt or stdin lines: the signing "
        "manager's password, then the new password, then the PIN)",
    )
    p.add_argument("name", help="username")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--full-name", help="name shown on records (default: the username)")
    p.add_argument("--badge", help="staff badge code")
    p.add_argument(
        "--by",
        metavar="MANAGER",
        help="the manager or administrator adding them (their password is asked first); "
        "not needed for the first account of a new home",
    )
    p.set_defaults(func=cmd_user_add)
    p = user_sub.add_parser(
        "unlock",
        parents=[common],
        help="lift a sign-in and PIN lock (a manager signs with their password)",
    )
    p.add_argument("name", help="the locked person's username")
    p.add_argument("--by", required=True, metavar="MANAGER", help="the manager's username")
    p.set_defaults(func=cmd_user_unlock)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "db"):
        args.db = None
    if getattr(args, "command", None) == "due" and not args.state:
        args.state = ["due now", "overdue", "missed"]
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


if __name__ == "__main__":
    sys.exit(main())
