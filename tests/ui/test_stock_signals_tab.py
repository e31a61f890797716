"""The Manage window's stock tab shows each line's stock signals, a line running out
highlighted, and the home's list of signals below (offscreen, both backends). Now is Wednesday
10 June 2026, 08:30; the next cycle starts on Monday 15 June."""

from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt

from emar.services.charts.stock import count_stock
from emar.services.home import set_cycle_start
from emar.ui.manage.stock_tab import SHORT_COLOUR
from tests.support.homes import Home, local
from tests.support.round_window import open_window, sign_in
from tests.ui.test_manage_window import manage

AT = local(date(2026, 6, 10), 8, 30)


def test_the_stock_tab_says_mary_runs_out_and_the_home_list_has_it(qtbot, home_db, tmp_path):
    home = Home(home_db)
    amlodipine = home.line("Mary Jones", "Amlodipine")
    with home_db.write() as s:
        set_cycle_start(s, home.staff["mark"], date(2026, 5, 18))
        count_stock(s, home.staff["nina"], amlodipine, Decimal(2), AT, "counted")
    window = open_window(qtbot, home_db, tmp_path, lambda: AT)
    sign_in(qtbot, window, "nina")
    m = manage(qtbot, window)
    m.tabs.setCurrentWidget(m.stock)
    m.stock.resident.setCurrentIndex(m.stock.resident.findData(home.residents["Mary Jones"]))
    model = m.stock.stock

    def amlodipine_row() -> int | None:
        rows = [i for i in range(model.rowCount()) if model.row(i).chart_line_id == amlodipine]
        return rows[0] if rows and model.row(rows[0]).signals else None

    qtbot.waitUntil(lambda: amlodipine_row() is not None, timeout=10_000)
    row = amlodipine_row()
    assert row is not None
    # doses 11..14 June at 08:00: 4; 2 cover 11 and 12 June
    expected = (
        "Runs out Sat 13 Jun: 2 tablets in stock, 4 tablets due before the next cycle starts "
        "on Mon 15 Jun. Order more now."
    )
    assert model.index(row, 3).data() == expected
    colour = model.index(row, 3).data(Qt.ItemDataRole.BackgroundRole).color().name()
    assert colour == SHORT_COLOUR
    listed = m.stock.home_signals
    qtbot.waitUntil(lambda: listed.rowCount() > 0, timeout=10_000)
    rows = [listed.row(i) for i in range(listed.rowCount())]
    (mary,) = [r for r in rows if r.chart_line_id == amlodipine]
    assert (mary.resident, mary.signal, mary.text) == ("Mary Jones", "short", expected)
    m.resize(1100, 760)
    m.stock.grab().save("/tmp/sig_stock_tab.png")


def test_the_rounds_alerts_tab_says_a_medicine_runs_out_before_the_delivery(
    qtbot, home_db, tmp_path
):
    """3 tablets is 3 days (no 3-day alert), but 4 doses are due before Mon 15 June."""
    home = Home(home_db)
    amlodipine = home.line("Mary Jones", "Amlodipine")
    with home_db.write() as s:
        set_cycle_start(s, home.staff["mark"], date(2026, 5, 18))
        count_stock(s, home.staff["nina"], amlodipine, Decimal(3), AT, "counted")
    window = open_window(qtbot, home_db, tmp_path, lambda: AT)
    sign_in(qtbot, window)
    model = window.work.round_list.alert_model

    def stock_rows() -> list[int]:
        return [
            i
            for i in range(model.rowCount())
            if model.row(i).kind == "stock" and model.row(i).resident == "Mary Jones"
        ]

    qtbot.waitUntil(lambda: len(stock_rows()) == 1, timeout=10_000)
    (row,) = stock_rows()
    assert model.index(row, 2).data() == "STOCK"
    assert model.index(row, 3).data() == (
        "Amlodipine 5 mg tablets: Runs out Sun 14 Jun: 3 tablets in stock, 4 tablets due "
        "before the next cycle starts on Mon 15 Jun. Order more now."
    )
    window.work.round_list.setCurrentIndex(1)
    window.resize(1200, 700)
    window.grab().save("/tmp/sig_alerts.png")
