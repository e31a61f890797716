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
from pathlib import Path

import pytest

from tests.support.desktop import App, Keyboard, Screen, SerialPort, XServer, missing_tools
from tests.support.e2e_home import E2EHome, prepare_home

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

    def keep(self, name: str, window: str = "root") -> Path:
        """A screenshot (of the screen, or of one window); with EMAR_SCREENSHOTS set, also kept
        under that name."""
        path = self.screen.shot(name.removesuffix(".png"), window)
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
    return prepare_home(templates.copy_url("history"))


@pytest.fixture
def desk(xserver: XServer, e2e_home: E2EHome, tmp_path: Path) -> Iterator[Desk]:
    yield from start_desk(xserver, e2e_home, tmp_path)


@pytest.fixture
def serial_port(tmp_path: Path) -> Iterator[SerialPort]:
    port = SerialPort(tmp_path)
    yield port
    port.unplug()
