"""Start the desktop app: open (and if needed upgrade) the database, then show the main window."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from PySide6.QtWidgets import QApplication, QMessageBox

from emar.config import resolve_db_url
from emar.db import open_database
from emar.errors import EmarError
from emar.migrate import upgrade_to_head
from emar.ui.main_window import MainWindow
from emar.ui.style import BASE, HIGH_CONTRAST


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
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("eMAR")
    app.setStyleSheet(HIGH_CONTRAST if args.high_contrast else BASE)
    try:
        # Before any window exists: nothing to freeze yet, and nothing may run on an old schema.
        db = open_database(resolve_db_url(args.db))
        upgrade_to_head(db)
    except EmarError as exc:
        QMessageBox.critical(None, "eMAR cannot open its database", str(exc))
        return 1
    window = MainWindow(db)
    window.show()
    window.start()
    return app.exec()
