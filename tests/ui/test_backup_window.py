"""Backups in the app: the daily backup runs off the GUI thread; the settings window shows it."""

from datetime import UTC, datetime, timedelta

from emar.maintenance.daily import daily_folder, list_daily
from emar.services.home import get_home
from emar.ui.manage.backup_window import BackupWindow, DailyBackups
from emar.ui.tasks import TaskRunner
from tests.support.round_window import open_window, sign_in

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def test_daily_backup_made_at_start_and_not_again_the_same_day(qtbot, demo_db):
    tasks = TaskRunner()
    clock = [NOW]
    daily = DailyBackups(demo_db, tasks, clock=lambda: clock[0])
    if not demo_db.is_sqlite:
        daily.start()
        assert not daily.timer.isActive()  # a server database is backed up on the server
        return
    with qtbot.waitSignal(daily.made, timeout=10_000) as made:
        daily.start()
    assert made.args[0].startswith("Daily backup made: emar-20261122T090000Z")
    assert daily.timer.isActive()
    clock[0] = NOW + timedelta(hours=5)
    daily.check()
    qtbot.waitUntil(lambda: not tasks.busy, timeout=10_000)
    assert len(list_daily(daily_folder(demo_db))) == 1
    daily.timer.stop()


def test_settings_window_shows_backups_saves_retention_and_backs_up_now(qtbot, demo_db, tmp_path):
    window = open_window(qtbot, demo_db, tmp_path, lambda: NOW)
    sign_in(qtbot, window, "mark")  # the manager
    assert window.menus.backup_action.isEnabled()
    window.menus.open_backups()
    b = window.menus.windows["backups"]
    assert isinstance(b, BackupWindow)
    qtbot.addWidget(b)
    qtbot.waitUntil(lambda: "Database:" in b.summary.text(), timeout=10_000)
    if demo_db.is_sqlite:
        assert "No backup yet" in b.summary.text()
        with qtbot.waitSignal(b.saved, timeout=10_000) as saved:
            b.now_button.click()
        assert saved.args[0].startswith("Backup made and checked: emar-")
        qtbot.waitUntil(lambda: b.table.rowCount() == 1, timeout=10_000)
        assert "Last backup: 22 Nov 2026 09:00 GMT" in b.summary.text()
        assert b.table.item(0, 1).text().startswith("emar-20261122T090000Z")
    else:
        assert "PostgreSQL server" in b.summary.text()
        assert not b.now_button.isEnabled()
    b.retention.setValue(45)
    with qtbot.waitSignal(b.saved, timeout=10_000) as saved:
        b.save_retention()
    assert saved.args == ["Daily backups are kept for 45 days."]
    with demo_db.read() as s:
        assert get_home(s).backup_retention_days == 45
    b.grab().save(str(tmp_path / "backups.png"))
    window.lock()
    assert not b.isVisible()


def test_a_carer_has_no_backup_settings(qtbot, demo_db, tmp_path):
    window = open_window(qtbot, demo_db, tmp_path, lambda: NOW)
    sign_in(qtbot, window, "amy")
    assert not window.menus.backup_action.isEnabled()
    window.menus.open_backups()
    assert "backups" not in window.menus.windows


def test_a_closed_backups_window_is_not_told_of_later_changes(qtbot, demo_db, tmp_path):
    import shiboken6

    from emar.ui.operations import HOME

    window = open_window(qtbot, demo_db, tmp_path, lambda: NOW)
    sign_in(qtbot, window, "mark")
    window.menus.open_backups()
    b = window.menus.windows["backups"]
    qtbot.waitUntil(lambda: "Database:" in b.summary.text(), timeout=10_000)
    b.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(b), timeout=10_000)
    with qtbot.waitSignal(window.round_loaded, timeout=10_000):  # the round still listens
        window.desk.changes.happened.emit(HOME)  # a later save elsewhere on this PC
