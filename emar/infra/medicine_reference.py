"""The shipped clinical reference (`resources/medicines/`, see its README) read into plain facts,
once per process: it changes only with a release of eMAR."""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from emar.domain.medicines.knowledge import (
    Combination,
    Knowledge,
    MedicineClass,
    MemberAllergy,
    Substance,
    substance_key,
)
from emar.infra.resources import shipped_folder

FOLDER = "resources"
MARKER = "medicines/VERSION"


class ReferenceError(ValueError):
    """A reference table that does not read: a release fault, named by file and line."""


def _list(cell: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in cell.split(";") if p.strip())


def _decimal(cell: str, where: str) -> Decimal | None:
    if not cell.strip():
        return None
    try:
        return Decimal(cell.strip())
    except InvalidOperation as exc:
        raise ReferenceError(f"{where}: {cell!r} is not a number") from exc


def _rows(path: Path) -> list[tuple[str, dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as f:
        return [(f"{path.name} line {n}", row) for n, row in enumerate(csv.DictReader(f), 2)]


def read_knowledge(folder: Path) -> Knowledge:
    """The reference tables in `folder` (substances, classes, combinations, VERSION)."""
    classes = {}
    for _where, row in _rows(folder / "classes.csv"):
        classes[row["key"]] = MedicineClass(
            row["key"],
            row["name"],
            MemberAllergy(row["member_allergy"] or "none"),
            frozenset(_list(row["cross_sensitive"])),
            _list(row["synonyms"]),
            row["source"],
        )
    substances = {}
    for where, row in _rows(folder / "substances.csv"):
        key = substance_key(row["key"])
        if key != row["key"]:
            raise ReferenceError(f"{where}: key {row['key']!r} should be {key!r}")
        unknown = set(_list(row["classes"])) - set(classes)
        if unknown:
            raise ReferenceError(f"{where}: unknown classes {sorted(unknown)}")
        schedule = row["cd_schedule"].strip()
        substances[key] = Substance(
            key=key,
            name=row["name"],
            atc=row["atc"] or None,
            classes=frozenset(_list(row["classes"])),
            max_daily=_decimal(row["max_daily"], where),
            max_unit=row["max_unit"] or None,
            max_daily_under_50kg=_decimal(row["max_daily_under_50kg"], where),
            acb=int(row["acb"] or 0),
            high_risk=row["high_risk"] or None,
            falls_risk=row["falls_risk"].strip().lower() == "yes",
            sedative=row["sedative"].strip().lower() == "yes",
            cd_schedule=int(schedule) if schedule else None,
            synonyms=_list(row["synonyms"]),
            source=row["source"],
        )
    combinations = {}
    for where, row in _rows(folder / "combinations.csv"):
        parts = frozenset(substance_key(p) for p in _list(row["substances"]))
        if parts - set(substances):
            raise ReferenceError(f"{where}: unknown substances {sorted(parts - set(substances))}")
        combinations[row["key"]] = Combination(row["key"], row["name"], parts, row["source"])
    version = (folder / "VERSION").read_text(encoding="utf-8").strip()
    return Knowledge(version, substances, classes, combinations)


@lru_cache(maxsize=1)
def load_knowledge() -> Knowledge:
    """The reference shipped with this release of eMAR."""
    return read_knowledge(shipped_folder(FOLDER, MARKER) / "medicines")
