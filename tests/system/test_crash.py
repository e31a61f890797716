"""Crash safety: SIGKILL a process recording administrations at random moments, over and over.

After every kill: each record the process reported as committed is in the database, SQLite's
integrity_check is ok, and the audit hash chain verifies (no half-written row, no fork).
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from emar.domain.doses import DoseState
from emar.infra.db import open_database
from emar.models import Administration
from emar.services.audit.verify import verify_trail
from emar.services.round.due import due_list
from tests.support.crash_worker import Dose, record_until_killed
from tests.support.homes import Home, local

KILLS = 100
ROUND_TIMES = [(7, 35), (8, 5), (9, 5), (12, 5), (18, 5), (20, 5), (22, 5)]


def _doses(db, home: Home, days: int) -> list[Dose]:
    """Every plain scheduled dose (no witness, fixed dose, pack on file) over `days` days."""
    found: dict[tuple[int, object], Dose] = {}
    with db.read() as s:
        for d in range(days):
            for hh, mm in ROUND_TIMES:
                for r in due_list(s, local(date(2026, 6, 10) + timedelta(days=d), hh, mm)):
                    for dose in r.doses:
                        name = dose.medicine.split(" ")[0]
                        if (
                            dose.state == DoseState.DUE
                            and not dose.controlled
                            and "-" not in dose.dose
                            and name in home.gtins
                        ):
                            key = (dose.chart_line_id, dose.scheduled_at)
                            found[key] = (
                                dose.resident_id,
                                dose.chart_line_id,
                                dose.scheduled_at,
                                home.gtins[name],
                            )
    return sorted(found.values(), key=lambda x: (x[2], x[1]))


def _take(message, acked: dict[int, int], progress: list[int]) -> None:
    if isinstance(message, tuple):
        index, admin_id = message
        progress[0] = max(progress[0], index + 1)
        if admin_id is not None:
            acked[admin_id] = index


def _drain(pipe, acked: dict[int, int], progress: list[int]) -> None:
    """Everything the killed child said before it died."""
    while pipe.poll():
        try:
            message = pipe.recv()
        except (EOFError, OSError):
            return
        _take(message, acked, progress)


def _drain_until_record(pipe, acked: dict[int, int], progress: list[int]) -> None:
    """Wait (up to 10 s) until the child reports a committed record."""
    before = len(acked)
    while len(acked) == before and pipe.poll(10):
        message = pipe.recv()
        if message == "done":
            return
        _take(message, acked, progress)


@pytest.mark.slow
def test_killed_at_random_moments_nothing_acknowledged_is_lost(home_db):
    home = Home(home_db)
    doses = _doses(home_db, home, days=20)
    assert len(doses) > 300
    url = home_db.url.render_as_string(hide_password=False)
    home_db.dispose()  # no open connection may be shared with a forked child
    ctx = multiprocessing.get_context("fork")
    rng = random.Random(20261122)
    acked: dict[int, int] = {}
    progress = [0]
    kills = 0
    checker = open_database(url, create=False)
    while kills < KILLS and progress[0] < len(doses):
        receive, send = ctx.Pipe(duplex=False)
        child = ctx.Process(
            target=record_until_killed,
            args=(url, home.staff["amy"], doses, progress[0], send),
            daemon=True,
        )
        child.start()
        send.close()
        assert receive.poll(30), "the recording process did not start"
        assert receive.recv() == "ready"
        # A random moment: mid-transaction, mid-commit, between records. Half the kills come
        # after the first record, so they land among commits however slow this machine is.
        if rng.random() < 0.5:
            _drain_until_record(receive, acked, progress)
        receive.poll(rng.uniform(0.0, 0.2))
        os.kill(child.pid, signal.SIGKILL)
        child.join(10)
        assert child.exitcode == -signal.SIGKILL
        kills += 1
        _drain(receive, acked, progress)
        receive.close()
        checker.dispose()
        with checker.read() as s:
            present = set(
                s.scalars(select(Administration.id).where(Administration.id.in_(list(acked)))).all()
            )
            report = verify_trail(s)
        missing = set(acked) - present
        assert not missing, f"after kill {kills}: acknowledged records lost: {sorted(missing)}"
        assert report.ok, f"after kill {kills}: {report.problems}"
        if checker.is_sqlite:
            with sqlite3.connect(checker.sqlite_path) as raw:
                assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            raw.close()
    checker.dispose()
    assert kills == KILLS, f"ran out of doses after {kills} kills; make the dose list longer"
    assert len(acked) >= KILLS // 2  # the processes really were recording, not dying at the start
