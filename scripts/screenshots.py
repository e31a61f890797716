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
from emar.devices.labels import TEST_CODE128, TEST_EAN13
from emar.devices.scanner_config import ScannerConfig
from emar.migrate import upgrade_to_head
from emar.services.demo import build_demo_home
from emar.ui.keyboard_wedge import KeyboardWedgeFilter
from emar.ui.main_window import MainWindow
from emar.ui.scan_hub import ScanHub
from emar.ui.scanner_settings import ScannerSettings
from emar.ui.style import BASE

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def scanner_screen() -> None:
    """The scanner self-test after three scans of the test sheet and one from a badly set
    scanner (GS dropped)."""
    hub = ScanHub()
    wedge = KeyboardWedgeFilter(hub)
    screen = ScannerSettings(
        hub,
        wedge,
        ScannerConfig(),
        on_save=lambda c: None,
        ports=lambda: [("/dev/ttyACM0", "Honeywell Xenon 1900")],
    )
    screen.resize(1366, 640)
    screen.show()
    gs1 = "]d2010509999900001117261231" + "10TEST12\x1d21SER123"
    for raw in (gs1, TEST_CODE128, TEST_EAN13, gs1.replace("\x1d", "").replace("]d2", "")):
        hub.scanned.emit(raw)
    QApplication.processEvents()
    screen.grab().save(str(OUT / "scanner-self-test.png"))
    print(f"wrote {OUT / 'scanner-self-test.png'}")


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
        scanner_screen()
        app.quit()

    window.home_loaded.connect(on_home)
    window.resident_loaded.connect(on_resident)
    window.start()
    QTimer.singleShot(30_000, app.quit)
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main())
