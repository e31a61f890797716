"""Round-engine benchmark: `uv run python -m benchmarks.round_engine [--backend ...]`.

Builds a generated home (200 residents, ~10 chart lines each, a year of history by default; the
SQLite file is cached in benchmarks/.cache), then times, median and p95 over repeated runs:

- the due list for the whole home now             goal <= 50 ms on SQLite
- verification of one scan                        goal <= 5 ms
- recording one administration with its commit    goal <= 30 ms on SQLite (synchronous=FULL)
- a resident's 28-day MAR history                 goal <= 20 ms

Beside each, the floor: the same data fetched by one hand-written SQL statement, so the ratio
shows what our layers cost.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from emar.demo.generator import generate_home
from emar.domain.doses import DoseState
from emar.infra.db import Database, open_database
from emar.maintenance.migrate import upgrade_to_head
from emar.services.charts.mar import resident_mar
from emar.services.round.due import due_list
from emar.services.round.recording import record_given
from emar.services.round.verification import Intent, PackScan, verify

CACHE = Path(__file__).resolve().parent / ".cache"
GOALS = {"due list (home)": 50, "verify one scan": 5, "record + commit": 30, "28-day MAR": 20}

DUE_FLOOR = """
SELECT c.id, c.times_of_day, a.id, a.scheduled_at, a.outcome, s.initials
FROM chart_line c
LEFT JOIN administration a ON a.chart_line_id = c.id
     AND a.scheduled_at >= :since AND a.scheduled_at < :until
