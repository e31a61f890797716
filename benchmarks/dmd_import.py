"""dm+d import benchmark: `uv run python -m benchmarks.dmd_import [--scale 1 10 1000 5000]`.

Imports the sample release (tests/data/dmd/1) and synthetic releases of the same
shape, each N times larger (every VMP, VPI, DFORM, DROUTE, CONTROL_INFO, AMP, LIC_ROUTE, VMPP,
AMPP and GTIN copied N times with fresh ids and fresh valid GTINs; the ingredient, lookup and
VTM files as they are), into a fresh SQLite database, then imports it again (nothing changes).
Each measure runs in a process of its own, so its peak memory is its own: the process's peak
resident size (VmHWM), and how far it rose above the process once its code was loaded ("+MB").
Beside them, the floors on the same files: our reader alone (records, no database) and bare
lxml iterparse clearing each element.

Goal: the real weekly release (a few hundred MB of XML) in minutes, well under 1 GiB.
No clock is read for the data: nothing in it depends on "now".
"""

from __future__ import annotations

import argparse
import copy
import multiprocessing
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from lxml import etree

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "dmd" / "1"
GOAL_MB = 1024
# (file kind, the record elements copied, the id elements renamed in each copy)
COPIED = {
    "vmp": (
        ("VMP", "VPI", "ONT", "DFORM", "DROUTE", "CONTROL_INFO"),
        ("VPID", "VPIDPREV"),
    ),
    "amp": (("AMP", "AP_ING", "LIC_ROUTE", "APP_PROD_INFO"), ("APID", "VPID")),
    "vmpp": (("VMPP", "DTINFO", "COMB_CONTENT"), ("VPPID", "VPID")),
    "ampp": (
        ("AMPP", "PACK_INFO", "PRESCRIB_INFO", "PRICE_INFO", "REIMB_INFO"),
        ("APPID", "APID", "VPPID"),
    ),
    "gtin": (("AMPP",), ("AMPPID",)),
}


def _gtin13(n: int) -> str:
    body = f"20{n:010d}"  # GS1 prefix 20-29: restricted circulation, never a real pack
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def synthesise(scale: int, folder: Path) -> Path:
    """The sample release with its product records copied `scale` times (copy 0 the original)."""
    folder.mkdir(parents=True, exist_ok=True)
    numbers = iter(range(1, 10**9))
    for path in SAMPLE.glob("*.xml"):
        kind = path.name.split("_")[1].rstrip("2")
        if kind not in COPIED or scale == 1:
            shutil.copy(path, folder / path.name)
            continue
        records, ids = COPIED[kind]
        tree = etree.parse(str(path))
        for element in list(tree.iter(*records)):
            if element.getparent() is None or element.getparent().tag in records:
                continue  # GTINDATA's AMPP parent is copied whole
            parent = element.getparent()
            for k in range(1, scale):
                twin = copy.deepcopy(element)
                for child in twin:
                    if child.tag in ids and child.text:
                        child.text = f"{child.text}{k:04d}"  # still <= 20 characters
                    elif child.tag == "NM" and child.text:
                        child.text = f"{child.text} {k}"
                    elif child.tag == "GTINDATA":
                        child.find("GTIN").text = _gtin13(next(numbers))
                parent.append(twin)
        tree.write(str(folder / path.name), xml_declaration=False, encoding="utf-8")
    return folder


def _peak_mb() -> float:
    """This process's peak resident memory. VmHWM, not getrusage's maxrss: Linux carries
    maxrss over an exec, so a spawned child would start at its parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(task: str, folder: str, url: str) -> tuple[float, int, float, float]:
    """One measure in a fresh process: (seconds, rows, peak MB of the process, peak MB above
    the process once its code is loaded and the database open)."""
    from sqlalchemy import select

    from emar.infra.db import open_database
    from emar.infra.dmd import find_release, reader
    from emar.models import Staff
    from emar.services.charts.dmd_import import import_dmd

    db = open_database(url)
    with db.read() as session:
        staff_id = session.scalar(select(Staff.id))
    assert staff_id is not None
    base = _peak_mb()
    started = time.perf_counter()
    if task == "floor":  # lxml alone: every element parsed and cleared
        rows = 0
        for path in sorted(Path(folder).glob("*.xml")):
            for _event, element in etree.iterparse(str(path), events=("end",)):
                element.clear(keep_tail=True)
                rows += 1
    elif task == "reader":
        release = find_release(Path(folder))
        readers: dict[str, Callable[[Path], Iterable[object]]] = {
            "lookup": reader.read_lookups,
            "ingredient": reader.read_ingredients,
            "vtm": reader.read_vtms,
            "vmp": reader.read_vmps,
            "amp": reader.read_amps,
            "vmpp": reader.read_vmpps,
            "ampp": reader.read_ampps,
            "gtin": reader.read_gtins,
        }
        rows = sum(sum(1 for _ in read(release[kind])) for kind, read in readers.items())
    else:
        with db.write() as session:  # the commit included
            summary = import_dmd(session, staff_id, folder)
        rows = summary.rows_read
    seconds = time.perf_counter() - started
    peak = _peak_mb()
    db.dispose()
    return seconds, rows, peak, peak - base


def _fresh_database(folder: Path) -> str:
    from emar.infra.db import open_database
    from emar.maintenance.migrate import upgrade_to_head
    from emar.services.staff.accounts import add_staff

    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    db = open_database(url)
    upgrade_to_head(db, backup=False)
    with db.write() as session:
        add_staff(session, username="bench", full_name="Bench Manager", role="manager",
                  password="bench-dmd-import-2026")  # fmt: skip
    db.dispose()
    return url


def measure(scale: int, work: Path) -> list[tuple[str, float, int, float, float]]:
    release = synthesise(scale, work / f"release-{scale}")
    url = _fresh_database(work / f"db-{scale}")
    spawn = multiprocessing.get_context("spawn")
    results = []
    for label, task in (
        ("import into a fresh database", "import"),
        ("import again (nothing changes)", "import"),
        ("floor: our reader, no database", "reader"),
        ("floor: bare lxml iterparse", "floor"),
    ):
        with spawn.Pool(1) as pool:
            seconds, rows, peak, growth = pool.apply(_child, (task, str(release), url))
        results.append((label, seconds, rows, peak, growth))
    return results


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--scale", type=int, nargs="+", default=[1, 10])
    opts = args.parse_args(argv)
    if not SAMPLE.is_dir():
        print(f"the sample release is missing: {SAMPLE}", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="emar-dmd-bench-"))
    try:
        for scale in opts.scale:
            size = sum(p.stat().st_size for p in synthesise(scale, work / "size").glob("*.xml"))
            shutil.rmtree(work / "size")
            print(f"\nRelease x{scale} ({size / 1e6:.1f} MB of XML)")
            print(f"{'':34} {'seconds':>8} {'rows':>10} {'rows/s':>10} {'peak MB':>8} {'+MB':>6}")
            for label, seconds, rows, peak, growth in measure(scale, work):
                rate = rows / seconds if seconds else 0
                print(
                    f"{label:34} {seconds:8.2f} {rows:10,} {rate:10,.0f} {peak:8.0f} {growth:6.0f}"
                )
        print(f"\nGoal: the real release in minutes, peak memory well under {GOAL_MB} MB.")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
