"""Streaming readers of the dm+d XML files: lxml iterparse, each record cleared as soon as it
is read, so memory stays flat however large the file (the full release is hundreds of MB)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from lxml import etree

from emar.errors import EmarError
from emar.infra.dmd.records import (
    Amp,
    AmpFileRecord,
    Ampp,
    AmppPrice,
    AmpRoute,
    Gtin,
    IngredientSubstance,
    LookupEntry,
    Vmp,
    VmpControl,
    VmpFileRecord,
    VmpForm,
    Vmpp,
    VmpRoute,
    Vpi,
    Vtm,
)

T = TypeVar("T")
Fields = dict[str, str | None]
# (rows read so far, bytes read, file size): called every TICK_EVERY rows and at the end
Tick = Callable[[int, int, int], None]
TICK_EVERY = 2000


class DmdError(EmarError):
    """A dm+d release that cannot be read: a file missing, damaged or of the wrong kind."""


class _Counting:
    """A binary file that remembers how far the parser has read (for a progress bar)."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("rb")
        self.done = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._file.read(size)
        self.done += len(chunk)
        return chunk

    def close(self) -> None:
        self._file.close()


def _fields(element: Any) -> Fields:
    """The text of an element's children, by tag (comments skipped)."""
    return {child.tag: child.text for child in element if isinstance(child.tag, str)}


def _by_fields(build: Callable[[Fields], T]) -> Callable[[Any], T]:
    return lambda element: build(_fields(element))


def _records(
    path: Path,
    root: str,
    builders: Mapping[str, Callable[[Any], T]],
    tick: Tick | None,
    *,
    sections: bool = True,
) -> Iterator[T]:
    """The records of the elements named in `builders`, each built from the element; the
    element and everything read before it are dropped once it is built."""
    try:
        size = path.stat().st_size
        source = _Counting(path)
    except OSError as exc:
        raise DmdError(f"{path.name}: cannot be read ({exc.strerror or exc}).") from exc
    rows = 0
    try:
        context = etree.iterparse(
            source,
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
        )
        # A file is root > sections > records > fields (root > records > fields without
        # `sections`). Each record is dropped when it ends, used or not (the AMPP file's price
        # sections are most of its size), and each section when it ends.
        record_depth = 2 if sections else 1
        depth = 0
        for event, element in context:
            if event == "start":
                depth += 1
                continue
            depth -= 1
            if depth == 0 or depth < record_depth - 1 or depth > record_depth:
                continue
            build = builders.get(element.tag) if depth == record_depth else None
            record = None if build is None else _build(path, build, element)
            element.clear(keep_tail=True)
            parent = element.getparent()
            while element.getprevious() is not None:
                del parent[0]
            if build is None:
                continue
            rows += 1
            if tick is not None and rows % TICK_EVERY == 0:
                tick(rows, source.done, size)
            yield record  # type: ignore[misc]
        found = context.root.tag if context.root is not None else None
    except etree.XMLSyntaxError as exc:
        line = f", line {exc.lineno}" if exc.lineno else ""
        raise DmdError(
            f"{path.name}{line}: damaged or incomplete XML ({exc.msg}); nothing was imported."
        ) from exc
    except OSError as exc:
        raise DmdError(f"{path.name}: cannot be read ({exc.strerror or exc}).") from exc
    finally:
        source.close()
    if found != root:
        raise DmdError(f"{path.name}: not a dm+d {root} file (its root is {found}).")
    if tick is not None:
        tick(rows, size, size)


def _build(path: Path, build: Callable[[Any], T], element: Any) -> T:
    try:
        return build(element)
    except (KeyError, InvalidOperation, ValueError) as exc:
        raise DmdError(
            f"{path.name}, line {element.sourceline}: a {element.tag} without a readable "
            f"{str(exc).strip(chr(39))}."
        ) from exc


def _text(fields: Fields, tag: str) -> str:
    """A required field (KeyError, named by the tag, when absent or empty)."""
    value = fields.get(tag)
    if not value or not value.strip():
        raise KeyError(tag)
    return value.strip()


def _opt(fields: Fields, tag: str) -> str | None:
    value = fields.get(tag)
    return value.strip() if value and value.strip() else None


def _number(fields: Fields, tag: str) -> Decimal | None:
    value = _opt(fields, tag)
    if value is None:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ValueError(tag) from None


def _day(fields: Fields, tag: str) -> date | None:
    value = _opt(fields, tag)
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise ValueError(tag) from None


def _invalid(fields: Fields) -> bool:
    return _opt(fields, "INVALID") == "1"


def read_vtms(path: Path, tick: Tick | None = None) -> Iterator[Vtm]:
    return _records(
        path,
        "VIRTUAL_THERAPEUTIC_MOIETIES",
        {"VTM": _by_fields(lambda f: Vtm(_text(f, "VTMID"), _text(f, "NM"), _invalid(f)))},
        tick,
        sections=False,
    )


def _vmp(f: Fields) -> Vmp:
    return Vmp(
        _text(f, "VPID"),
        _text(f, "NM"),
        _opt(f, "VTMID"),
        _opt(f, "VPIDPREV"),
        _invalid(f),
        _number(f, "UDFS"),
        _opt(f, "UDFS_UOMCD"),
        _opt(f, "UNIT_DOSE_UOMCD"),
    )


