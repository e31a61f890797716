"""Render eMAR's screens offscreen to PNG for docs/screenshots (run: uv run scripts/screenshots.py).

Builds a demo home (with a week of history) in a temporary database at 08:10 this morning, so
doses are due, then drives the real window: sign in, round list, a red stop, a green go-ahead,
and the scanner self-test screen.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer, SignalInstance
from PySide6.QtWidgets import QApplication, QWidget

from emar.db import open_database
from emar.devices.labels import TEST_CODE128, TEST_EAN13
from emar.devices.scanner_config import ScannerConfig
from emar.migrate import upgrade_to_head
from emar.services.demo import DEMO_HISTORY_DAYS, build_demo_home
from emar.ui.keyboard_wedge import KeyboardWedgeFilter
from emar.ui.main_window import MainWindow
from emar.ui.manage_window import ManageWindow
from emar.ui.scan_hub import ScanHub
from emar.ui.scanner_settings import ScannerSettings
from emar.ui.style import BASE

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def wait_for(signal: SignalInstance, action=None, timeout_ms: int = 20_000) -> list:  # type: ignore[no-untyped-def]
    loop, got = QEventLoop(), []
    signal.connect(lambda *args: (got.append(args), loop.quit()))
    QTimer.singleShot(timeout_ms, loop.quit)
    if action is not None:
        action()
    loop.exec()
    if not got:
        raise TimeoutError(f"no {signal} within {timeout_ms} ms")
    return list(got[0])


def shot(widget: QWidget, name: str) -> None:
    QApplication.processEvents()
    widget.grab().save(str(OUT / name))
    print(f"wrote {OUT / name}")


def main() -> int:
    app = QApplication(sys.argv[:1])
    app.setStyleSheet(BASE)
    folder = Path(tempfile.mkdtemp())
    db = open_database(f"sqlite:///{folder / 'demo.sqlite'}")
    upgrade_to_head(db, backup=False)
    zone = ZoneInfo("Europe/London")
    now = datetime.combine(datetime.now(zone).date(), time(8, 10), tzinfo=zone)
    with db.write() as session:
        build_demo_home(session, now, history_days=DEMO_HISTORY_DAYS)
    OUT.mkdir(parents=True, exist_ok=True)
    settings = QSettings(str(folder / "pc.ini"), QSettings.Format.IniFormat)
    window = MainWindow(db, clock=lambda: now, settings=settings)
    window.resize(1366, 768)
    window.show()
    wait_for(window.home_loaded, window.start)
    window.sign_in_page.username.setText("amy")
    shot(window, "sign-in.png")
    window.sign_in_page.password.setText("amy-demo-2026")
    wait_for(window.round_loaded, window.sign_in_page.submit.click)
    shot(window, "round-list.png")
    window.left_tabs.setCurrentIndex(1)
    shot(window, "alerts.png")
    window.left_tabs.setCurrentIndex(0)

    ids = {
        window.round.row(i).name: window.round.row(i).resident_id
        for i in range(window.round.rowCount())
    }
    gtin = "05099999000011"  # the demo catalogue's first product: amlodipine
    wait_for(window.resident_loaded, lambda: window.hub.receive(f"EMAR-R-{ids['Arthur Price']}"))
    wait_for(window.verdict_shown, lambda: window.hub.receive(gtin))
    shot(window, "resident-red-stop.png")
    wait_for(window.resident_loaded, lambda: window.hub.receive(f"EMAR-R-{ids['Mary Jones']}"))
    wait_for(window.verdict_shown, lambda: window.hub.receive(gtin))
    shot(window, "resident-green-verdict.png")
    wait_for(window.recorded, window.verdict.confirm.click)
    wait_for(window.resident_loaded)
    shot(window, "resident-after-recording.png")
    window.tabs.setCurrentIndex(2)  # the MAR tab (its page holds the grid and a button)
    shot(window, "mar-grid.png")
    manage_screens(window, ids)
    scanner_screen()
    report_pages(window, ids, now)
    window.close()
    return 0


def manage_screens(window: MainWindow, ids: dict[str, int]) -> None:
    """Admission form filled in, a pending chart line, and the stock tab."""
    from PySide6.QtCore import QDate

    nina = 3  # demo staff: amy, ben, nina...
    manage = ManageWindow(window.db, window.hub, lambda: nina, clock=window.clock)
    manage.resize(1366, 768)
    manage.show()
    loop_until(lambda: manage.chart_resident.count() > 0)
    manage.given.setText("Rose")
    manage.family.setText("Tyler")
    manage.dob.setDate(QDate(1941, 3, 3))
    manage.nhs.setText("943 476 5919")
    manage.room.setText("G11")
    manage.gp.setText("Dr A. Okafor")
    manage.allergies.setText("Latex: rash")
    manage.preferences.setText("With orange juice")
    shot(manage, "admission-form.png")
    manage.tabs.setCurrentIndex(1)
    manage.chart_resident.setCurrentIndex(manage.chart_resident.findData(ids["Mary Jones"]))
    manage.search.setText("bisoprolol")
    manage.search.setText("parac")
    loop_until(lambda: manage.results.count() > 0)
    manage.timing.setCurrentText("When required (PRN)")
    manage.prn_for.setText("Headache")
    manage.prn_gap.setValue(240)
    manage.prn_max.setValue(4)
    manage.dose_max.setValue(2)
    manage.prescriber.setText("Dr A. Okafor")
    manage.source.setText("GP letter")
    wait_for(manage.saved, manage.add_line)
    loop_until(
        lambda: any(manage.lines.row(i).status == "pending" for i in range(manage.lines.rowCount()))
    )
    shot(manage, "chart-line-form-pending.png")
    manage.tabs.setCurrentIndex(2)
    manage.stock_resident.setCurrentIndex(manage.stock_resident.findData(ids["Mary Jones"]))
    loop_until(lambda: manage.stock.rowCount() > 0)
    shot(manage, "stock.png")
    manage.close()


def demo_photo() -> bytes:
    """A drawn head-and-shoulders picture standing in for a resident's photo."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 240), "#cfd8dc")
    draw = ImageDraw.Draw(image)
    draw.ellipse((75, 40, 165, 140), fill="#8d6e63")
    draw.ellipse((40, 150, 200, 300), fill="#455a64")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def report_pages(window: MainWindow, ids: dict[str, int], now: datetime) -> None:
    """Each report's first page as PNG (pdftoppm), and the reports and backups windows."""
    import subprocess
    from datetime import timedelta

    from emar.models import Resident
    from emar.reports.run import ReportKind, ReportRequest, day_bounds, make_report
    from emar.services.report_data import Scope
    from emar.ui.backup_window import BackupWindow
    from emar.ui.reports_window import ReportsWindow

    mark = 4  # the demo manager
    db = window.db
    with db.write() as s:
        s.get(Resident, ids["Arthur Price"]).photo = demo_photo()
    zone = ZoneInfo("Europe/London")
    yesterday = now.date() - timedelta(days=1)
    shift_start = datetime.combine(yesterday, time(8), tzinfo=zone)
    week_start, week_end = day_bounds(now.date() - timedelta(days=7), yesterday, zone)
    folder = Path(tempfile.mkdtemp())
    for name, kind, scope, blank in (
        (
            "handover",
            ReportKind.HANDOVER,
            Scope(shift_start, shift_start + timedelta(hours=12)),
            False,
        ),
        ("audit", ReportKind.AUDIT, Scope(week_start, week_end), False),
        (
            "mar",
            ReportKind.MAR,
            Scope(week_start, week_start + timedelta(days=28), resident_id=ids["Arthur Price"]),
            False,
        ),
        (
            "mar-blank",
            ReportKind.MAR,
            Scope(week_end, week_end + timedelta(days=28), resident_id=ids["Mary Jones"]),
            True,
        ),
        ("cd-register", ReportKind.CD_REGISTER, Scope(week_start, week_end), False),
    ):
        pdf = folder / f"{name}.pdf"
        make_report(
            db, ReportRequest(kind, scope, blank=blank), pdf, now=now, staff_id=mark, printed_by=""
        )
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "100",
                "-png",
                "-singlefile",
                "-f",
                "1",
                "-l",
                "1",
                str(pdf),
                str(OUT / f"report-{name}"),
            ],
            check=True,
        )
        print(f"wrote {OUT / f'report-{name}.png'}")
    reports = ReportsWindow(db, lambda: mark, clock=lambda: now)
    reports.show()
    loop_until(lambda: reports.unit.count() > 1)
    reports.kind.setCurrentIndex(1)
    wait_for(reports.done, reports.make)
    shot(reports, "reports-window.png")
    backups = BackupWindow(db, lambda: mark, clock=lambda: now)
    backups.show()
    loop_until(lambda: "Database:" in backups.summary.text())
    wait_for(backups.saved, backups.back_up_now)
    loop_until(lambda: backups.table.rowCount() > 0)
    shot(backups, "backups-window.png")


def loop_until(condition, timeout_ms: int = 20_000) -> None:  # type: ignore[no-untyped-def]
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: loop.quit() if condition() else None)
    timer.start(50)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    if not condition():
        raise TimeoutError("condition not met")


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
        hub.receive(raw)
    shot(screen, "scanner-self-test.png")


if __name__ == "__main__":
    sys.exit(main())
