"""Where eMAR's shipped files are: `resources/` and `migrations/` beside the package in a
checkout, `emar/_resources` and `emar/_migrations` inside an installed wheel."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # the emar package folder


def shipped_folder(name: str, marker: str) -> Path:
    """The folder `name` (checkout) or `_name` (wheel) that holds `marker`."""
    for candidate in (PACKAGE.parent / name, PACKAGE / f"_{name}"):
        if (candidate / marker).exists():
            return candidate
    raise FileNotFoundError(f"eMAR's {name} folder is missing from this installation")


def resource(filename: str) -> Path:
    """A file from the resources folder."""
    return shipped_folder("resources", filename) / filename
