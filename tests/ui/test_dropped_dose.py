"""Code D on the round (offscreen, both backends): the dose's disposal is recorded with it; for
a witnessed controlled drug the witness's username and PIN are asked, and without them nothing
is recorded."""

from datetime import date

from sqlalchemy import func, select

from emar.models import Administration, StockMovement
from tests.support.homes import PINS, Home, local
from tests.support.round_window import open_window, scan, sign_in

AT = local(date(2026, 6, 11), 9, 5)  # Arthur Price's fentanyl patch (Schedule 2) is due


def _select_dose(window, medicine):
    row = next(
        i
        for i in range(window.work.page.doses.rowCount())
        if window.work.page.doses.row(i).medicine.startswith(medicine)
    )
    window.work.page.dose_view.selectRow(row)


def _counts(db):
    with db.read() as s:
        wasted = select(func.count(StockMovement.id)).where(StockMovement.kind == "wasted")
        return s.scalar(select(func.count(Administration.id))), s.scalar(wasted)


def _round(qtbot, home_db, tmp_path, witnesses):
    home = Home(home_db)
    asked = []

    def witness(parent, medicine):
        asked.append(medicine)
        return witnesses.pop(0)

    window = open_window(
        qtbot,
        home_db,
        tmp_path,
        lambda: AT,
        ask_not_given=lambda parent, codes, medicine: ("D", "Patch fell off in the bath"),
        ask_witness=witness,
    )
    sign_in(qtbot, window)
    scan(qtbot, window, f"EMAR-R-{home.residents['Arthur Price']}", window.resident_loaded)
    _select_dose(window, "Fentanyl")
    return window, asked


def test_a_dropped_cd_asks_its_witness_and_records_the_disposal(qtbot, home_db, tmp_path):
    window, asked = _round(qtbot, home_db, tmp_path, [("ben", PINS["ben"])])
    with qtbot.waitSignal(window.recorded, timeout=10_000) as done:
        window.work.page.not_given_button.click()
    assert asked == ["Fentanyl 12 micrograms/hour transdermal patch"]
    assert done.args[0].endswith("1 recorded destroyed.")
    assert _counts(home_db) == (1, 1)
    with home_db.read() as s:
        moved = s.scalars(select(StockMovement).where(StockMovement.kind == "wasted")).one()
        assert moved.witness_id is not None and moved.administration_id is not None


def test_no_witness_records_nothing(qtbot, home_db, tmp_path):
    window, asked = _round(qtbot, home_db, tmp_path, [None])
    window.work.page.not_given_button.click()
    banner = window.messages.problem_banner
    qtbot.waitUntil(lambda: "NOT RECORDED" in (banner.message or ""), timeout=10_000)
    assert asked and "witness must sign" in banner.message
    assert _counts(home_db) == (0, 0)
