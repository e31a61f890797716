"""Pharmacist's signals benchmark: `uv run python -m benchmarks.review_signals`.

On the round-engine benchmark's generated home (200 residents, ~10 chart lines each, a year of
history; the SQLite file cached in benchmarks/.cache, built once), times, median and p95 over
repeated runs after a warm-up:

- signals for the whole home (`signals_for`)           goal <= 2 s
- the review list (`review_list`: the same and a sort)

Beside them, two floors on the same data: loading the facts alone (`load_review_facts`, what
the rules cost is the difference) and the 28 days of MAR entries fetched by one hand-written
SQL statement (what our loading layers cost). "Now" is pinned to the generated history's end
(its last entry + 1 hour), so every run sees the same MAR.
"""

from __future__ import annotations

import argparse
import statistics
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from benchmarks.round_engine import p95, sqlite_db, timed
from emar.services.review.signals import (
    home_thresholds,
    load_review_facts,
    review_list,
    signals_for,
)

GOAL_MS = 2000
ENTRIES_FLOOR = """
SELECT a.id, a.chart_line_id, a.scheduled_at, a.outcome, a.not_given_code, a.administered_at,
       a.note, s.initials
FROM administration a JOIN staff s ON s.id = a.staff_id
WHERE a.scheduled_at >= :since OR (a.scheduled_at IS NULL AND a.administered_at >= :since)
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    db = sqlite_db(args.residents, args.days, datetime.now(UTC).replace(second=0, microsecond=0))
    with db.read() as s:
        last = s.execute(text("SELECT max(administered_at) FROM administration")).scalar()
    end = last if isinstance(last, datetime) else datetime.fromisoformat(str(last))
    now = (end if end.tzinfo else end.replace(tzinfo=UTC)) + timedelta(hours=1)
    print(f"SQLite, {args.residents} residents, {args.days} days; now = {now:%Y-%m-%d %H:%M} UTC")

    def signals() -> object:
        with db.read() as s:
            return signals_for(s, now)

    def review() -> object:
        with db.read() as s:
            return review_list(s, None, now)

    def facts() -> object:
        with db.read() as s:
            return load_review_facts(s, now, home_thresholds(s), None)

    def floor() -> object:
        with db.read() as s:
            return s.execute(text(ENTRIES_FLOOR), {"since": now - timedelta(days=29)}).all()

    with db.read() as s:
        found = signals_for(s, now)
    kinds: dict[str, int] = {}
    for x in found:
        kinds[x.kind] = kinds.get(x.kind, 0) + 1
    print(f"  {len(found)} signals: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    rows = [
        ("Signals, whole home", timed(signals, args.runs), GOAL_MS),
        ("Review list, whole home", timed(review, args.runs), GOAL_MS),
        ("Floor: loading the facts alone", timed(facts, args.runs), None),
        ("Floor: 28 days of entries, one SQL", timed(floor, args.runs), None),
    ]
    print(f"  {'Operation':<38} {'median':>9} {'p95':>9}  goal")
    for label, times, goal in rows:
        met = "" if goal is None else f"{goal} ms {'met' if p95(times) <= goal else 'NOT met'}"
        print(f"  {label:<38} {statistics.median(times):>7.0f}ms {p95(times):>7.0f}ms  {met}")
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