LEFT JOIN staff s ON s.id = a.staff_id
"""
VERIFY_FLOOR = """
SELECT c.id, a.id FROM medicine_gtin g
JOIN chart_line c ON c.medicine_id = g.medicine_id AND c.resident_id = :rid
LEFT JOIN administration a ON a.chart_line_id = c.id AND a.scheduled_at = :at
WHERE g.gtin = :gtin
"""
MAR_FLOOR = """
SELECT a.id, a.chart_line_id, a.scheduled_at, a.outcome, s.initials FROM administration a
JOIN chart_line c ON c.id = a.chart_line_id JOIN staff s ON s.id = a.staff_id
WHERE c.resident_id = :rid AND a.scheduled_at >= :since AND a.scheduled_at < :until
"""


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # warm caches: we measure the steady state a ward PC sees
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def p95(xs: list[float]) -> float:
    return sorted(xs)[max(0, int(len(xs) * 0.95) - 1)]


def build(db: Database, residents: int, days: int, now: datetime) -> None:
    upgrade_to_head(db, backup=False)
    t = time.perf_counter()
    with db.write() as s:
        counts = generate_home(s, residents=residents, days=days, now=now)
    print(f"  generated {counts} in {time.perf_counter() - t:.0f} s", flush=True)


def sqlite_db(residents: int, days: int, now: datetime) -> Database:
    CACHE.mkdir(exist_ok=True)
    cached = CACHE / f"home-{residents}-{days}.sqlite"
    if not cached.exists():
        print(f"building {cached.name} (once)", flush=True)
        db = open_database(f"sqlite:///{cached}.tmp")
        build(db, residents, days, now)
        db.dispose()
        Path(f"{cached}.tmp").rename(cached)
    work = CACHE / "bench.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.copy(cached, work)
    db = open_database(f"sqlite:///{work}")
    upgrade_to_head(db, backup=False)  # a home cached by an older eMAR
    return db


def run(db: Database, label: str, runs: int, now: datetime) -> list[tuple]:
    rng = random.Random(3)
    with db.read() as s:
        rounds = due_list(s, now)
        gtins = dict(
            s.execute(
                text(
                    "SELECT m.name || ' ' || m.strength || ' ' || m.form, g.gtin FROM medicine m "
                    "JOIN medicine_gtin g ON g.medicine_id = m.id"
                )
            ).all()
        )
        staff = s.execute(text("SELECT id FROM staff WHERE username = 'amy'")).scalar()
    due = [
        d
        for r in rounds
        for d in r.doses
        if d.state == DoseState.DUE
        and not d.controlled
        and "-" not in d.dose
        and d.medicine in gtins
    ]
    print(f"  {len(rounds)} residents, {len(due)} doses due now", flush=True)
    since, until = now - timedelta(hours=24), now + timedelta(hours=4)
    results = []

    with db.read() as s:
        ours = timed(lambda: due_list(s, now), runs)
        floor = timed(
            lambda: s.execute(text(DUE_FLOOR), {"since": since, "until": until}).all(), runs
        )
    results.append(("due list (home)", label, ours, floor))

    def one_intent():
        d = rng.choice(due)
        return Intent(
            d.resident_id,
            staff,
            now,
            pack=PackScan(gtins[d.medicine]),
            chart_line_id=d.chart_line_id,
            scheduled_at=d.scheduled_at,
        )

    with db.read() as s:
        ours = timed(lambda: verify(s, one_intent(), now), runs * 5)
        d0 = due[0]
        floor = timed(
            lambda: s.execute(
                text(VERIFY_FLOOR),
                {
                    "rid": d0.resident_id,
                    "at": d0.scheduled_at.replace(tzinfo=None) if db.is_sqlite else d0.scheduled_at,
                    "gtin": gtins[d0.medicine],
                },
            ).all(),
            runs * 5,
        )
    results.append(("verify one scan", label, ours, floor))

    pending = list(due)
    rng.shuffle(pending)

    def record_one() -> None:
        d = pending.pop()
        with db.write() as s:
            record_given(
                s,
                Intent(
                    d.resident_id,
                    staff,
                    now,
                    pack=PackScan(gtins[d.medicine]),
                    chart_line_id=d.chart_line_id,
                    scheduled_at=d.scheduled_at,
                ),
                now,
            )

    n = min(runs, len(pending) - 1)
    ours = timed(record_one, n)

    def floor_insert() -> None:
        with db.engine.connect() as conn, conn.begin():
            conn.execute(
                text(
                    "INSERT INTO audit_event (occurred_at, action, detail, prev_hash, "
                    "row_hash) VALUES (:t, 'bench', '{}', '', :h)"
                ),
                {"t": now, "h": f"{rng.random():.17f}"},
            )

    floor = timed(floor_insert, n)
    results.append(("record + commit", label, ours, floor))

    first_day = (now - timedelta(days=27)).date()
    rid = rounds[len(rounds) // 2].resident_id
    with db.read() as s:
        ours = timed(lambda: resident_mar(s, rid, first_day, now), runs)
        floor = timed(
            lambda: s.execute(
                text(MAR_FLOOR), {"rid": rid, "since": now - timedelta(days=28), "until": now}
            ).all(),
            runs,
        )
    results.append(("28-day MAR", label, ours, floor))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    results = []
    if args.backend in ("sqlite", "both"):
        print("SQLite", flush=True)
        db = sqlite_db(args.residents, args.days, now)
        results += run(db, "SQLite", args.runs, now)
        db.dispose()
    if args.backend in ("postgresql", "both"):
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from tests.support.pg_server import start_pg_server

        print(
            "PostgreSQL (throwaway server; fsync off, so commits are cheaper than real)", flush=True
        )
        server = start_pg_server()
        if server is None:
            print("  PostgreSQL binaries not found; skipped")
        else:
            try:
                import psycopg

                with psycopg.connect(server.url().replace("+psycopg", ""), autocommit=True) as c:
                    c.execute("CREATE DATABASE bench")
                db = open_database(server.url("bench"))
                build(db, args.residents, args.days, now)
                with db.engine.connect() as conn:
                    conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                        text("VACUUM ANALYZE")
                    )
                results += run(db, "PostgreSQL", args.runs, now)
                db.dispose()
            finally:
                server.stop()
    print()
    print(
        f"{'operation':<18} {'backend':<11} {'median':>8} {'p95':>8} {'floor':>8} "
        f"{'ratio':>6} {'goal':>6}"
    )
    for name, label, ours, floor in results:
        med, fl = statistics.median(ours), statistics.median(floor)
        print(
            f"{name:<18} {label:<11} {med:>6.1f}ms {p95(ours):>6.1f}ms {fl:>6.2f}ms "
            f"{med / fl if fl else float('inf'):>5.0f}x {GOALS[name]:>4}ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
