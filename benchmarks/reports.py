"""Report benchmark: `uv run python -m benchmarks.reports [--runs N]`.

On a generated home of 200 residents with 35 days of history (SQLite, cached in
benchmarks/.cache), times, median over repeated runs, the whole path a manager waits for (read,
classify, draw, write the file):

- the handover for one 12-hour shift, whole home        goal <= 2 s
- the audit for a month (30 days), whole home, + CSV    goal <= 30 s

Beside each, the floor: reportlab drawing the same number of rows as bare tables of plain strings
(no wrapping, no styling, no database), so the ratio shows what our layers cost.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import SimpleDocTemplate, Table

from benchmarks.round_engine import CACHE, build
from emar.infra.db import open_database
from emar.maintenance.migrate import upgrade_to_head
from emar.reports.audit_data import audit_data
from emar.reports.data import Scope
from emar.reports.handover_data import handover_data
from emar.reports.run import ReportKind, ReportRequest, make_report
from emar.services.home import get_home

GOALS = {"handover (shift)": 2.0, "audit (month)": 30.0}
RESIDENTS, DAYS = 200, 35


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def home_file() -> tuple[Path, datetime]:
    CACHE.mkdir(exist_ok=True)
    cached = CACHE / f"reports-{RESIDENTS}-{DAYS}.sqlite"
    if not cached.exists():
        print(f"building {cached.name} (once)", flush=True)
        tmp = Path(f"{cached}.tmp")
        db = open_database(f"sqlite:///{tmp}")
        build(db, RESIDENTS, DAYS, datetime.now(UTC))
        db.dispose()
        tmp.rename(cached)
    # the history ends when the file was built: report on the month before that
    return cached, datetime.fromtimestamp(cached.stat().st_mtime, UTC)


def bare_table(rows: int, columns: int, out: Path) -> None:
    """The rows as bare tables of plain strings: no wrapping, no style, no page furniture. In
    chunks, as the report does: one huge reportlab table re-measures its remainder at every
    page break and takes minutes (quadratic), which would be no floor at all."""
    data = [[f"r{r}c{c}" for c in range(columns)] for r in range(rows)]
    chunk = 250
    tables = [Table(data[i : i + chunk], repeatRows=1) for i in range(0, rows, chunk)]
    SimpleDocTemplate(str(out), pagesize=landscape(A4)).build(tables)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    path, built = home_file()
    db = open_database(f"sqlite:///{path}", create=False)
    upgrade_to_head(db, backup=False)  # a home cached by an older eMAR
    with db.read() as s:
        zone = get_home(s).zone
    local = built.astimezone(zone)
    shift_end = local.replace(hour=20, minute=0, second=0, microsecond=0)
    if shift_end > local:
        shift_end -= timedelta(days=1)
    shift = Scope(shift_end - timedelta(hours=12), shift_end)
    month = Scope(built - timedelta(days=30), built)
    folder = Path(tempfile.mkdtemp(prefix="emar-bench-"))
    results = []
    n = iter(range(10_000))

    for label, kind, scope, csv in (
        ("handover (shift)", ReportKind.HANDOVER, shift, False),
        ("audit (month)", ReportKind.AUDIT, month, True),
    ):

        def one(kind=kind, scope=scope, csv=csv) -> None:
            i = next(n)
            make_report(
                db,
                ReportRequest(kind, scope, csv_out=folder / f"{i}.csv" if csv else None),
                folder / f"{i}.pdf",
                now=built,
                staff_id=None,
                printed_by="benchmark",
            )

        ours = timed(one, args.runs)
        with db.read() as s:
            if kind == ReportKind.HANDOVER:
                rows = sum(len(r.items) + 1 for r in handover_data(s, scope, built).residents)
            else:
                rows = len(audit_data(s, scope, built).rows)
        floor = timed(lambda rows=rows: bare_table(rows, 11, folder / "floor.pdf"), args.runs)
        results.append((label, rows, ours, floor))

    print(f"\n{RESIDENTS} residents, SQLite, {args.runs} runs each (seconds)")
    print(f"{'report':<18} {'rows':>7} {'median':>8} {'max':>8} {'floor':>8} {'ratio':>6} goal")
    for label, rows, ours, floor in results:
        med, fl = statistics.median(ours), statistics.median(floor)
        goal = GOALS[label]
        verdict = "ok" if med <= goal else "MISSED"
        print(
            f"{label:<18} {rows:>7} {med:>8.2f} {max(ours):>8.2f} {fl:>8.2f} "
            f"{med / fl:>6.1f} <= {goal:.0f} s {verdict}"
        )
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
