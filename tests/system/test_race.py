"""Two (eight) ward PCs recording the same doses at the same moment: exactly one wins each dose.

Real processes, real database files and server: 8 processes x 200 attempts on both backends.
"""

import multiprocessing
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from emar.domain.doses import DoseState
from emar.models import Administration
from emar.services.round.due import due_list
from tests.support.homes import Home, local
from tests.support.race_worker import attempt_doses

PROCESSES, ATTEMPTS = 8, 200
AT = local(date(2026, 6, 10), 8, 5)


@pytest.mark.slow
def test_eight_processes_one_winner_per_dose(home_db):
    home = Home(home_db)
    with home_db.read() as s:
        rounds = due_list(s, AT)
    gtin_of = home.gtins
    doses = [
        (d.resident_id, d.chart_line_id, d.scheduled_at, gtin_of[d.medicine.split(" ")[0]], None)
        for r in rounds
        for d in r.doses
        if d.state == DoseState.DUE
        and not d.controlled
        and "-" not in d.dose
        and d.medicine.split(" ")[0] in gtin_of
    ]
    assert len(doses) >= 10
    prn = (
        home.residents["Mary Jones"],
        home.line("Mary Jones", "Paracetamol", prn=True),
        None,
        home.gtins["Paracetamol"],
        Decimal(1),
    )
    url = home_db.url.render_as_string(hide_password=False)
    home_db.dispose()
    ctx = multiprocessing.get_context("spawn")
    staff = [home.staff[u] for u in ("amy", "ben", "nina", "mark")]
    with ctx.Pool(PROCESSES) as pool:
        results = pool.starmap(
            attempt_doses,
            [(url, staff[i % len(staff)], i, ATTEMPTS, doses, prn, AT) for i in range(PROCESSES)],
        )
    unexpected = [u for r in results for u in r["unexpected"]]
    assert unexpected == []
    wins = Counter(w for r in results for w in r["won"])
    assert sum(len(r["won"]) for r in results) + sum(r["lost"] for r in results) == (
        PROCESSES * ATTEMPTS
    )
    # PRN at the same instant: the first wins, every later one is "too soon"
    prn_key = (prn[1], None)
    assert wins.pop(prn_key) == 1
    assert set(wins) == {(line, when) for _, line, when, _, _ in doses}
    assert set(wins.values()) == {1}
    with home_db.read() as s:
        per_dose = s.execute(
            select(
                Administration.chart_line_id, Administration.scheduled_at, func.count()
            ).group_by(Administration.chart_line_id, Administration.scheduled_at)
        ).all()
    assert all(n == 1 for _, _, n in per_dose)
    assert len(per_dose) == len(doses) + 1
