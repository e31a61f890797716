"""`emar report`: the same PDF reports as the app (handover, audit, MAR, CD register, a
resident's medication review letter, the home's medicines optimisation)."""

from __future__ import annotations

import argparse
import getpass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from emar.cli.common import open_current
from emar.domain.periods import MAR_DAYS, days_after
from emar.domain.schedule import local_instant
from emar.errors import EmarError
from emar.infra.private_files import never_overwrites
from emar.reports.data import Scope
from emar.reports.run import (
    OPTIMISATION_DAYS,
    TITLES,
    ReportKind,
    ReportRequest,
    day_bounds,
    default_period,
    make_report,
)
from emar.services.home import get_home, list_units
from emar.services.staff.accounts import staff_id_by_username


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("report", parents=[common], help="print a report as PDF")
    p.add_argument("kind", choices=[k.value for k in ReportKind])
    p.add_argument(
        "--from",
        dest="start",
        help="local date or date and time (default: the shift now ending for a handover, "
        f"{MAR_DAYS} days from today for a MAR, the last {MAR_DAYS} days for the audit and CD "
        f"register, the last {OPTIMISATION_DAYS} days for the medicines optimisation)",
    )
    p.add_argument("--to", dest="end", help="local date (included) or date and time")
    p.add_argument("--unit", help="unit name or id (default: the whole home)")
    p.add_argument(
        "--resident", type=int, help="one resident id (needed for a medication-review letter)"
    )
    p.add_argument(
        "--review", type=int, help="medication-review: this signed review (default: the latest)"
    )
    p.add_argument("--staff", help="one staff member's username (audit)")
    p.add_argument("--medicine", help="medicines whose name contains this (audit, CD register)")
    p.add_argument("--blank", action="store_true", help="MAR: empty boxes, for downtime")
    p.add_argument("--csv", help="audit: also write the entries to this CSV file")
    p.add_argument("--out", required=True, help="PDF file to write (must not exist)")
    p.set_defaults(func=cmd_report)


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


def _staff_id(session: Session, username: str | None) -> int | None:
    if not username:
        return None
    staff_id = staff_id_by_username(session, username)
    if staff_id is None:
        raise EmarError(f"No staff member with username {username!r}.")
    return staff_id


def _unit_id(session: Session, unit: str | None) -> int | None:
    """A unit named by its id or its name (any case)."""
    if not unit:
        return None
    units = {u.name.lower(): u.id for u in list_units(session, include_retired=True)}
    unit_id = int(unit) if unit.isascii() and unit.isdigit() else units.get(unit.lower())
    if unit_id not in units.values():
        raise EmarError(f"No unit {unit!r}; units: {', '.join(sorted(units))}.")
    return unit_id


def cmd_report(args: argparse.Namespace) -> int:
    db = open_current(args)
    kind = ReportKind(args.kind)
    out = Path(args.out)
    if out.exists():
        raise EmarError(never_overwrites(out, "a report"))
    if args.csv and not kind.per_staff:
        raise EmarError("--csv is for the audit report.")
    if kind == ReportKind.MEDICATION_REVIEW and args.resident is None:
        raise EmarError("A medication-review letter is for one resident: give --resident ID.")
    if args.review is not None and kind != ReportKind.MEDICATION_REVIEW:
        raise EmarError("--review is for the medication-review letter.")
    with db.read() as session:
        zone = get_home(session).zone
        staff_id = _staff_id(session, args.staff)
        unit_id = _unit_id(session, args.unit)
    if args.start is None:
        if args.end:
            raise EmarError("Give --from as well (the start of the period).")
        start, end = default_period(kind, datetime.now(UTC), zone)
    else:
        start = _when(args.start, zone, end=False)
        if args.end:
            end = _when(args.end, zone, end=True)
        elif kind == ReportKind.MAR:
            end = days_after(start, zone)
        else:
            raise EmarError("Give --to as well (the end of the period).")
    request = ReportRequest(
        kind,
        Scope(start, end, unit_id, args.resident, staff_id, args.medicine),
        blank=args.blank,
        csv_out=Path(args.csv) if args.csv else None,
        review_id=args.review,
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
