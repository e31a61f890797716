"""One ward PC freezing in the middle of a write does not stop the home (PostgreSQL): the others
record for other residents at once, and for the same resident they get a clear "try again"
within seconds; nothing is half-written."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from emar.errors import DatabaseUnavailable
from emar.infra.db import open_database
from emar.models import Administration
from emar.services.round.recording import record_given
from tests.support.homes import Home, local

STALL = 12  # seconds a PC sits frozen holding its transaction open
AT = local(date(2026, 6, 10), 8, 5)


@pytest.mark.parametrize("backend", ["postgresql"])
@pytest.mark.slow
def test_a_stalled_pc_holds_up_no_one_else(home_db):
    url = home_db.url.render_as_string(hide_password=False)
    home = Home(home_db)
    stalled_pc, other_pc = open_database(url), open_database(url)
    holding, stalled_error = threading.Event(), []
    edith = _due(home_db, home, "Edith Baker")

    def freeze_mid_write() -> None:
        try:
            with stalled_pc.write() as s:
                record_given(s, home.intent("Mary Jones", "Amlodipine", AT), AT)
                holding.set()  # the resident's row is locked, an audit row waits to commit
                time.sleep(STALL)
        except Exception as exc:
            stalled_error.append(exc)
        holding.set()

    frozen = threading.Thread(target=freeze_mid_write)
    frozen.start()
    try:
        assert holding.wait(30)
        started = time.monotonic()
        with other_pc.write() as s:  # another resident: not held up
            record_given(s, home.intent("Edith Baker", None, AT, **edith), AT)
        assert time.monotonic() - started < 5
        started = time.monotonic()
        try_again = pytest.raises(DatabaseUnavailable, match="Try again in a moment")
        with try_again, other_pc.write() as s:  # the same resident: a clear "try again"
            record_given(s, home.intent("Mary Jones", "Amlodipine", AT), AT)
        assert time.monotonic() - started < 8
    finally:
        frozen.join(60)
        stalled_pc.dispose()
        other_pc.dispose()
    assert stalled_error == []  # the frozen PC's record itself went in when it woke
    with home_db.read() as s:
        per_dose = s.execute(
            select(Administration.chart_line_id, func.count()).group_by(
                Administration.chart_line_id
            )
        ).all()
    assert sorted(n for _, n in per_dose) == [1, 1]  # one each; nothing half-written


def _due(db, home, resident):
    """A resident's 08:00 dose of a fixed-dose medicine with a pack: its pack, line and time."""
    from emar.services.round.due import due_list
    from emar.services.round.verification import PackScan

    with db.read() as s:
        (r,) = due_list(s, AT, resident_ids=[home.residents[resident]])
    dose = next(
        d
        for d in r.doses
        if d.scheduled_at == local(date(2026, 6, 10), 8, 0)
        and not d.controlled
        and "-" not in d.dose
        and d.medicine.split(" ")[0] in home.gtins
    )
    return {
        "pack": PackScan(home.gtins[dose.medicine.split(" ")[0]]),
        "chart_line_id": dose.chart_line_id,
        "scheduled_at": dose.scheduled_at,
    }
