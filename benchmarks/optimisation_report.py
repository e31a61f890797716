"""Medicines-optimisation report benchmark: `uv run python -m benchmarks.optimisation_report`.

On the round-engine benchmark's generated home (200 residents, ~10 chart lines each, a year of
history; the SQLite file cached in benchmarks/.cache, built once), with 60 signed reviews and
180 recommendations in every status added to the working copy, times, median and p95 over
repeated runs after a warm-up, the whole path a manager waits for (read, compute, draw, write
the PDF, audit the printing):

- the optimisation report for a quarter (91 days to "now")     goal <= 10 s

Beside it, two floors on the same data: the home's signals alone (`signals_for`, which the
report includes, "signals now"), and the quarter's MAR entries counted by one hand-written SQL
statement (what reading the period costs at least). "Now" is pinned to the generated history's
end (its last entry + 1 hour).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path

from sqlalchemy import select, text

from benchmarks.round_engine import p95, sqlite_db, timed
from emar.infra.db import Database
from emar.models import ChartLine, Resident, Staff
from emar.models.review import (
    MedicationReview,
    Recommendation,
    RecommendationEvent,
    ReviewLineAssessment,
)
from emar.reports.data import Scope
from emar.reports.run import ReportKind, ReportRequest, make_report
from emar.services.review.signals import signals_for

GOAL_MS = 10_000
QUARTER = timedelta(days=91)
ENTRIES_FLOOR = """
SELECT count(*), sum(CASE WHEN a.not_given_code = 'R' THEN 1 ELSE 0 END)
FROM administration a
WHERE (a.scheduled_at >= :since AND a.scheduled_at < :until)
   OR (a.scheduled_at IS NULL AND a.administered_at >= :since AND a.administered_at < :until)
"""
STEPS = [
    (),
    ("sent",),
    ("sent", "accepted"),
    ("sent", "declined"),
    ("sent", "accepted", "actioned"),
    ("sent", "accepted", "actioned", "outcome reviewed"),
]


def add_reviews(db: Database, now: datetime, reviews: int = 60) -> None:
    """Signed reviews spread over the quarter, three recommendations each, in every status."""
    with db.write() as s:
        staff = s.scalars(select(Staff.id).order_by(Staff.id)).first()
        residents = list(s.scalars(select(Resident.id).order_by(Resident.id)).all())[:reviews]
        n = count()
        for i, rid in enumerate(residents):
            signed = now - QUARTER + timedelta(days=1 + i * 89 / max(1, len(residents)))
            lines = list(s.scalars(select(ChartLine.id).where(ChartLine.resident_id == rid)).all())[
                :4
            ]
            review = MedicationReview(
                resident_id=rid, pharmacist_id=staff, signed_at=signed, mode="in person",
                participants="nurse, resident", summary="benchmark",
            )  # fmt: skip
            s.add(review)
            s.flush()
            for line in lines:
                s.add(
                    ReviewLineAssessment(
                        review_id=review.id, chart_line_id=line, assessment="continue"
                    )
                )
            for j in range(3):
                rec = Recommendation(
                    review_id=review.id, resident_id=rid, addressed_to="gp" if j else "home",
                    kind="stop", text="benchmark", created_by_id=staff, created_at=signed,
                    chart_line_id=lines[j] if j < len(lines) else None,
                )  # fmt: skip
                s.add(rec)
                s.flush()
                at = signed
                for status in ("proposed", *STEPS[next(n) % len(STEPS)]):
                    at += timedelta(hours=6)
                    s.add(
                        RecommendationEvent(
                            recommendation_id=rec.id, status=status, staff_id=staff, at=at,
                            reason="benchmark" if status == "declined" else None,
                        )
                    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    db = sqlite_db(args.residents, args.days, datetime.now(UTC).replace(second=0, microsecond=0))
    with db.read() as s:
        last = s.execute(text("SELECT max(administered_at) FROM administration")).scalar()
    end = last if isinstance(last, datetime) else datetime.fromisoformat(str(last))
    now = (end if end.tzinfo else end.replace(tzinfo=UTC)) + timedelta(hours=1)
    add_reviews(db, now)
    print(f"SQLite, {args.residents} residents, {args.days} days; now = {now:%Y-%m-%d %H:%M} UTC")
    folder = Path(tempfile.mkdtemp())
    files = count()
    pages: list[int] = []

    def report() -> object:
        made = make_report(
            db,
            ReportRequest(ReportKind.OPTIMISATION, Scope(now - QUARTER, now)),
            folder / f"optimisation-{next(files)}.pdf",
            now=now,
            staff_id=None,
            printed_by="benchmark",
        )
        pages.append(made.pages)
        return made

    def signals() -> object:
        with db.read() as s:
            return signals_for(s, now)

    def floor() -> object:
        with db.read() as s:
            return s.execute(text(ENTRIES_FLOOR), {"since": now - QUARTER, "until": now}).all()

    rows = [
        ("Optimisation report, a quarter", timed(report, args.runs), GOAL_MS),
        ("Floor: the home's signals alone", timed(signals, args.runs), None),
        ("Floor: the quarter's entries, one SQL", timed(floor, args.runs), None),
    ]
    print(f"  the report: {pages[-1]} page(s)")
    print(f"  {'Operation':<38} {'median':>9} {'p95':>9}  goal")
    for label, times, goal in rows:
        met = "" if goal is None else f"{goal} ms {'met' if p95(times) <= goal else 'NOT met'}"
        print(f"  {label:<38} {statistics.median(times):>7.0f}ms {p95(times):>7.0f}ms  {met}")
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
