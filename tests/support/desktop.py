"""Drive the shipped app from outside, as a person and a scanner do.

- `XServer`: a real X server (Xvfb) on a free display.
- `App`: `run_emar.py` started as its own process on that display (the README command's code
  path: no test wiring), with its own per-PC settings and log folders.
- `Keyboard`: xdotool through the X server's XTEST extension: typing at a person's speed, and a
  keyboard-wedge burst (keys 4 ms apart, then Enter) at a scanner's.
- `Screen`: screenshots of the real window (ImageMagick `import`) read back with tesseract, so a
  test checks what the screen says, and the colour of the verdict.
- `SerialPort`: a pseudo-terminal pair (socat) the app opens as its serial scanner; closing it is
  unplugging the scanner.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ("Xvfb", "xdotool", "import", "tesseract", "socat")
SCREEN = (1366, 768)


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def wait_for(condition: Callable[[], object], timeout: float, what: str, every: float = 0.2):
    """Poll until `condition()` is truthy; its value is returned. Fails saying `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


class XServer:
    def __init__(self) -> None:
        read, write = os.pipe()
        self.proc = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write),
                "-screen",
                "0",
                f"{SCREEN[0]}x{SCREEN[1]}x24",
                "-nolisten",
                "tcp",
                "-noreset",
            ],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"

    def env(self) -> dict[str, str]:
        return {"DISPLAY": self.display}

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


# xdotool key names for the characters of a scan that are not their own name
KEYSYMS = {
    "\x1d": "ctrl+bracketright",
    "-": "minus",
    "]": "bracketright",
    "[": "bracketleft",
    ".": "period",
    "/": "slash",
    " ": "space",
    "%": "percent",
    "~": "asciitilde",
    "|": "bar",
    "_": "underscore",
    "+": "plus",
    ":": "colon",
    "!": "exclam",
    "*": "asterisk",
    "#": "numbersign",
}


def _realtime() -> list[str]:
    """Run xdotool at real-time priority where allowed, so a busy machine cannot stretch a
    scanner's 4 ms key gaps into a person's typing (a real scanner's keys come from hardware)."""
    if shutil.which("chrt") and subprocess.run(["chrt", "-f", "10", "true"]).returncode == 0:
        return ["chrt", "-f", "10"]
    return []


class Keyboard:
    def __init__(self, x: XServer) -> None:
        self.env = {**os.environ, **x.env()}
        self.fast = _realtime()

    def _xdotool(self, *args: str, fast: bool = False) -> None:
        command = [*(self.fast if fast else []), "xdotool", *args]
        subprocess.run(command, env=self.env, check=True, timeout=60)

    def type(self, text: str, delay_ms: int = 110) -> None:
        """A person typing (people leave 80 ms or more between keys)."""
        self._xdotool("type", "--delay", str(delay_ms), "--", text)

    def key(self, *keys: str) -> None:
        self._xdotool("key", "--delay", "120", *keys)

    def scan(self, code: str, suffix: str | None = "Return") -> None:
        """A USB keyboard-wedge scanner: the code as a burst of keys 4 ms apart, then its
        suffix; GS (ASCII 29) is sent as Ctrl+], as many wedges do."""
        keys = [KEYSYMS.get(ch, ch) for ch in code]
        if suffix:
            keys.append(suffix)
        self._xdotool("key", "--delay", "4", *keys, fast=True)

    def click(self, x: int, y: int) -> None:
        self._xdotool("mousemove", "--sync", str(x), str(y), "click", "1")


@dataclass
class Word:
    text: str
    left: int
    top: int
    width: int
    height: int

    @property
    def centre(self) -> tuple[int, int]:
        return self.left + self.width // 2, self.top + self.height // 2


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _contains(seen: list[str], phrase: str, slack: int = 12) -> bool:
    """Whether the phrase's words occur in order in `seen`, at most `slack` words apart."""
    want = _norm(phrase).split()
    for start, word in enumerate(seen):
        if word != want[0]:
            continue
        at, ok = start, True
        for w in want[1:]:
            nxt = next(
                (i for i in range(at + 1, min(at + 1 + slack, len(seen))) if seen[i] == w), None
            )
            if nxt is None:
                ok = False
                break
            at = nxt
        if ok:
            return True
    return False


class Screen:
    def __init__(self, x: XServer, shots: Path) -> None:
        self.env = {**os.environ, **x.env(), "OMP_THREAD_LIMIT": "1"}
        self.shots = shots
        shots.mkdir(parents=True, exist_ok=True)
        self._n = 0

    def shot(self, name: str | None = None, window: str = "root") -> Path:
        self._n += 1
        path = self.shots / f"{self._n:03d}-{name or 'screen'}.png"
        subprocess.run(
            ["import", "-window", window, str(path)], env=self.env, check=True, timeout=30
        )
        return path

    def words(self, path: Path) -> list[Word]:
        """The words tesseract reads, with where they are (screen pixels). The picture is read
        at twice its size in grey, as sparse text: screen text is small and spread out."""
        big = path.with_suffix(".ocr.png")
        with Image.open(path) as image:
            image.convert("L").resize((image.width * 2, image.height * 2)).save(big)
        out = subprocess.run(
            ["tesseract", str(big), "-", "--psm", "11", "tsv"],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        big.unlink()
        found = []
        for row in out.splitlines()[1:]:
            cols = row.split("\t")
            if len(cols) == 12 and cols[11].strip():
                left, top, width, height = (int(v) // 2 for v in cols[6:10])
                found.append(Word(cols[11], left, top, width, height))
        return found

    def text(self, path: Path) -> str:
        return " ".join(w.text for w in self.words(path))

    def wait_text(self, *phrases: str, timeout: float = 20, absent: tuple[str, ...] = ()) -> str:
        """Screenshots until every phrase is on screen (and none of `absent`); the words read.
        A phrase may wrap onto the next line: its words must appear in order, close together
        (text beside a wrapped line is read in between)."""

        def look() -> str | None:
            seen = _norm(self.text(self.shot("wait"))).split()
            ok = all(_contains(seen, p) for p in phrases) and not any(
                _contains(seen, p) for p in absent
            )
            return " ".join(seen) if ok else None

        return wait_for(look, timeout, f"{phrases} on screen (and not {absent})", every=0.5)

    def find(self, phrase: str, path: Path | None = None) -> Word:
        """Where a phrase's first word is on the screen."""
        words = self.words(path or self.shot("find"))
        want = _norm(phrase).split()
        for i in range(len(words)):
            got = [_norm(w.text) for w in words[i : i + len(want)]]
            if got == want:
                return words[i]
        raise AssertionError(f"{phrase!r} is not on the screen")

    @staticmethod
    def colour(path: Path, x: int, y: int) -> tuple[int, int, int]:
        with Image.open(path) as image:
            return image.convert("RGB").getpixel((x, y))  # type: ignore[return-value]


def is_red(rgb: tuple[int, int, int]) -> bool:
    r, g, b = rgb
    return r > 140 and g < 60 and b < 60


def is_green(rgb: tuple[int, int, int]) -> bool:
    r, g, b = rgb
    return g > 70 and r < 60 and b < 60


class App:
    """`run_emar.py --db URL` as its own process on the X server."""

    def __init__(self, x: XServer, db_url: str, home: Path, *args: str) -> None:
        self.home = home
        for sub in ("config", "data", "state", "cache"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            **x.env(),
            "QT_QPA_PLATFORM": "xcb",
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_CACHE_HOME": str(home / "cache"),
        }
        env.pop("EMAR_DB_URL", None)
        self.output = home / "app-output.txt"
        with self.output.open("w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, str(ROOT / "run_emar.py"), "--db", db_url, *args],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=home,
            )
        self.env = env

    @property
    def log(self) -> str:
        path = self.home / "state" / "eMAR" / "log" / "emar.log"
        return path.read_text() if path.exists() else ""

    def window(self, name: str = "^eMAR$", timeout: float = 30) -> str:
        """The id of a visible top-level window, once it is mapped."""

        def search() -> str | None:
            if self.proc.poll() is not None:
                raise AssertionError(f"eMAR exited: {self.output.read_text()[-2000:]}")
            found = subprocess.run(
                ["xdotool", "search", "--onlyvisible", "--name", name],
                env=self.env,
                capture_output=True,
                text=True,
            ).stdout.split()
            return found[0] if found else None

        return wait_for(search, timeout, f"window {name}")

    def focus(self, window: str) -> None:
        subprocess.run(
            ["xdotool", "windowfocus", "--sync", window], env=self.env, check=True, timeout=30
        )

    def settings_file(self) -> Path:
        return self.home / "config" / "eMAR" / "eMAR.conf"

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        return self.output.read_text()


class SerialPort:
    """A pseudo-terminal pair: the app opens `device` as its scanner's port; the test writes
    scans to the other end. `unplug` closes it (the device path disappears), `plug` brings it
    back at the same path."""

    def __init__(self, folder: Path) -> None:
        self.device = folder / "ttyACM-scanner"
        self.feeder = folder / "scanner-feed"
        self.proc: subprocess.Popen[bytes] | None = None
        self._fd: int | None = None

    def plug(self) -> None:
        self.proc = subprocess.Popen(
            [
                "socat",
                f"pty,raw,echo=0,link={self.device}",
                f"pty,raw,echo=0,link={self.feeder}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: self.device.exists() and self.feeder.exists(), 10, "the pty pair")
        # held open for as long as the scanner is plugged in (closing it would end socat)
        self._fd = os.open(self.feeder, os.O_RDWR | os.O_NOCTTY)

    def send(self, code: str, ending: bytes = b"\r") -> None:
        assert self._fd is not None, "the scanner is unplugged"
        os.write(self._fd, code.encode("latin-1") + ending)

    def unplug(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None
        wait_for(lambda: not self.device.exists(), 10, "the pty to go")
