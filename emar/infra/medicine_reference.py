"""The shipped clinical reference (`resources/medicines/`, see its README) read into plain facts,
once per process: it changes only with a release of eMAR."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from emar.domain.medicines.knowledge import (
    Combination,
    Knowledge,
    MedicineClass,
    MemberAllergy,
    RenalAdvice,
    RenalRule,
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


def _int(cell: str, where: str, allowed: range) -> int | None:
    if not cell.strip():
        return None
    try:
        value = int(cell.strip())
    except ValueError as exc:
        raise ReferenceError(f"{where}: {cell!r} is not a whole number") from exc
    if value not in allowed:
        raise ReferenceError(f"{where}: {value} is outside {allowed.start}-{allowed.stop - 1}")
    return value


def _flag(cell: str, where: str) -> bool:
    text = cell.strip().lower()
    if text not in ("", "yes"):
        raise ReferenceError(f"{where}: {cell!r} should be 'yes' or empty")
    return text == "yes"


def _unique(key: str, seen: Mapping[str, object], where: str) -> str:
    if key in seen:
        raise ReferenceError(f"{where}: {key!r} is listed twice")
    return key


def _rows(path: Path) -> list[tuple[str, dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as f:
        return [(f"{path.name} line {n}", row) for n, row in enumerate(csv.DictReader(f), 2)]


def read_knowledge(folder: Path) -> Knowledge:
    """The reference tables in `folder` (substances, classes, combinations, VERSION)."""
    classes: dict[str, MedicineClass] = {}
    lines: dict[str, str] = {}
    for where, row in _rows(folder / "classes.csv"):
        try:
            member_allergy = MemberAllergy(row["member_allergy"] or "none")
        except ValueError as exc:
            raise ReferenceError(f"{where}: member_allergy {row['member_allergy']!r}") from exc
        classes[_unique(row["key"], classes, where)] = MedicineClass(
            row["key"],
            row["name"],
            member_allergy,
            frozenset(_list(row["cross_sensitive"])),
            _list(row["synonyms"]),
            row["source"],
        )
        lines[row["key"]] = where
    for k in classes.values():
        missing = k.cross_sensitive - set(classes)
        if missing:
            raise ReferenceError(
                f"{lines[k.key]}: unknown cross-sensitive classes {sorted(missing)}"
            )
    substances: dict[str, Substance] = {}
    for where, row in _rows(folder / "substances.csv"):
        key = substance_key(row["key"])
        if key != row["key"]:
            raise ReferenceError(f"{where}: key {row['key']!r} should be {key!r}")
        unknown = set(_list(row["classes"])) - set(classes)
        if unknown:
            raise ReferenceError(f"{where}: unknown classes {sorted(unknown)}")
        substances[_unique(key, substances, where)] = Substance(
            key=key,
            name=row["name"],
            atc=row["atc"] or None,
            classes=frozenset(_list(row["classes"])),
            max_daily=_decimal(row["max_daily"], where),
            max_unit=row["max_unit"] or None,
            max_daily_under_50kg=_decimal(row["max_daily_under_50kg"], where),
            acb=_int(row["acb"], where, range(4)) or 0,
            high_risk=row["high_risk"] or None,
            falls_risk=_flag(row["falls_risk"], where),
            sedative=_flag(row["sedative"], where),
            cd_schedule=_int(row["cd_schedule"], where, range(1, 6)),
            synonyms=_list(row["synonyms"]),
            source=row["source"],
        )
    combinations: dict[str, Combination] = {}
    for where, row in _rows(folder / "combinations.csv"):
        parts = frozenset(substance_key(p) for p in _list(row["substances"]))
        if parts - set(substances):
            raise ReferenceError(f"{where}: unknown substances {sorted(parts - set(substances))}")
        combinations[_unique(row["key"], combinations, where)] = Combination(
            row["key"], row["name"], parts, row["source"]
        )
    renal = _renal(folder / "renal.csv", substances)
    version = (folder / "VERSION").read_text(encoding="utf-8").strip()
    return Knowledge(version, substances, classes, combinations, renal)


def _renal(path: Path, substances: Mapping[str, Substance]) -> tuple[RenalRule, ...]:
    """Medicines to avoid or dose down below an eGFR; each row cites its source. NSAIDs are
    not listed: their own signal covers them."""
    rules: list[RenalRule] = []
    seen: dict[str, str] = {}
    for where, row in _rows(path):
        key = substance_key(row["substance"])
        if key not in substances:
            raise ReferenceError(f"{where}: unknown substance {row['substance']!r}")
        if "nsaids" in substances[key].classes:
            raise ReferenceError(f"{where}: NSAIDs have their own kidney signal")
        egfr = _decimal(row["egfr_below"], where)
        if egfr is None or egfr <= 0:
            raise ReferenceError(f"{where}: egfr_below should be a positive number")
        try:
            advice = RenalAdvice(row["advice"].strip())
        except ValueError as exc:
            raise ReferenceError(f"{where}: advice {row['advice']!r}") from exc
        if not row["source"].strip():
            raise ReferenceError(f"{where}: no source")
        _unique(f"{key} below {egfr}", seen, where)
        seen[f"{key} below {egfr}"] = where
        rules.append(RenalRule(key, egfr, advice, row["source"].strip()))
    return tuple(rules)


@lru_cache(maxsize=1)
def load_knowledge() -> Knowledge:
    """The reference shipped with this release of eMAR."""
    return read_knowledge(shipped_folder(FOLDER, MARKER) / "medicines")
