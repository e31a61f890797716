"""Starting the app through `emar.ui.app.main` (the README command's code path, in-process):
a bad database is one clear dialog; a good one opens the main window wired to this PC's
scanners. The same is proven out of process, on a real X server, in tests/e2e."""

from datetime import date

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from emar.ui import app as app_module
from emar.ui.main_window import MainWindow
from tests.support.homes import Home, local

AT = local(date(2026, 6, 10), 8, 5)


def test_bad_database_shows_one_clear_dialog_and_exits_1(qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *args: shown.append(args[1:]))
    assert app_module.main(["--db", "postgresql://emar@127.0.0.1:1/emar"]) == 1
    ((title, message),) = shown
    assert title == "eMAR cannot open its database"
    assert "Cannot reach the database server" in message


def _run_main(monkeypatch, url, while_open):
    """app.main with its event loop replaced by `while_open(window)`: the window app.main made
    (not one an earlier test left behind and Qt deletes meanwhile)."""
    seen = []
    # the wrappers themselves, held: an id() alone could be reused by the new window
    before = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]

    def fake_exec():
        windows = [
            w
            for w in QApplication.topLevelWidgets()
            if shiboken6.isValid(w)
            and isinstance(w, MainWindow)
            and not any(w is old for old in before)
        ]
        shown = [w for w in windows if w.isVisible()]
        seen.extend(shown)
        try:
            while_open(shown[0])
        finally:
            for w in windows:
                if shiboken6.isValid(w):
                    w.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(fake_exec))
    assert app_module.main(["--db", url]) == 0
    return seen


def test_good_database_is_upgraded_and_the_window_shown(qtbot, monkeypatch, empty_url):
    from PySide6.QtWidgets import QMessageBox

    no = QMessageBox.StandardButton.No  # "create the demo home?" answered no
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *args: no))
    seen = _run_main(monkeypatch, empty_url, lambda window: None)
    assert len(seen) == 1 and seen[0].where.text().startswith(empty_url.split("://")[0])


def test_keys_typed_as_a_scan_reach_the_round_of_the_real_app(qtbot, monkeypatch, home_db):
    """The bug this guards: app.main built the scanners, then a window listening to a hub of
    its own, so every scan was swallowed. Real key events go through the filter app.main
    installed and must open the resident."""
    home = Home(home_db)
    mary = home.residents["Mary Jones"]
    url = home_db.engine.url.render_as_string(hide_password=False)

    def drive(window: MainWindow) -> None:
        qtbot.waitUntil(lambda: window.home_name.text() == "Willow Court Care Home", timeout=10_000)
        window.sign_in_page.username.setText("amy")
        window.sign_in_page.password.setText("amy-demo-2026")
        with qtbot.waitSignal(window.round_loaded, timeout=10_000):
            window.sign_in_page.submit.click()
        target = window.work.round_list.view
        target.setFocus()
        # QTest's keys carry no time stamp: stamp them 4 ms apart, as a scanner's would be
        from emar.ui.scanning.keyboard_wedge import KeyboardWedgeFilter

        (wedge,) = window.hub.findChildren(KeyboardWedgeFilter)  # the filter app.main installed
        stamps = iter(range(1000, 100_000, 4))
        wedge.key_clock = lambda _event: float(next(stamps))
        with qtbot.waitSignal(window.resident_loaded, timeout=10_000) as got:
            qtbot.keyClicks(target, f"EMAR-R-{mary}")  # no waits: a scanner's speed
            qtbot.keyClick(target, Qt.Key.Key_Return)
        assert got.args == [mary]

    _run_main(monkeypatch, url, drive)


def test_scanner_settings_need_a_signed_in_manager(qtbot, home_db, tmp_path):
    from tests.support.round_window import open_window, sign_in

    made = []

    def factory():
        from PySide6.QtWidgets import QWidget

        made.append(QWidget())
        return made[-1]

    window = open_window(qtbot, home_db, tmp_path, lambda: AT, scanner_settings=factory)
    assert not window.menus.scanner_action.isEnabled()  # nobody signed in
    sign_in(qtbot, window, "amy")
    assert not window.menus.scanner_action.isEnabled()
    window.lock()
    sign_in(qtbot, window, "mark")
    assert window.menus.scanner_action.isEnabled()
    window.menus.scanner_action.trigger()
    assert made and made[0].isVisible()
    window.lock()
    assert not made[0].isVisible() and not window.menus.scanner_action.isEnabled()
