"""Render eMAR's screens offscreen to PNG for docs/screenshots (run: uv run scripts/screenshots.py).

Builds a demo home in a temporary database, so the pictures show exactly what a new user sees.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from emar.db import open_database
from emar.migrate import upgrade_to_head
from emar.services.demo import build_demo_home
from emar.ui.main_window import MainWindow
from emar.ui.style import BASE

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def main() -> int:
    app = QApplication(sys.argv[:1])
    app.setStyleSheet(BASE)
    folder = Path(tempfile.mkdtemp())
    db = open_database(f"sqlite:///{folder / 'demo.sqlite'}")
    upgrade_to_head(db, backup=False)
    now = datetime.now(UTC)
    with db.write() as session:
        build_demo_home(session, now)
    OUT.mkdir(parents=True, exist_ok=True)
    window = MainWindow(db, clock=lambda: now)
    window.resize(1366, 768)
    window.show()

    def on_home() -> None:
        names = [window.residents.row(i).name for i in range(window.residents.rowCount())]
        window.select_resident_row(names.index("Arthur Price"))

    def on_resident(_rid: int) -> None:
        window.grab().save(str(OUT / "main-window.png"))
        print(f"wrote {OUT / 'main-window.png'}")
        app.quit()

    window.home_loaded.connect(on_home)
    window.resident_loaded.connect(on_resident)
    window.start()
    QTimer.singleShot(30_000, app.quit)
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main())
