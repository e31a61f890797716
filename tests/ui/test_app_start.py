"""Starting the app: a bad database is one clear dialog; a good one opens the main window."""

from PySide6.QtWidgets import QApplication, QMessageBox

from emar.ui import app as app_module
from emar.ui.main_window import MainWindow


def test_bad_database_shows_one_clear_dialog_and_exits_1(qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *args: shown.append(args[1:]))
    assert app_module.main(["--db", "postgresql://emar@127.0.0.1:1/emar"]) == 1
    ((title, message),) = shown
    assert title == "eMAR cannot open its database"
    assert "Cannot reach the database server" in message


def test_good_database_is_upgraded_and_the_window_shown(qtbot, monkeypatch, empty_url):
    seen = []

    def fake_exec():
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        seen.extend(w for w in windows if w.isVisible())
        for w in windows:
            w.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(fake_exec))
    monkeypatch.setattr("emar.ui.main_window.ask_to_create_demo", lambda parent: False)
    assert app_module.main(["--db", empty_url]) == 0
    assert len(seen) == 1 and seen[0].where.text().startswith(empty_url.split("://")[0])


def test_scanner_settings_open_from_the_main_window(qtbot, demo_db):
    from emar.ui.app import scanner_screen
    from emar.ui.keyboard_wedge import KeyboardWedgeFilter
    from emar.ui.scan_hub import ScanHub
    from emar.ui.scanner_settings import ScannerSettings

    hub = ScanHub()
    wedge = KeyboardWedgeFilter(hub)
    window = MainWindow(demo_db, scanner_settings=lambda: scanner_screen(hub, wedge))
    qtbot.addWidget(window)
    window.scanner_action.trigger()
    screen = window._scanner_window
    qtbot.addWidget(screen)
    assert isinstance(screen, ScannerSettings) and screen.isVisible()
    hub.scanned.emit("5012345678900")
    assert screen.results.rowCount() == 1