def _vpi(f: Fields) -> Vpi:
    return Vpi(
        _text(f, "VPID"),
        _text(f, "ISID"),
        _number(f, "STRNT_NMRTR_VAL"),
        _opt(f, "STRNT_NMRTR_UOMCD"),
        _number(f, "STRNT_DNMTR_VAL"),
        _opt(f, "STRNT_DNMTR_UOMCD"),
    )


def read_vmps(path: Path, tick: Tick | None = None) -> Iterator[VmpFileRecord]:
    """VMPs, then their ingredients (VPI), forms (DFORM), routes (DROUTE) and controlled-drug
    categories (CONTROL_INFO), in the file's order."""
    builders: dict[str, Callable[[Fields], Any]] = {
        "VMP": _vmp,
        "VPI": _vpi,
        "DFORM": lambda f: VmpForm(_text(f, "VPID"), _text(f, "FORMCD")),
        "DROUTE": lambda f: VmpRoute(_text(f, "VPID"), _text(f, "ROUTECD")),
        "CONTROL_INFO": lambda f: VmpControl(_text(f, "VPID"), _text(f, "CATCD")),
    }
    builders_ = {tag: _by_fields(build) for tag, build in builders.items()}
    return _records(path, "VIRTUAL_MED_PRODUCTS", builders_, tick)


def read_amps(path: Path, tick: Tick | None = None) -> Iterator[AmpFileRecord]:
    """AMPs, then their licensed routes (LIC_ROUTE)."""
    builders: dict[str, Callable[[Fields], Any]] = {
        "AMP": lambda f: Amp(
            _text(f, "APID"),
            _text(f, "VPID"),
            _text(f, "NM"),
            _opt(f, "DESC"),
            _opt(f, "SUPPCD"),
            _invalid(f),
        ),
        "LIC_ROUTE": lambda f: AmpRoute(_text(f, "APID"), _text(f, "ROUTECD")),
    }
    builders_ = {tag: _by_fields(build) for tag, build in builders.items()}
    return _records(path, "ACTUAL_MEDICINAL_PRODUCTS", builders_, tick)


def read_vmpps(path: Path, tick: Tick | None = None) -> Iterator[Vmpp]:
    return _records(
        path,
        "VIRTUAL_MED_PRODUCT_PACK",
        {
            "VMPP": _by_fields(
                lambda f: Vmpp(
                    _text(f, "VPPID"),
                    _text(f, "VPID"),
                    _text(f, "NM"),
                    _number(f, "QTYVAL"),
                    _opt(f, "QTY_UOMCD"),
                    _invalid(f),
                )
            )
        },
        tick,
    )


def _price(f: Fields) -> AmppPrice | None:
    """A price section's record; one without a whole number of pence is left out."""
    pence = _opt(f, "PRICE")
    if pence is None or not pence.isdigit():
        return None
    return AmppPrice(_text(f, "APPID"), int(pence), _day(f, "PRICEDT"))


def read_ampps(path: Path, tick: Tick | None = None) -> Iterator[Ampp | AmppPrice | None]:
    """The packs, then their prices (None for a price record without a usable price)."""
    return _records(
        path,
        "ACTUAL_MEDICINAL_PROD_PACKS",
        {
            "AMPP": _by_fields(
                lambda f: Ampp(
                    _text(f, "APPID"),
                    _text(f, "APID"),
                    _text(f, "VPPID"),
                    _text(f, "NM"),
                    _invalid(f),
                )
            ),
            "PRICE_INFO": _by_fields(_price),
        },
        tick,
    )


def read_ingredients(path: Path, tick: Tick | None = None) -> Iterator[IngredientSubstance]:
    return _records(
        path,
        "INGREDIENT_SUBSTANCES",
        {
            "ING": _by_fields(
                lambda f: IngredientSubstance(
                    _text(f, "ISID"), _text(f, "NM"), _opt(f, "ISIDPREV"), _invalid(f)
                )
            )
        },
        tick,
        sections=False,
    )


def read_lookups(path: Path, tick: Tick | None = None) -> Iterator[LookupEntry]:
    """Every lookup table's entries; the table is the INFO element's parent (FORM, ROUTE...)."""

    def entry(element: Any) -> LookupEntry:
        f = _fields(element)
        return LookupEntry(element.getparent().tag, _text(f, "CD"), _opt(f, "DESC") or "")

    return _records(path, "LOOKUP", {"INFO": entry}, tick)


def read_lookup_tables(path: Path, tick: Tick | None = None) -> dict[str, dict[str, str]]:
    """{table: {code: description}} of every lookup table (small: a few thousand rows)."""
    tables: dict[str, dict[str, str]] = {}
    for entry in read_lookups(path, tick):
        tables.setdefault(entry.table, {})[entry.code] = entry.description
    return tables


def read_gtins(path: Path, tick: Tick | None = None) -> Iterator[Gtin]:
    """Every GTIN of every AMPP, with its validity dates."""

    def pack(element: Any) -> list[Gtin]:
        ampp = _text(_fields(element), "AMPPID")
        return [
            Gtin(ampp, _text(f, "GTIN"), _day(f, "STARTDT"), _day(f, "ENDDT"))
            for f in (_fields(data) for data in element.iterfind("GTINDATA"))
        ]

    for gtins in _records(path, "GTIN_DETAILS", {"AMPP": pack}, tick):
        yield from gtins
