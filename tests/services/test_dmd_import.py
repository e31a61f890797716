"""The catalogue from the dm+d sample release (tests/data/dmd/1: a subset of the
2019-04-01 release), on both backends. Expected values are read from the XML by hand."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from emar.infra.dmd import DmdError
from emar.infra.dmd.reader import read_lookup_tables
from emar.models import (
    Administration,
    ChartLine,
    Ingredient,
    Medicine,
    MedicineGtin,
    MedicineIngredient,
    PackPrice,
)
from emar.services.charts.catalogue import attach_gtin
from emar.services.charts.dmd_import import import_dmd
from emar.services.charts.dmd_products import cd_schedule
from emar.services.charts.editing import LineForm, add_chart_line, check_chart_line
from emar.services.charts.packs import medicines_for_gtin, pack_line
from emar.services.round.facts import load_lines
from emar.services.round.recording import record_given
from emar.services.round.verification import Intent, PackScan
from tests.support.homes import Home, local

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "dmd" / "1"
DAY = date(2026, 6, 10)
AT = local(DAY, 8, 0)

GEL_VMP = "22480211000001104"  # Diclofenac 2.32% gel
VOLTAROL = "22479611000001102"  # Voltarol 12 Hour Emulgel P 2.32% gel (GSK)
COLORAMA = "29915211000001103"  # Diclofenac 2.32% gel (Colorama), INVALID 1
ADENOSINE_VMP = "35894711000001106"
VOLTAROL_50G = "05051562030603"  # f_gtin2: AMPP 22479711000001106, VMPP qty 50 gram


@pytest.fixture(autouse=True)
def _sample_release():
    if not SAMPLE.is_dir():
        pytest.fail(f"the dm+d sample release is missing: {SAMPLE}")


def _import(db, home: Home, folder: Path = SAMPLE):
    with db.write() as s:
        return import_dmd(s, home.staff["nina"], folder)


def _by_code(s, code: str) -> Medicine:
    return s.scalars(select(Medicine).where(Medicine.dmd_code == code)).one()


def _copy(tmp_path: Path, release: str = "3010419") -> Path:
    folder = tmp_path / "release"
    folder.mkdir()
    for path in SAMPLE.glob("*.xml"):
        shutil.copy(path, folder / path.name.replace("3010419", release))
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_sample_release_gives_the_gel_its_brands_ingredient_and_packs(home_db):
    home = Home(home_db)
    summary = _import(home_db, home)
    assert (summary.release, summary.vmps_added, summary.amps_added) == ("3010419", 7, 15)
    # 16 GTINDATA, two of them the same barcode (5060064792018 written with and without 0)
    assert summary.gtins_added == 15
    assert dict(summary.without_amounts) == {"dm+d lists no ingredients": 3}  # Nutrison
    with home_db.read() as s:
        gel = _by_code(s, GEL_VMP)
        assert (gel.name, gel.dmd_kind, gel.form, gel.route, gel.routes) == (
            "Diclofenac 2.32% gel", "vmp", "gel", "transdermal", "transdermal"
        )  # fmt: skip
        assert (gel.strength, gel.dose_unit, gel.cd_schedule, gel.vtm_code) == (
            "2.32%", "gram", None, "32889211000001103"
        )  # fmt: skip
        assert (gel.invalid, gel.dmd_release, gel.vmp_id) == (False, "3010419", None)
        (amount,) = s.execute(
            select(Ingredient.name, Ingredient.dmd_code, MedicineIngredient.amount,
                   MedicineIngredient.amount_unit)
            .join(MedicineIngredient).where(MedicineIngredient.medicine_id == gel.id)
        ).all()  # fmt: skip
        assert tuple(amount) == ("diclofenac diethylammonium", "426714006", Decimal("23.2"), "mg")
        voltarol = _by_code(s, VOLTAROL)
        assert (voltarol.dmd_kind, voltarol.vmp_id, voltarol.invalid) == ("amp", gel.id, False)
        assert voltarol.supplier == "GlaxoSmithKline Consumer Healthcare"
        assert voltarol.display_name == (
            "Voltarol 12 Hour Emulgel P 2.32% gel (GlaxoSmithKline Consumer Healthcare)"
        )
        assert (voltarol.route, voltarol.form, voltarol.dose_unit) == ("transdermal", "gel", "gram")
        colorama = _by_code(s, COLORAMA)
        assert (colorama.invalid, colorama.supplier) == (True, "Colorama Pharmaceuticals Ltd")
        packs = s.execute(
            select(MedicineGtin.gtin, MedicineGtin.ampp_code, MedicineGtin.pack_size)
            .where(MedicineGtin.medicine_id == voltarol.id).order_by(MedicineGtin.pack_size)
        ).all()  # fmt: skip
        assert [tuple(p) for p in packs] == [
            ("05051562030702", "22479911000001108", 30),
            (VOLTAROL_50G, "22479711000001106", 50),
            ("05051562033802", "26352611000001103", 100),
        ]
        adenosine = _by_code(s, ADENOSINE_VMP)
        assert (adenosine.form, adenosine.route, adenosine.strength, adenosine.dose_unit) == (
            "solution for injection", "intravenous", "3 mg/ml", "ml"
        )  # fmt: skip
        drops = _by_code(s, "347208002")
        assert (drops.form, drops.route, drops.strength) == ("eye drops", "ocular", "6%")
        advanz = s.scalars(
            select(MedicineGtin).where(MedicineGtin.ampp_code == "21855511000001108")
        ).one()
        assert advanz.gtin == "05060064792018"


def test_the_controlled_drug_categories_of_the_lookup_map_to_schedules():
    expected = {
        "No Controlled Drug Status": None,
        "Schedule 1 (CD Lic)": 2,  # the strictest the app has
        "Schedule 2 (CD)": 2,
        "Schedule 2 (CD Exempt Safe Custody)": 2,
        "Schedule 3 (CD No Register)": 3,
        "Schedule 3 (CD No Register Exempt Safe Custody)": 3,
        "Schedule 3 (CD No Register Phenobarbital)": 3,
        "Schedule 3 (CD No Register Temazepam)": 3,
        "Schedule 4 (CD Anab)": 4,
        "Schedule 4 (CD Benz)": 4,
        "Schedule 5 (CD Inv)": 5,
    }
    tables = read_lookup_tables(next(SAMPLE.glob("f_lookup2_*.xml")))
    categories = tables["CONTROL_DRUG_CATEGORY"]
    assert sorted(categories.values()) == sorted(expected)
    assert {d: cd_schedule(d) for d in categories.values()} == expected
    assert cd_schedule("POM") is None and cd_schedule(None) is None


def test_importing_the_same_release_again_changes_nothing(home_db):
    home = Home(home_db)
    _import(home_db, home)
    with home_db.read() as s:
        before = [
            s.scalar(select(func.count()).select_from(t))
            for t in (Medicine, MedicineGtin, Ingredient, MedicineIngredient)
        ]
    again = _import(home_db, home)
    assert (again.products_added, again.products_updated, again.unchanged) == (0, 0, 22)
    assert (again.gtins_added, again.gtins_updated, again.ingredients_added) == (0, 0, 0)
    assert again.amounts_written == 0
    with home_db.read() as s:
        after = [
            s.scalar(select(func.count()).select_from(t))
            for t in (Medicine, MedicineGtin, Ingredient, MedicineIngredient)
        ]
    assert after == before


def test_pack_prices_come_from_the_ampp_file_and_are_not_repeated(home_db):
    home = Home(home_db)
    summary = _import(home_db, home)
    with home_db.read() as s:
        voltarol = _by_code(s, VOLTAROL).id
        prices = s.execute(
            select(PackPrice.pack_size, PackPrice.price_pence, PackPrice.source,
                   PackPrice.price_date)
            .where(PackPrice.medicine_id == voltarol).order_by(PackPrice.pack_size)
        ).all()  # fmt: skip
        # f_ampp2: PRICE_INFO of APPID 22479911000001108 (30 g) and 22479711000001106 (50 g)
        assert [tuple(p) for p in prices][:2] == [
            (30, 461, "dm+d", date(2017, 3, 1)),
            (50, 659, "dm+d", date(2017, 3, 1)),
        ]
        count = s.scalar(select(func.count()).select_from(PackPrice))
    assert count and summary.products_added
    _import(home_db, home)  # the same prices again: no new rows
    with home_db.read() as s:
        assert s.scalar(select(func.count()).select_from(PackPrice)) == count


def _gel_line(db, home: Home) -> int:
    with db.write() as s:
        gel = _by_code(s, GEL_VMP).id
        form = LineForm(gel, Decimal(1), Decimal(1), "times_of_day", AT, "Dr A", "GP",
                        times_of_day="08:00")  # fmt: skip
        line = add_chart_line(s, home.staff["nina"], home.residents["Mary Jones"], form)
        check_chart_line(s, home.sign("ben"), line, AT)
    return line


def test_a_branded_pack_is_given_for_a_line_on_its_generic(home_db):
    home = Home(home_db)
    _import(home_db, home)
    line = _gel_line(home_db, home)
    mary = home.residents["Mary Jones"]
    with home_db.read() as s:
        gel, voltarol = _by_code(s, GEL_VMP).id, _by_code(s, VOLTAROL).id
        assert medicines_for_gtin(s, "5051562030603") == {
            voltarol: "Voltarol 12 Hour Emulgel P 2.32% gel",
            gel: "Diclofenac 2.32% gel",
        }
        assert pack_line(s, mary, VOLTAROL_50G, AT) == (line, "Diclofenac 2.32% gel")
        # an adenosine pack is another product: no line for it
        assert pack_line(s, mary, "5000283101086", AT) is None
    at = local(DAY, 8, 3)
    with home_db.write() as s:
        done = record_given(s, Intent(mary, home.staff["amy"], at, pack=PackScan(VOLTAROL_50G)), at)
    with home_db.read() as s:
        entry = s.get(Administration, done.administration_id)
        assert (entry.chart_line_id, entry.gtin) == (line, VOLTAROL_50G)


def test_a_newer_release_updates_the_catalogue_and_leaves_the_charts_alone(home_db, tmp_path):
    home = Home(home_db)
    _import(home_db, home)
    line = _gel_line(home_db, home)
    at = local(DAY, 8, 3)
    mary = home.residents["Mary Jones"]
    with home_db.write() as s:
        record_given(s, Intent(mary, home.staff["amy"], at, pack=PackScan(VOLTAROL_50G)), at)
    with home_db.read() as s:
        lines = s.execute(select(ChartLine.__table__)).all()
        given = s.execute(select(Administration.__table__)).all()
    folder = _copy(tmp_path, "3080419")
    vmp, gtin = folder / "f_vmp2_3080419.xml", next(folder.glob("f_gtin2_*.xml"))
    _edit(vmp, "<NM>Diclofenac 2.32% gel</NM>", "<NM>Diclofenac diethylammonium 2.32% gel</NM>")
    _edit(  # adenosine's controlled-drug category made Schedule 2 (CD)
        vmp,
        "<VPID>35894711000001106</VPID>\n      <CATCD>0000</CATCD>",
        "<VPID>35894711000001106</VPID>\n      <CATCD>0002</CATCD>",
    )
    _edit(  # a new barcode on the Voltarol 50 g pack
        gtin,
        "<GTIN>5051562030603</GTIN>",
        "<GTIN>5051562030603</GTIN>\n      </GTINDATA>\n      <GTINDATA>"
        "\n        <GTIN>5051562099990</GTIN>",
    )
    summary = _import(home_db, home, folder)
    assert (summary.release, summary.products_added, summary.gtins_added) == ("3080419", 0, 1)
    assert summary.vmps_updated == 2  # the gel renamed, adenosine's schedule
    with home_db.read() as s:
        gel = _by_code(s, GEL_VMP)
        assert (gel.name, gel.dmd_release) == ("Diclofenac diethylammonium 2.32% gel", "3080419")
        assert _by_code(s, ADENOSINE_VMP).cd_schedule == 2
        assert _by_code(s, VOLTAROL).dmd_release == "3010419"  # unchanged, not rewritten
        new = s.scalars(select(MedicineGtin).where(MedicineGtin.gtin == "05051562099990")).one()
        assert (new.medicine_id, new.ampp_code, new.pack_size) == (
            _by_code(s, VOLTAROL).id, "22479711000001106", 50
        )  # fmt: skip
        assert s.execute(select(ChartLine.__table__)).all() == lines
        assert s.execute(select(Administration.__table__)).all() == given
        (facts,) = [f for f in load_lines(s, [mary], AT) if f.id == line]
        assert facts.medicine == "Diclofenac 2.32% gel"  # as transcribed


def test_a_truncated_file_is_named_and_nothing_is_written(home_db, tmp_path):
    home = Home(home_db)
    folder = _copy(tmp_path)
    amp = folder / "f_amp2_3010419.xml"
    amp.write_bytes(amp.read_bytes()[:3000])
    with pytest.raises(DmdError, match=r"f_amp2_3010419\.xml, line \d+: damaged or incomplete"):
        _import(home_db, home, folder)
    (folder / "f_gtin2_0010419.xml").unlink()
    with pytest.raises(DmdError, match=r"no f_gtin2_\*\.xml"):
        _import(home_db, home, folder)
    with home_db.read() as s:
        assert s.scalar(select(func.count()).where(Medicine.dmd_kind.is_not(None))) == 0
        assert s.scalar(select(func.count()).where(Ingredient.dmd_code.is_not(None))) == 0


def test_long_names_are_skipped_and_a_barcode_attached_by_hand_stays(home_db, tmp_path):
    home = Home(home_db)
    amlodipine = None
    with home_db.write() as s:
        amlodipine = next(iter(medicines_for_gtin(s, home.gtins["Amlodipine"])))
        attach_gtin(s, home.staff["nina"], amlodipine, "5051562030702")  # Voltarol 30 g's
    folder = _copy(tmp_path)
    long_name = "Adenosine " + "x" * 191  # 201 characters
    _edit(folder / "f_amp2_3010419.xml", "<NM>Adenocor 6mg/2ml solution for injection vials</NM>",
          f"<NM>{long_name}</NM>")  # fmt: skip
    summary = _import(home_db, home, folder)
    skipped = dict(summary.skipped)
    assert skipped["product name longer than 200 characters"] == 1
    assert skipped["GTIN attached by hand to another product (left there)"] == 1
    assert skipped["GTIN of a product not imported"] == 1  # the Adenocor pack
    assert summary.gtin_conflicts == ("05051562030702",)
    with home_db.read() as s:
        assert s.scalar(select(func.count()).where(Medicine.dmd_code == "4744411000001104")) == 0
        held = s.scalars(select(MedicineGtin).where(MedicineGtin.gtin == "05051562030702")).one()
        assert (held.medicine_id, held.ampp_code) == (amlodipine, None)
