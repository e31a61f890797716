"""One resident's review screen: `uv run python -m benchmarks.review_screen`.

On the round-engine benchmark's generated home (200 residents, ~10 chart lines each, a year of
history; cached in benchmarks/.cache), times what the review screen reads for one resident,
median and p95 over repeated runs after a warm-up, for several residents in turn:

- the page (`read_page`: the 28/90-day strips, allergies, health facts, chart, signals) and the
  signed reviews and recommendations beside it                      goal <= 150 ms

Beside it, a floor on the same data: the resident's chart alone (`resident_chart`). "Now" is
pinned to the generated history's end (its last entry + 1 hour).
"""

from __future__ import annotations

import argparse
import statistics
from datetime import UTC, datetime, timedelta
from itertools import cycle

from sqlalchemy import text

from benchmarks.round_engine import p95, sqlite_db, timed
from emar.services.charts.reading import resident_chart
from emar.services.review.records import list_recommendations, reviews_of
from emar.ui.review.review_window import read_page

GOAL_MS = 150


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    db = sqlite_db(args.residents, args.days, datetime.now(UTC).replace(second=0, microsecond=0))
    with db.read() as s:
        last = s.execute(text("SELECT max(administered_at) FROM administration")).scalar()
        ids = [int(i) for i in s.execute(text("SELECT id FROM resident ORDER BY id")).scalars()]
    end = last if isinstance(last, datetime) else datetime.fromisoformat(str(last))
    now = (end if end.tzinfo else end.replace(tzinfo=UTC)) + timedelta(hours=1)
    print(f"SQLite, {args.residents} residents, {args.days} days; now = {now:%Y-%m-%d %H:%M} UTC")
    residents = cycle(ids[:: max(1, len(ids) // 20)])

    def screen() -> object:
        rid = next(residents)
        with db.read() as s:
            return (
                read_page(s, None, rid, now),
                reviews_of(s, None, rid),
                list_recommendations(s, None, now, resident_id=rid),
            )

    def floor() -> object:
        rid = next(residents)
        with db.read() as s:
            return resident_chart(s, rid, now, include_finished=True)

    rows = [
        ("One resident's review screen", timed(screen, args.runs), GOAL_MS),
        ("Floor: the resident's chart alone", timed(floor, args.runs), None),
    ]
    print(f"  {'Operation':<38} {'median':>9} {'p95':>9}  goal")
    for label, times, goal in rows:
        met = "" if goal is None else f"{goal} ms {'met' if p95(times) <= goal else 'NOT met'}"
        print(f"  {label:<38} {statistics.median(times):>7.0f}ms {p95(times):>7.0f}ms  {met}")
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
