"""The walking skeleton's window, driven offscreen on real demo and empty databases."""

from datetime import UTC, datetime

from PySide6.QtCore import Qt

from emar.ui.main_window import MainWindow
from emar.ui.table_models import ROW_ROLE, ChartLineModel, ResidentListModel
from tests.conftest import DEMO_NOW


def _window(qtbot, db, **kwargs):
    window = MainWindow(db, clock=lambda: DEMO_NOW, **kwargs)
    qtbot.addWidget(window)
    window.show()
    return window


def test_window_lists_the_demo_residents_and_shows_a_chart(qtbot, demo_db):
    window = _window(qtbot, demo_db)
    with qtbot.waitSignal(window.home_loaded, timeout=10_000):
        window.start()
    assert window.home_name.text() == "Willow Court Care Home"
    assert window.residents.rowCount() == 20
    names = [window.residents.row(i).name for i in range(20)]
    row = names.index("Arthur Price")
    with qtbot.waitSignal(window.resident_loaded, timeout=10_000):
        window.select_resident_row(row)
    assert window.banner.name.text() == "Arthur Price"
    assert window.banner.allergies.text() == "No known allergies"
    medicines = [window.chart.row(i).medicine for i in range(window.chart.rowCount())]
    assert "Fentanyl 12 micrograms/hour transdermal patch" in medicines
    flags = window.chart.index(medicines.index("Oxycodone 5 mg/5 ml oral solution"), 5).data()
    assert "CD" in flags


def test_allergies_are_shown_loud_in_the_banner(qtbot, demo_db):
    window = _window(qtbot, demo_db)
    with qtbot.waitSignal(window.home_loaded, timeout=10_000):
        window.start()
    names = [window.residents.row(i).name for i in range(20)]
    with qtbot.waitSignal(window.resident_loaded, timeout=10_000):
        window.select_resident_row(names.index("Margaret Clarke"))
    assert window.banner.allergies.text() == "ALLERGIES: Penicillin (anaphylaxis)"
    assert window.banner.allergies.property("state") == "allergy"


def test_empty_database_offers_the_demo_home_and_builds_it(qtbot, db):
    asked = []
    window = _window(qtbot, db, ask_demo=lambda parent: asked.append(parent) or True)
    window.start()
    qtbot.waitUntil(lambda: window.residents.rowCount() == 20, timeout=20_000)
    assert asked == [window]


def test_declining_the_demo_leaves_the_database_empty(qtbot, db):
    window = _window(qtbot, db, ask_demo=lambda parent: False)
    window.start()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "Empty database")
    assert window.residents.rowCount() == 0


def test_database_failure_shows_a_banner_not_a_crash(qtbot, demo_db):
    window = _window(qtbot, demo_db)
    demo_db.dispose()
    demo_db.read = _broken  # the server went away
    window.start()
    qtbot.waitUntil(window.error_banner.isVisible, timeout=5000)
    assert "Nothing was changed" in window.error_banner.text()


def _broken():
    from emar.errors import DatabaseUnavailable

    raise DatabaseUnavailable("Cannot reach the database server (test).")


def test_table_models_pass_qtmodeltester(qtmodeltester, demo_db):
    from emar.services.charts import resident_chart
    from emar.services.residents import list_residents

    with demo_db.read() as s:
        residents = list_residents(s, datetime.now(UTC))
        chart = resident_chart(s, residents[0].id, datetime.now(UTC))
    resident_model = ResidentListModel()
    resident_model.set_rows(residents)
    qtmodeltester.check(resident_model)
    chart_model = ChartLineModel()
    chart_model.set_rows(chart)
    qtmodeltester.check(chart_model)
    assert resident_model.index(0, 0).data(ROW_ROLE) == residents[0]
    assert resident_model.index(0, 1).data(Qt.ItemDataRole.DecorationRole) is not None
