"""Make a report: gather its data in one read, draw the PDF, audit the printing.

One entry point for the CLI and the app, so both print the same thing. Long reports report
progress and can be cancelled between residents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

from emar.domain.ordering import CYCLE_DAYS
from emar.domain.periods import MAR_DAYS, days_from_today, last_days
from emar.domain.schedule import local_instant
from emar.domain.shifts import shift_now_ending
from emar.errors import ValidationError
from emar.infra.db import Database
from emar.infra.private_files import create_new, owner_only
from emar.reports.audit import render_audit, write_audit_csv
from emar.reports.audit_data import audit_data
from emar.reports.cd_register import render_cd_register
from emar.reports.cd_register_data import cd_register_data
from emar.reports.data import Scope, days_text, unit_name
from emar.reports.handover import render_handover
from emar.reports.handover_data import handover_data
from emar.reports.mar_chart import render_mar
from emar.reports.mar_chart_data import mar_data
from emar.reports.optimisation import render_optimisation
from emar.reports.optimisation_data import optimisation_data
from emar.reports.pdf import ReportMeta
from emar.reports.returns_list import render_disposals, render_returns_list
from emar.reports.review_letter import render_review_letter
from emar.reports.review_letter_data import review_letter_data
from emar.reports.waste import render_waste
from emar.reports.waste_data import waste_data
from emar.services.audit import record_event
from emar.services.audit.checkpoints import audit_head
from emar.services.charts.disposals import disposal_register, make_return_batch
from emar.services.home import get_home
from emar.services.permissions import Action, require
from emar.services.round.dose_outcomes import Progress

MAX_MAR_DAYS = MAR_DAYS  # one chart a cycle


class ReportKind(StrEnum):
    HANDOVER = "handover"
    AUDIT = "audit"
    MAR = "mar"
    CD_REGISTER = "cd-register"
    MEDICATION_REVIEW = "medication-review"  # one resident's signed review, for the GP
    OPTIMISATION = "optimisation"  # the home's medicines optimisation over a period
    RETURNS = "returns"  # makes a returns batch of everything pending, for the pharmacy to sign
    DISPOSALS = "disposals"  # the disposal register for a period
    WASTE = "waste"  # disposals and returns, costed, avoidable waste, the trend over cycles

    @property
    def per_staff(self) -> bool:
        """Only the audit is per staff member, and only it also writes its entries as CSV."""
        return self == ReportKind.AUDIT


TITLES = {
    ReportKind.HANDOVER: "Shift handover",
    ReportKind.AUDIT: "Administration audit",
    ReportKind.MAR: "MAR chart",
    ReportKind.CD_REGISTER: "Controlled drugs register",
    ReportKind.MEDICATION_REVIEW: "Medication review letter",
    ReportKind.OPTIMISATION: "Medicines optimisation",
    ReportKind.RETURNS: "Returns to pharmacy",
    ReportKind.DISPOSALS: "Disposal register",
    ReportKind.WASTE: "Medicines waste",
}
OPTIMISATION_DAYS = 91  # a quarter
WASTE_DAYS = 3 * CYCLE_DAYS  # the last three cycles


def default_period(kind: ReportKind, now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """What a report covers unless told otherwise: a handover, the shift now ending; a MAR,
    the cycle's days from today; the audit and the CD register, the cycle's days to today; the
    medicines optimisation, the last quarter (91 days) to today; the waste report, the last
    three 28-day cycles to today; a review letter prints its
    review, whatever the period (the cycle's days to today, for the record)."""
    if kind == ReportKind.HANDOVER:
        return shift_now_ending(now, zone)
    if kind == ReportKind.MAR:
        return days_from_today(now, zone)
    if kind == ReportKind.OPTIMISATION:
        return last_days(now, zone, OPTIMISATION_DAYS)
    if kind == ReportKind.WASTE:
        return last_days(now, zone, WASTE_DAYS)
    return last_days(now, zone)


@dataclass(frozen=True)
class ReportRequest:
    kind: ReportKind
    scope: Scope
    blank: bool = False  # MAR only: empty boxes for downtime
    csv_out: Path | None = None  # audit only
    review_id: int | None = None  # medication review letter: this review (default: the latest)


@dataclass(frozen=True)
class ReportMade:
    path: Path
    pages: int
    csv_rows: int | None = None


def make_report(
    db: Database,
    request: ReportRequest,
    out: Path,
    *,
    now: datetime,
    staff_id: int | None,
    printed_by: str,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ReportMade:
    scope = request.scope
    if scope.end <= scope.start:
        raise ValidationError("The report's end must be after its start.")
    batch_id = None
    if request.kind == ReportKind.RETURNS:  # a returns list is a new batch (nothing: no file)
        with db.write() as session:
            batch = make_return_batch(session, staff_id, now, "", made_by=printed_by)
            batch_id = batch.id
    with db.read() as session:
        if staff_id is not None:
            printed_by = require(session, staff_id, Action.RUN_REPORTS).full_name
        home = get_home(session)
        head = audit_head(session)
        meta = ReportMeta(
            TITLES[request.kind],
            home.name,
            printed_by,
            now,
            home.zone,
            f"Checkpoint: {head.short}" if head else None,
        )
        kind = request.kind
        render: Callable[[], tuple[int, int | None]]
        if kind == ReportKind.HANDOVER:
            handover = handover_data(session, scope, now, progress, cancelled)
            render = lambda: (render_handover(handover, meta, out), None)  # noqa: E731
        elif kind == ReportKind.AUDIT:
            audit = audit_data(session, scope, now, progress, cancelled)

            def render() -> tuple[int, int | None]:
                pages = render_audit(audit, meta, out)
                if request.csv_out is None:
                    return pages, None
                with open(
                    request.csv_out, "x", newline="", encoding="utf-8", opener=owner_only
                ) as f:
                    return pages, write_audit_csv(audit, f)

        elif kind == ReportKind.MEDICATION_REVIEW:
            if scope.resident_id is None:
                raise ValidationError("A medication review letter is for one resident: choose one.")
            letter = review_letter_data(session, scope.resident_id, request.review_id, now)
            render = lambda: (render_review_letter(letter, meta, out), None)  # noqa: E731
        elif kind == ReportKind.OPTIMISATION:
            optimisation = optimisation_data(session, scope.start, scope.end, now)
            render = lambda: (render_optimisation(optimisation, meta, out), None)  # noqa: E731
        elif kind == ReportKind.RETURNS:
            render = lambda: (render_returns_list(batch, meta, out), None)  # noqa: E731
        elif kind == ReportKind.DISPOSALS:
            rows = disposal_register(session, scope.start, scope.end, scope.unit_id)
            days = days_text(scope.start, scope.end, home.zone)
            period = f"{unit_name(session, scope.unit_id)}, {days}"
            render = lambda: (render_disposals(rows, meta, out, period), None)  # noqa: E731
        elif kind == ReportKind.WASTE:
            waste = waste_data(session, scope)
            render = lambda: (render_waste(waste, meta, out), None)  # noqa: E731
        elif kind == ReportKind.CD_REGISTER:
            register = cd_register_data(session, scope)
            render = lambda: (render_cd_register(register, meta, out), None)  # noqa: E731
        else:
            first = scope.start.astimezone(home.zone).date()
            last = scope.end.astimezone(home.zone).date()
            chart = mar_data(
                session,
                first,
                now,
                days=max(1, min(MAX_MAR_DAYS, (last - first).days or MAX_MAR_DAYS)),
                unit_id=scope.unit_id,
                resident_id=scope.resident_id,
                blank=request.blank,
                progress=progress,
                cancelled=cancelled,
            )
            render = lambda: (render_mar(chart, meta, out), None)  # noqa: E731
    # Drawing needs no database: the read transaction is over before it starts. The file holds
    # personal data, so it is created owner-only (and never over another file).
    _private_new_file(out)
    try:
        pages, csv_rows = render()
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    with db.write() as session:
        # who printed what, for which period: no names in the detail (the ids say whose)
        record_event(
            session,
            "report.printed",
            staff_id=staff_id,
            entity="report",
            entity_id=kind.value,
            detail={
                "start": scope.start,
                "end": scope.end,
                "unit_id": scope.unit_id,
                "resident_id": scope.resident_id,
                "staff_id": scope.staff_id,
                "medicine": scope.medicine,
                "blank": request.blank,
                "review_id": request.review_id,
                "return_batch_id": batch_id,
                "pages": pages,
                "csv": csv_rows is not None,
            },
        )
    return ReportMade(out, pages, csv_rows)


def _private_new_file(path: Path) -> None:
    try:
        create_new(path)
    except FileExistsError:
        raise ValidationError(f"{path} already exists; a report never overwrites a file.") from None
    except OSError as exc:
        raise ValidationError(f"Cannot write {path}: {exc.strerror}.") from None


def day_bounds(first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """From local midnight of `first` to local midnight after `last`."""
    return local_instant(first, time(0), zone), local_instant(
        last + timedelta(days=1), time(0), zone
    )
