"""Eight ward PCs giving the same PRN at once, behind a barrier, at the same moment and at
moments that differ as PC clocks do: the PRN limits hold on both backends (hazard H6)."""

from __future__ import annotations

import multiprocessing
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from emar.infra.db import open_database
from emar.models import Administration
from tests.support.homes import Home, local
from tests.support.race_worker import give_prn_together

PROCESSES = 8
AT = local(date(2026, 6, 10), 14, 0)
REFUSALS = ("STOP: Limit reached", "STOP: Too soon")


@pytest.mark.slow
def test_eight_pcs_at_once_never_beat_the_prn_limits(templates):
    """Mary's paracetamol: at least 4 h apart, at most 4 in 24 h. Eight processes, one Pool,
    a fresh copy of the home for each race."""
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager, ctx.Pool(PROCESSES) as pool:

        def race(stamps):
            url = templates.copy_url("engine")
            db = open_database(url)
            home = Home(db)
            mary, gtin = home.residents["Mary Jones"], home.gtins["Paracetamol"]
            staff = [home.staff[u] for u in ("amy", "ben", "nina", "mark")]
            db.dispose()
            barrier = manager.Barrier(PROCESSES)
            now = max(stamps) + timedelta(minutes=1)
            results = pool.starmap(
                give_prn_together,
                [(url, staff[i % 4], mary, gtin, stamps[i], now, barrier) for i in range(8)],
            )
            with db.read() as s:
                given = sorted(s.scalars(select(Administration.administered_at)))
            db.dispose()
            assert all(r == "won" or r.startswith(REFUSALS) for r in results), results
            assert results.count("won") == len(given)
            return given

        # the same moment; clocks seconds apart; clocks minutes apart, stamped out of order
        for spread in (timedelta(0), timedelta(seconds=7), timedelta(minutes=-9)):
            given = race([AT + i * spread for i in range(PROCESSES)])
            assert len(given) == 1, (spread, given)
        # 4 h 5 min apart, each clear of the interval, offered at once in any order
        given = race([AT + i * timedelta(hours=4, minutes=5) for i in range(PROCESSES)])
        for i, first in enumerate(given):  # brute force: none within 4 h, no five in 24 h
            assert all(later - first >= timedelta(hours=4) for later in given[i + 1 :])
            assert len([t for t in given if timedelta(0) <= t - first < timedelta(hours=24)]) <= 4
        assert len(given) >= 4, given  # not simply refusing everything
