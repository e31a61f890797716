"""The medicine catalogue from the NHSBSA dm+d release: VMPs and AMPs as products, their
ingredients and strengths, their packs' GTINs.

The whole release is read (and checked) before anything is written; then the rows are written
set-based, in batches, in the caller's one transaction. A product is found again by its dm+d
code (or its previous code, when dm+d changed it), so a newer release updates the catalogue in
place; chart lines keep what was transcribed (`ChartLine.medicine_text`) and are not touched.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from emar.domain.gtin import to_gtin14
from emar.errors import ValidationError
from emar.infra.dmd import DmdRelease, find_release
from emar.infra.dmd.reader import (
    Tick,
    read_ampps,
    read_amps,
    read_gtins,
    read_ingredients,
    read_lookup_tables,
    read_vmpps,
    read_vmps,
    read_vtms,
)
from emar.infra.dmd.records import (
    Amp,
    Ampp,
    AmppPrice,
    AmpRoute,
    Gtin,
    IngredientSubstance,
    Vmp,
    VmpControl,
    VmpForm,
    VmpRoute,
    Vpi,
)
from emar.models import Ingredient, Medicine, MedicineGtin, MedicineIngredient, PackPrice
from emar.services.audit import record_event
from emar.services.charts.dmd_products import (
    DoseContent,
    cd_schedule,
    dose_content,
    route_word,
    strength_text,
)
from emar.services.permissions import Action, require

# (file name, rows read, bytes read, file size)
Progress = Callable[[str, int, int, int], None]
BATCH = 2000
NAME_LIMIT = 200  # medicine.name
FORM_LIMIT = 50
ROUTES_LIMIT = 300
DOSE_UNIT_LIMIT = 30
STRENGTH_LIMIT = 50
INGREDIENT_LIMIT = 100  # ingredient.name
T = TypeVar("T")


@dataclass(frozen=True)
class ImportSummary:
    release: str
    vmps_added: int
    vmps_updated: int
    amps_added: int
    amps_updated: int
    unchanged: int
    ingredients_added: int
    ingredients_updated: int
    amounts_written: int  # products whose ingredient amounts were (re)written
    gtins_added: int
    gtins_updated: int
    skipped: tuple[tuple[str, int], ...]  # (reason, rows not written)
    without_amounts: tuple[tuple[str, int], ...]  # (reason, products imported without amounts)
    gtin_conflicts: tuple[str, ...]  # GTINs left on the product they were attached to by hand
    rows_read: int
    seconds: float

    @property
    def products_added(self) -> int:
        return self.vmps_added + self.amps_added

    @property
    def products_updated(self) -> int:
        return self.vmps_updated + self.amps_updated


@dataclass
class _Release:
    """What the catalogue needs of a release, read into memory (a few hundred MB of XML make
    a few hundred thousand small records)."""

    lookups: dict[str, dict[str, str]]
    ingredients: list[IngredientSubstance]
    vmps: dict[str, Vmp]
    vpis: dict[str, list[Vpi]]
    forms: dict[str, str]  # VPID: FORMCD
    routes: dict[str, list[str]]  # VPID: ROUTECDs
    controls: dict[str, str]  # VPID: CATCD
    amps: list[Amp]
    amp_routes: dict[str, list[str]]  # APID: licensed ROUTECDs
    pack_sizes: dict[str, int | None]  # VPPID: whole quantity
    ampps: dict[str, tuple[str, str, bool]]  # APPID: (APID, VPPID, invalid)
    gtins: list[Gtin]
    rows: int
    prices: dict[str, AmppPrice] = field(default_factory=dict)  # APPID: its price


def import_dmd(
    session: Session, staff_id: int, folder: str | Path, progress: Progress | None = None
) -> ImportSummary:
    """Import (or re-import) a dm+d release unpacked in `folder`. DmdError, before anything is
    written, when a file is missing or damaged."""
    require(session, staff_id, Action.EDIT_CHARTS)
    started = time.monotonic()
    release = find_release(Path(folder))
    data = _read(release, progress)
    run = _Run(session, release.name, data)
    run.ingredients()
    run.products()
    run.amounts()
    run.packs()
    run.prices()
    summary = run.summary(data.rows, time.monotonic() - started)
    record_event(
        session,
        "catalogue.dmd_imported",
        staff_id=staff_id,
        entity="dmd_release",
        entity_id=release.name,
        detail={
            "release": release.name,
            "products_added": summary.products_added,
            "products_updated": summary.products_updated,
            "ingredients_added": summary.ingredients_added,
            "gtins_added": summary.gtins_added,
            "gtins_updated": summary.gtins_updated,
            "skipped": dict(summary.skipped),
            "gtin_conflicts": len(summary.gtin_conflicts),
        },
    )
    return summary


def _read(release: DmdRelease, progress: Progress | None) -> _Release:
    def tick(kind: str) -> Tick | None:
        if progress is None:
            return None
        name = release[kind].name
        return lambda rows, done, size: progress(name, rows, done, size)

    lookups = read_lookup_tables(release["lookup"], tick("lookup"))
    ingredients = list(read_ingredients(release["ingredient"], tick("ingredient")))
    rows = sum(1 for _ in read_vtms(release["vtm"], tick("vtm")))  # checked, not stored
    vmps: dict[str, Vmp] = {}
    vpis: dict[str, list[Vpi]] = defaultdict(list)
    forms: dict[str, str] = {}
    routes: dict[str, list[str]] = defaultdict(list)
    controls: dict[str, str] = {}
    for record in read_vmps(release["vmp"], tick("vmp")):
        rows += 1
        match record:
            case Vmp():
                vmps[record.code] = record
            case Vpi():
                vpis[record.vmp_code].append(record)
            case VmpForm():
                forms.setdefault(record.vmp_code, record.form_code)
            case VmpRoute():
                routes[record.vmp_code].append(record.route_code)
            case VmpControl():
                controls[record.vmp_code] = record.category_code
    amps: list[Amp] = []
    amp_routes: dict[str, list[str]] = defaultdict(list)
    for amp_record in read_amps(release["amp"], tick("amp")):
        rows += 1
        if isinstance(amp_record, AmpRoute):
            amp_routes[amp_record.amp_code].append(amp_record.route_code)
        else:
            amps.append(amp_record)
    pack_sizes = {
        vmpp.code: _whole(vmpp.quantity) for vmpp in read_vmpps(release["vmpp"], tick("vmpp"))
    }
    ampps: dict[str, tuple[str, str, bool]] = {}
    prices: dict[str, AmppPrice] = {}
    for a in read_ampps(release["ampp"], tick("ampp")):
        if isinstance(a, Ampp):
            ampps[a.code] = (a.amp_code, a.vmpp_code, a.invalid)
        elif a is not None:
            prices[a.ampp_code] = a
    gtins = list(read_gtins(release["gtin"], tick("gtin")))
    rows += sum(map(len, lookups.values())) + len(ingredients) + len(pack_sizes) + len(ampps)
    rows += len(gtins)
    return _Release(
        lookups,
        ingredients,
        vmps,
        vpis,
        forms,
        routes,
        controls,
        amps,
        amp_routes,
        pack_sizes,
        ampps,
        gtins,
        rows,
        prices,
    )


def _whole(quantity: Decimal | None) -> int | None:
    """A pack size the catalogue can hold (a whole number), else None."""
    if quantity is None or quantity <= 0 or quantity != quantity.to_integral_value():
        return None
    return int(quantity)


def _batches(rows: list[T], size: int = BATCH) -> Iterator[list[T]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


# The columns an import writes, in this order; compared with the row's to count changes.
PRODUCT_COLUMNS = (
    "dmd_code",
    "name",
    "form",
    "strength",
    "route",
    "routes",
    "dose_unit",
    "cd_schedule",
    "dmd_kind",
    "vmp_id",
    "vtm_code",
    "supplier",
    "invalid",
)


@dataclass(frozen=True)
class _Product:
    values: dict[str, Any]
    content: DoseContent
    has_ingredients: bool


class _Run:
    """One import: the release in memory, the catalogue's existing rows in dicts."""

    def __init__(self, session: Session, release: str, data: _Release) -> None:
        self.session, self.release, self.data = session, release, data
        self.units = data.lookups.get("UNIT_OF_MEASURE", {})
        self.skipped: Counter[str] = Counter()
        self.without_amounts: Counter[str] = Counter()
        self.counts: Counter[str] = Counter()
        self.ingredient_ids: dict[str, int] = {}  # ISID: id
        self.product_ids: dict[str, int] = {}  # VPID/APID: id
        # medicine id: its dose content, and whether dm+d lists ingredients for it
        self.contents: dict[int, tuple[DoseContent, bool]] = {}
        self.conflicts: list[str] = []

    # -- ingredients -------------------------------------------------------------------------

    def ingredients(self) -> None:
        session = self.session
        rows = session.execute(select(Ingredient.id, Ingredient.dmd_code, Ingredient.name)).all()
        by_code = {code: (i, name) for i, code, name in rows if code}
        by_name = {name.lower(): (i, code) for i, code, name in rows}
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        taken: dict[str, str] = {}  # name: the ISID that has it in this release
        # valid substances first: an invalid one never takes a valid one's name
        for ing in sorted(self.data.ingredients, key=lambda i: i.invalid):
            name = " ".join(ing.name.split()).lower()
            if len(name) > INGREDIENT_LIMIT:
                self.skipped[f"ingredient name longer than {INGREDIENT_LIMIT} characters"] += 1
                continue
            if taken.get(name, ing.code) != ing.code:
                self.skipped["ingredient name shared with another dm+d substance"] += 1
                continue
            row = by_code.get(ing.code) or (
                by_code.get(ing.previous_code) if ing.previous_code else None
            )
            owner = by_name.get(name)
            if row is None and owner is not None and owner[1] is None:
                row = (owner[0], name)  # made by hand before: it takes the dm+d code
            if owner is not None and (row is None or owner[0] != row[0]):
                self.skipped["ingredient name held by another coded ingredient"] += 1
                continue
            taken[name] = ing.code
            if row is None:
                inserts.append({"name": name, "dmd_code": ing.code})
            else:
                self.ingredient_ids[ing.code] = row[0]
                if row[1] != name or by_code.get(ing.code) is None:
                    updates.append({"id": row[0], "name": name, "dmd_code": ing.code})
        for batch in _batches(updates):
            session.execute(update(Ingredient), batch)
        for batch in _batches(inserts):
            session.execute(insert(Ingredient), batch)
        if inserts:
            codes = {r["dmd_code"] for r in inserts}
            for i, code in session.execute(
                select(Ingredient.id, Ingredient.dmd_code).where(Ingredient.dmd_code.is_not(None))
            ):
                if code is not None and code in codes:
                    self.ingredient_ids[code] = i
        self.counts["ingredients_added"] = len(inserts)
        self.counts["ingredients_updated"] = len(updates)

    # -- products ----------------------------------------------------------------------------

    def _existing_products(self) -> dict[str, tuple[Any, ...]]:
        columns = [getattr(Medicine, c) for c in PRODUCT_COLUMNS]
        return {
            row[1]: tuple(row)
            for row in self.session.execute(
                select(Medicine.id, *columns).where(Medicine.dmd_code.is_not(None))
            )
        }

    def _described(self, vmp: Vmp, route_codes: Iterable[str]) -> dict[str, Any] | None:
        """The catalogue's columns shared by a VMP and its AMPs; None (counted) when one does
        not fit its column."""
        lookups = self.data.lookups
        form = lookups.get("FORM", {}).get(self.data.forms.get(vmp.code, ""), "").lower()
        words: list[str] = []
        for code in route_codes:
            word = route_word(lookups.get("ROUTE", {}).get(code, ""))
            if word and word not in words:
                words.append(word)
        vpis = self.data.vpis.get(vmp.code, [])
        content = dose_content(vmp, vpis, self.units)
        strength = strength_text(vmp.name, vpis, self.units)
        category = lookups.get("CONTROL_DRUG_CATEGORY", {}).get(
            self.data.controls.get(vmp.code, "")
        )
        routes = ";".join(words)
        for value, limit, what in (
            (form, FORM_LIMIT, "form"),
            (routes, ROUTES_LIMIT, "routes"),
            (content.dose_unit, DOSE_UNIT_LIMIT, "dose unit"),
        ):
            if len(value) > limit:
                self.skipped[f"{what} longer than {limit} characters"] += 1
                return None
        return {
            "form": form,
            "strength": strength if strength and len(strength) <= STRENGTH_LIMIT else None,
            "route": words[0] if words else "",
            "routes": routes or None,
            "dose_unit": content.dose_unit,
            "cd_schedule": cd_schedule(category),
            "vtm_code": vmp.vtm_code,
            "_content": content,
            "_has_ingredients": bool(vpis),
        }

    def _write(
        self, products: dict[str, _Product], existing: dict[str, tuple[Any, ...]], kind: str
    ) -> None:
        inserts, updates = [], []
        for code, product in products.items():
            values = product.values
            row = existing.get(code)
            if row is None and kind == "vmp":
                previous = self.data.vmps[code].previous_code
                row = existing.get(previous) if previous else None
            if row is None:
                values["dmd_release"] = self.release  # the dict itself: no copy of 100,000s
                inserts.append(values)
                continue
            self.product_ids[code] = row[0]
            if tuple(values[c] for c in PRODUCT_COLUMNS) != row[1:]:
                values.update(id=row[0], dmd_release=self.release)
                updates.append(values)
            else:
                self.counts["unchanged"] += 1
        for batch in _batches(updates):
            self.session.execute(update(Medicine), batch)
        for batch in _batches(inserts):
            self.session.execute(insert(Medicine), batch)
        if inserts:
            for i, written in self.session.execute(
                select(Medicine.id, Medicine.dmd_code).where(Medicine.dmd_kind == kind)
            ):
                if written is not None:
                    self.product_ids[written] = i
        for code, product in products.items():
            if code in self.product_ids:
                self.contents[self.product_ids[code]] = (product.content, product.has_ingredients)
        self.counts[f"{kind}s_added"] = len(inserts)
        self.counts[f"{kind}s_updated"] = len(updates)

    def _product(self, code: str, name: str, described: dict[str, Any], **own: Any) -> _Product:
        values = {k: v for k, v in described.items() if not k.startswith("_")}
        values.update(dmd_code=code, name=name, **own)
        return _Product(values, described["_content"], described["_has_ingredients"])

    def products(self) -> None:
        existing = self._existing_products()
        vmps: dict[str, _Product] = {}
        described: dict[str, dict[str, Any]] = {}
        for vmp in self.data.vmps.values():
            facts = self._described(vmp, self.data.routes.get(vmp.code, []))
            if facts is None:
                continue
            described[vmp.code] = facts
            if len(vmp.name) > NAME_LIMIT:
                self.skipped[f"product name longer than {NAME_LIMIT} characters"] += 1
                continue
            vmps[vmp.code] = self._product(
                vmp.code,
                vmp.name,
                facts,
                dmd_kind="vmp",
                vmp_id=None,
                supplier=None,
                invalid=vmp.invalid,
            )
        self._write(vmps, existing, "vmp")
        suppliers = self.data.lookups.get("SUPPLIER", {})
        amps: dict[str, _Product] = {}
        for amp in self.data.amps:
            generic = self.data.vmps.get(amp.vmp_code)
            if generic is None:
                self.skipped["AMP whose VMP is not in the release"] += 1
                continue
            licensed = self.data.amp_routes.get(amp.code)
            facts = self._described(generic, licensed) if licensed else described.get(amp.vmp_code)
            if facts is None:
                continue
            if len(amp.name) > NAME_LIMIT:
                self.skipped[f"product name longer than {NAME_LIMIT} characters"] += 1
                continue
            supplier = suppliers.get(amp.supplier_code or "")
            amps[amp.code] = self._product(
                amp.code,
                amp.name,
                facts,
                dmd_kind="amp",
                vmp_id=self.product_ids.get(amp.vmp_code),
                supplier=supplier if supplier and len(supplier) <= NAME_LIMIT else None,
                invalid=amp.invalid,
            )
        self._write(amps, existing, "amp")
        for done in (data := self.data).amps, data.amp_routes, data.vpis, data.routes, data.vmps:
            done.clear()  # only the packs are needed from here: memory for them

    # -- ingredient amounts ------------------------------------------------------------------

    def amounts(self) -> None:
        """Each product's amounts per dose unit, rewritten where they differ; a product whose
        strength gives none keeps what it has (perhaps entered by hand)."""
        have: dict[int, dict[int, tuple[Decimal, str]]] = defaultdict(dict)
        for medicine_id, ingredient_id, amount, unit in self.session.execute(
            select(
                MedicineIngredient.medicine_id,
                MedicineIngredient.ingredient_id,
                MedicineIngredient.amount,
                MedicineIngredient.amount_unit,
            )
            .join(Medicine, Medicine.id == MedicineIngredient.medicine_id)
            .where(Medicine.dmd_kind.is_not(None))
        ):
            have[medicine_id][ingredient_id] = (Decimal(amount), unit)
        replace: list[int] = []
        rows: list[dict[str, Any]] = []
        for medicine_id, (content, has_ingredients) in self.contents.items():
            if not has_ingredients:
                self.without_amounts["dm+d lists no ingredients"] += 1
                continue
            if content.amounts is None:
                self.without_amounts["strength not per dose unit"] += 1
                continue
            if any(code not in self.ingredient_ids for code, _, _ in content.amounts):
                self.without_amounts["an ingredient was not imported"] += 1
                continue
            want = {self.ingredient_ids[c]: (a, u) for c, a, u in content.amounts}
            if want == have.get(medicine_id, {}):
                continue
            replace.append(medicine_id)
            rows.extend(
                {"medicine_id": medicine_id, "ingredient_id": i, "amount": a, "amount_unit": u}
                for i, (a, u) in want.items()
            )
        for batch in _batches(replace):
            self.session.execute(
                delete(MedicineIngredient).where(MedicineIngredient.medicine_id.in_(batch))
            )
        for row_batch in _batches(rows):
            self.session.execute(insert(MedicineIngredient), row_batch)
        self.counts["amounts_written"] = len(replace)

    # -- packs -------------------------------------------------------------------------------

    def packs(self) -> None:
        """Each GTIN on its AMPP's AMP. A GTIN dm+d lists on several packs goes to the one
        listed as current (no end date, latest start); one attached by hand is left alone."""
        chosen: dict[str, Gtin] = {}
        for record in self.data.gtins:
            try:
                code = to_gtin14(record.gtin)
            except ValidationError:
                self.skipped["GTIN with a wrong length or check digit"] += 1
                continue
            ampp = self.data.ampps.get(record.ampp_code)
            if ampp is None:
                self.skipped["GTIN of a pack not in the release"] += 1
                continue
            if ampp[2]:
                self.skipped["GTIN of a pack dm+d marks invalid"] += 1
                continue
            if ampp[0] not in self.product_ids:
                self.skipped["GTIN of a product not imported"] += 1
                continue
            other = chosen.get(code)
            if other is not None and other.ampp_code != record.ampp_code:
                self.skipped["GTIN listed on another pack too (the current one kept)"] += 1
            if other is None or _newer(record, other):
                chosen[code] = record
        existing = {
            gtin: (i, medicine_id, ampp_code, pack_size)
            for i, gtin, medicine_id, ampp_code, pack_size in self.session.execute(
                select(
                    MedicineGtin.id,
                    MedicineGtin.gtin,
                    MedicineGtin.medicine_id,
                    MedicineGtin.ampp_code,
                    MedicineGtin.pack_size,
                )
            )
        }
        inserts, updates = [], []
        for code, record in chosen.items():
            amp_code, vmpp_code, _ = self.data.ampps[record.ampp_code]
            medicine_id = self.product_ids[amp_code]
            size = self.data.pack_sizes.get(vmpp_code)
            row = existing.get(code)
            if row is None:
                inserts.append(
                    {
                        "gtin": code,
                        "medicine_id": medicine_id,
                        "ampp_code": record.ampp_code,
                        "pack_size": size,
                    }
                )
            elif row[2] is None:  # attached by hand
                if row[1] != medicine_id:
                    self.conflicts.append(code)
                    self.skipped["GTIN attached by hand to another product (left there)"] += 1
            elif row[1:] != (medicine_id, record.ampp_code, size):
                updates.append(
                    {
                        "id": row[0],
                        "medicine_id": medicine_id,
                        "ampp_code": record.ampp_code,
                        "pack_size": size,
                    }
                )
        for batch in _batches(updates):
            self.session.execute(update(MedicineGtin), batch)
        for batch in _batches(inserts):
            self.session.execute(insert(MedicineGtin), batch)
        self.counts["gtins_added"] = len(inserts)
        self.counts["gtins_updated"] = len(updates)

    def prices(self) -> None:
        """Each valid pack's price, as a new price row when it differs from the latest known
        for that pack (prices are append-only: the waste report costs with the latest)."""
        latest: dict[tuple[int, int, str | None], int] = {}
        for medicine_id, known_size, code, pence in self.session.execute(
            select(
                PackPrice.medicine_id,
                PackPrice.pack_size,
                PackPrice.ampp_code,
                PackPrice.price_pence,
            ).order_by(PackPrice.recorded_at, PackPrice.id)
        ):
            latest[medicine_id, known_size, code] = pence
        now = datetime.now(UTC)
        rows = []
        for code, price in self.data.prices.items():
            ampp = self.data.ampps.get(code)
            if ampp is None or ampp[2] or ampp[0] not in self.product_ids:
                continue
            size = self.data.pack_sizes.get(ampp[1])
            if not size:
                continue
            key = (self.product_ids[ampp[0]], size, code)
            if latest.get(key) == price.pence:
                continue
            rows.append(
                {
                    "medicine_id": key[0],
                    "pack_size": size,
                    "price_pence": price.pence,
                    "source": "dm+d",
                    "ampp_code": code,
                    "price_date": price.since,
                    "recorded_at": now,
                }
            )
        for batch in _batches(rows):
            self.session.execute(insert(PackPrice), batch)
        self.counts["prices_added"] = len(rows)

    def summary(self, rows: int, seconds: float) -> ImportSummary:
        c = self.counts
        return ImportSummary(
            self.release,
            c["vmps_added"],
            c["vmps_updated"],
            c["amps_added"],
            c["amps_updated"],
            c["unchanged"],
            c["ingredients_added"],
            c["ingredients_updated"],
            c["amounts_written"],
            c["gtins_added"],
            c["gtins_updated"],
            tuple(sorted(self.skipped.items())),
            tuple(sorted(self.without_amounts.items())),
            tuple(self.conflicts),
            rows,
            seconds,
        )


def _newer(record: Gtin, other: Gtin) -> bool:
    """Whether `record` is the pack's current GTIN rather than `other`: no end date first,
    then the later start."""
    if (record.end is None) != (other.end is None):
        return record.end is None
    return (record.start or date.min) > (other.start or date.min)
