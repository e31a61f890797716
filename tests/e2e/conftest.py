"""End-to-end fixtures: the shipped app on a real X server, a home with a dose due now.

These tests need Xvfb, xdotool, ImageMagick, tesseract and socat (`.ci/run` installs them). In
CI a missing tool fails the run; on a developer's machine without them the tests are skipped,
saying what to install.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, update

from emar.db import Database, open_database
from emar.models import CareHome, Medicine, MedicineGtin
from emar.services.chart_editing import LineForm, add_chart_line, check_chart_line
from emar.services.home import get_home
from tests.e2e.desktop import App, Keyboard, Screen, SerialPort, XServer, missing_tools
from tests.engine_helpers import PINS, Home

SHOTS = os.environ.get("EMAR_SCREENSHOTS")  # scripts/screenshots.py: keep named pictures


@pytest.fixture
def backend() -> str:
    """End-to-end tests run on SQLite unless a test asks for both backends."""
    return "sqlite"


@pytest.fixture(scope="session")
def xserver() -> Iterator[XServer]:
    missing = missing_tools()
    if missing:
        message = (
            f"end-to-end tests need {', '.join(missing)} "
            "(apt-get install xvfb xdotool imagemagick tesseract-ocr socat)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    x = XServer()
    yield x
    x.stop()


@dataclass
class E2EHome:
    """The demo home plus, for Harold Green, a dose of amlodipine due now and a PRN line that
    has never been given (so the tests do not depend on the time of day or the demo history)."""

    db: Database
    url: str
    home: Home
    resident: int  # Harold Green
    due_gtin: str  # the amlodipine pack
    prn_gtin: str  # the paracetamol pack
    other_gtin: str  # a pack on another resident's chart only

    def count(self, table) -> int:  # type: ignore[no-untyped-def]
        from sqlalchemy import func

        with self.db.read() as s:
            return int(s.scalar(select(func.count()).select_from(table)) or 0)


def _gtin(session, name: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    row = session.execute(
        select(Medicine.id, MedicineGtin.gtin)
        .join(MedicineGtin)
        .where(Medicine.name.like(f"{name}%"))
        .order_by(Medicine.id)
    ).first()
    assert row is not None, name
    return int(row[0]), str(row[1])


def prepare_home(url: str, *, idle_lock_minutes: int | None = None) -> E2EHome:
    db = open_database(url)
    home = Home(db)
    harold = home.residents["Harold Green"]
    now = datetime.now(UTC)
    with db.write() as s:
        zone = get_home(s).zone
        due = now.astimezone(zone).strftime("%H:%M")
        amlo_id, amlo_gtin = _gtin(s, "Amlodipine")
        para_id, para_gtin = _gtin(s, "Paracetamol")
        other_id, other_gtin = _gtin(s, "Donepezil")
        start = now - timedelta(hours=2)
        nurse, manager = home.staff["nina"], home.staff["mark"]
        regular = add_chart_line(
            s,
            nurse,
            harold,
            LineForm(
                amlo_id,
                Decimal(1),
                Decimal(1),
                "times_of_day",
                start,
                "Dr Shah",
                "GP letter",
                times_of_day=due,
            ),
        )
        prn = add_chart_line(
            s,
            nurse,
            harold,
            LineForm(
                para_id,
                Decimal(1),
                Decimal(2),
                "prn",
                start,
                "Dr Shah",
                "GP letter",
                prn_indication="pain",
                prn_min_interval_minutes=240,
                prn_max_doses_24h=4,
            ),
        )
        for line in (regular, prn):
            check_chart_line(s, manager, line, start, pin=PINS["mark"])
        if idle_lock_minutes is not None:
            s.execute(update(CareHome).values(idle_lock_minutes=idle_lock_minutes))
    assert other_id not in (amlo_id, para_id)
    return E2EHome(db, url, home, harold, amlo_gtin, para_gtin, other_gtin)


@dataclass
class Desk:
    """One ward PC: the app, its keyboard (and scanner), its screen."""

    app: App
    keys: Keyboard
    screen: Screen
    window: str
    data: E2EHome

    def focus(self) -> None:
        self.app.focus(self.window)

    def sign_in(self, username: str = "amy", name: str = "Amy Carter") -> None:
        """Type the username and password at a person's speed."""
        self.screen.wait_text("Username", "Password")
        self.focus()
        self.keys.type(username)
        self.keys.key("Tab")
        self.keys.type(f"{username}-demo-2026")
        self.keys.key("Return")
        self.screen.wait_text(f"Signed in: {name}")

    def keep(self, name: str) -> Path:
        """A screenshot; with EMAR_SCREENSHOTS set, also kept under that name."""
        path = self.screen.shot(name.removesuffix(".png"))
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(SHOTS) / name)
        return path


def start_desk(xserver: XServer, data: E2EHome, folder: Path, *app_args: str) -> Iterator[Desk]:
    app = App(xserver, data.url, folder / "pc", *app_args)
    try:
        window = app.window()
        desk = Desk(app, Keyboard(xserver), Screen(xserver, folder / "shots"), window, data)
        desk.focus()
        yield desk
    finally:
        output = app.stop()
        assert "Traceback" not in output, output[-3000:]


@pytest.fixture
def e2e_home(templates) -> E2EHome:  # type: ignore[no-untyped-def]
    return prepare_home(templates.copy_url("demo"))


@pytest.fixture
def desk(xserver: XServer, e2e_home: E2EHome, tmp_path: Path) -> Iterator[Desk]:
    yield from start_desk(xserver, e2e_home, tmp_path)


@pytest.fixture
def serial_port(tmp_path: Path) -> Iterator[SerialPort]:
    port = SerialPort(tmp_path)
    yield port
    port.unplug()
