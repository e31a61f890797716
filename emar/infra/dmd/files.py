"""The files of a dm+d release in a folder, found by their names (f_vmp2_3010419.xml...)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from emar.infra.dmd.reader import DmdError

# kind: the file name's stem before the release number (the "2" is the format's version)
KINDS = ("lookup", "ingredient", "vtm", "vmp", "amp", "vmpp", "ampp", "gtin")
_NAME = re.compile(r"^f_([a-z]+)2_(\d+)\.xml$", re.IGNORECASE)


@dataclass(frozen=True)
class DmdRelease:
    folder: Path
    name: str  # the release number in the main files' names, e.g. "3010419"
    files: dict[str, Path]  # kind: path

    def __getitem__(self, kind: str) -> Path:
        return self.files[kind]


def find_release(folder: Path) -> DmdRelease:
    """The release's files in `folder` or its subfolders (TRUD's GTIN file comes in a zip of
    its own, often unpacked beside the rest). DmdError when one is missing or found twice, or
    the main files are not of one release."""
    if not folder.is_dir():
        raise DmdError(f"{folder}: no such folder (unpack the dm+d release from TRUD into it).")
    found: dict[str, list[tuple[Path, str]]] = {kind: [] for kind in KINDS}
    for path in sorted(folder.rglob("f_*2_*.*")):
        match = _NAME.match(path.name)
        if match and match.group(1).lower() in found and path.is_file():
            found[match.group(1).lower()].append((path, match.group(2)))
    missing = [f"f_{kind}2_*.xml" for kind, paths in found.items() if not paths]
    if missing:
        raise DmdError(
            f"{folder}: no {', '.join(missing)} in it or its subfolders (unpack the whole "
            "dm+d release, and its GTIN zip, into one folder)."
        )
    twice = [kind for kind, paths in found.items() if len(paths) > 1]
    if twice:
        names = ", ".join(str(p.relative_to(folder)) for p, _ in found[twice[0]])
        raise DmdError(f"{folder}: more than one release's f_{twice[0]}2 file ({names}).")
    numbers = {found[kind][0][1] for kind in KINDS if kind != "gtin"}
    if len(numbers) > 1:
        raise DmdError(f"{folder}: files from different releases ({', '.join(sorted(numbers))}).")
    return DmdRelease(folder, numbers.pop(), {kind: paths[0][0] for kind, paths in found.items()})
