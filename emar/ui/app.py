"""Start the desktop app: open (and if needed upgrade) the database, then show the main window."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from emar.errors import EmarError
from emar.infra.config import resolve_db_url
from emar.infra.db import open_database
from emar.infra.logs import configure_logging
from emar.maintenance.migrate import upgrade_to_head
from emar.ui.main_window import MainWindow
from emar.ui.manage.backup_window import DailyBackups
from emar.ui.scanning.scanner_settings import ScannerSettings, load_config, save_config
from emar.ui.scanning.scanners import Scanners
from emar.ui.widgets.style import BASE, HIGH_CONTRAST
from emar.ui.widgets.wheel_guard import guard_wheel

log = logging.getLogger(__name__)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="emar-gui", description="eMAR desktop app")
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database URL (default: $EMAR_DB_URL or the file in the user data folder)",
    )
    parser.add_argument("--high-contrast", action="store_true", help="high-contrast colours")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    log_file = configure_logging()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("eMAR")
    app.setOrganizationName("eMAR")
    app.setStyleSheet(HIGH_CONTRAST if args.high_contrast else BASE)
    wheel_guard = guard_wheel(app)
    try:
        # Before any window exists: nothing to freeze yet, and nothing may run on an old schema.
        db = open_database(resolve_db_url(args.db))
        upgrade_to_head(db)
    except EmarError as exc:
        log.error("cannot open the database: %s", type(exc).__name__)
        QMessageBox.critical(None, "eMAR cannot open its database", str(exc))
        app.removeEventFilter(wheel_guard)
        return 1
    log.info("eMAR started; database %s; log %s", db.display_url, log_file)
    settings = QSettings()
    scanners = Scanners(app, load_config(settings))
    window = MainWindow(
        db,
        hub=scanners.hub,
        scanner_settings=lambda: ScannerSettings(
            scanners, on_save=lambda config: save_config(settings, config)
        ),
    )
    window.show()
    window.start()
    daily = DailyBackups(db, window.tasks, parent=window)
    for signal in (daily.made, daily.failed):
        signal.connect(window.statusBar().showMessage)
    daily.start()
    try:
        return app.exec()
    finally:
        scanners.stop()
        app.removeEventFilter(wheel_guard)
