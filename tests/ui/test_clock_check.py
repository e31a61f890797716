"""Each ward PC compares its clock with the database server's at start (and hourly): over 2
minutes off is a banner for IT, over 10 minutes stops recording on that PC. SQLite has no
server: its one PC's clock is the only clock."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from emar.domain.clock_skew import SkewState, skew_state
from emar.models import Administration
from emar.services.round.clock import clock_skew
from tests.support.homes import Home
from tests.support.round_window import open_window, scan, sign_in


def test_skew_states():
    assert skew_state(None) == SkewState.OK
    assert skew_state(timedelta(minutes=2)) == SkewState.OK
    assert skew_state(timedelta(minutes=-3)) == SkewState.WARN
    assert skew_state(timedelta(minutes=11)) == SkewState.BLOCK


def test_the_server_clock_is_read_on_postgresql_only(demo_db, backend):
    now = datetime.now(UTC)
    with demo_db.read() as s:
        skew = clock_skew(s, now - timedelta(minutes=7))
    if backend == "sqlite":
        assert skew is None
    else:
        assert timedelta(minutes=6) < skew < timedelta(minutes=8)


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_pc_a_few_minutes_off_shows_a_banner_for_it(qtbot, demo_db, tmp_path):
    window = open_window(
        qtbot, demo_db, tmp_path, lambda: datetime.now(UTC) - timedelta(minutes=3), skew=clock_skew
    )
    qtbot.waitUntil(window.clock_banner.isVisible, timeout=10_000)
    assert window.clock_banner.text() == (
        "This PC's clock is 3 min behind the database server's: please tell IT."
    )
    assert window.giving.blocked is None


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_pc_far_off_the_server_records_nothing(qtbot, demo_db, tmp_path):
    home = Home(demo_db)
    window = open_window(
        qtbot, demo_db, tmp_path, lambda: datetime.now(UTC) + timedelta(minutes=15), skew=clock_skew
    )
    qtbot.waitUntil(window.clock_banner.isVisible, timeout=10_000)
    assert "15 min ahead of the database server's: nothing can be recorded" in (
        window.clock_banner.text()
    )
    sign_in(qtbot, window, "mark")
    with demo_db.read() as s:
        before = s.scalar(select(func.count(Administration.id)))
    scan(qtbot, window, f"EMAR-R-{home.residents['Mary Jones']}", window.resident_loaded)
    scan(qtbot, window, home.gtins["Paracetamol"], window.verdict_shown)
    with qtbot.waitSignal(window.verdict_shown, timeout=10_000) as got:
        window.verdict.findChild(type(window.verdict.confirm), "dose_1").click()
    assert not got.args[0].blocked
    window.verdict.prn_reason.setText("Headache")
    window.verdict.confirm.click()
    assert window.verdict.headline.text().startswith("NOT RECORDED: This PC's clock is 15 min")
    qtbot.wait(200)
    with demo_db.read() as s:
        assert s.scalar(select(func.count(Administration.id))) == before


@pytest.mark.parametrize("backend", ["sqlite"])
def test_sqlite_has_no_server_clock_to_disagree_with(qtbot, demo_db, tmp_path):
    window = open_window(
        qtbot, demo_db, tmp_path, lambda: datetime.now(UTC) + timedelta(hours=5), skew=clock_skew
    )
    sign_in(qtbot, window, "mark")
    from PySide6.QtCore import QThreadPool

    assert QThreadPool.globalInstance().waitForDone(10_000)  # the clock check has answered
    qtbot.wait(50)
    assert not window.clock_banner.isVisible() and window.giving.blocked is None
