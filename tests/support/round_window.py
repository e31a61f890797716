"""Drive the real main window the way a carer does (offscreen)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from emar.ui.main_window import MainWindow
from emar.ui.round.dialogs import RoundQuestions


class FakeIdleClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def open_window(qtbot, db, tmp_path, clock, settings_name="pc", **kwargs) -> MainWindow:
    """A window with its own per-PC settings file (two windows = two ward PCs). Its clock is
    the test's, days away from the database server's: the PC's clock check is only left in
    (`skew` not given) by the tests of that check, which run on the real clock."""
    kwargs.setdefault("skew", lambda session, now: None)
    answers = {name: kwargs.pop(name) for name in list(kwargs) if name.startswith("ask_")}
    settings = QSettings(str(tmp_path / f"{settings_name}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(
        db, clock=clock, settings=settings, questions=RoundQuestions(**answers), **kwargs
    )
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.home_loaded, timeout=10_000):
        window.start()
    return window


def sign_in(qtbot, window, username="amy", password=None) -> None:
    page = window.sign_in_page
    page.username.setText(username)
    page.password.setText(password or f"{username}-demo-2026")
    with qtbot.waitSignal(window.round_loaded, timeout=10_000):
        page.submit.click()


def scan(qtbot, window, raw, signal):
    with qtbot.waitSignal(signal, timeout=10_000) as got:
        window.hub.receive(raw)
    return got.args[0] if got.args else None
