"""Issue #16 rules 5, 6 and 8 through the services, on both backends: the pack's product route
and form, the route confirmed without a barcode, the expiry read off a pack whose scan could not
show it, and the CD witness by schedule and the home's policy."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select, update

import emar.services.round.verification as verification
from emar.domain.verdict import CheckCode
from emar.errors import ValidationError
from emar.models import Administration, AuditEvent, CareHome, Medicine, MedicineGtin
from emar.services.charts.editing import LineForm, add_chart_line
from emar.services.home import get_home, set_cd_witness
from emar.services.round.recording import Blocked, record_given
from emar.services.round.verification import PackScan, verify
from tests.support.homes import Home, dose, local

DAY = date(2026, 6, 10)
AT = local(DAY, 8, 0)  # Mary Jones's amlodipine is due


@pytest.fixture
def home(home_db):
    return Home(home_db)


def _amlodipine(home, **kwargs):
    return home.intent(
        "Mary Jones", None, AT, chart_line_id=home.line("Mary Jones", "Amlodipine"), **kwargs
    )


def _codes(verdict):
    return [c.code for c in verdict.blocks]


# --- rule 5: route and form -------------------------------------------------------------------
def test_without_a_barcode_the_route_must_be_confirmed(home_db, home):
    with home_db.read() as s:
        verdict = verify(s, _amlodipine(home), AT)
    assert _codes(verdict) == [CheckCode.ROUTE_CONFIRM] and verdict.stops == ()
    assert verdict.headline == "Confirm the route: by mouth (oral)?"
    with pytest.raises(Blocked, match="Confirm the route"), home_db.write() as s:
        record_given(s, _amlodipine(home), AT, no_scan_reason="No barcode")
    with pytest.raises(Blocked, match="prescribed oral, not rectal"), home_db.write() as s:
        record_given(s, _amlodipine(home, route="rectal"), AT, no_scan_reason="No barcode")
    with home_db.write() as s:
        done = record_given(s, _amlodipine(home, route="Oral"), AT, no_scan_reason="No barcode")
    with home_db.read() as s:
        assert s.get(Administration, done.administration_id).dose_given == 1


def test_a_scanned_pack_needs_no_route_question(home_db, home):
    with home_db.read() as s:
        verdict = verify(s, home.intent("Mary Jones", "Amlodipine", AT), AT)
    assert not verdict.blocked and not verdict.has(CheckCode.ROUTE_CONFIRM)


def test_a_pack_whose_product_is_not_licensed_for_the_charts_route_is_a_stop(home_db, home):
    with home_db.write() as s:
        s.execute(
            update(Medicine).where(Medicine.name == "Amlodipine").values(routes="gastroenteral")
        )
    with home_db.read() as s:
        verdict = verify(s, home.intent("Mary Jones", "Amlodipine", AT), AT)
    assert verdict.stops[0].code == CheckCode.ROUTE
    assert verdict.stops[0].message == (
        "This pack is Amlodipine 5 mg tablets (gastroenteral); the chart says oral."
    )
    with home_db.write() as s:
        s.execute(
            update(Medicine)
            .where(Medicine.name == "Amlodipine")
            .values(routes="Oral;Gastroenteral")
        )
    with home_db.read() as s:
        assert not verify(s, home.intent("Mary Jones", "Amlodipine", AT), AT).blocked


def test_a_suppliers_product_of_another_form_is_a_stop(home_db, home, monkeypatch):
    """A branded product (AMP) of the line's generic, as the pack lookup may resolve it."""
    with home_db.write() as s:
        generic = s.scalars(select(Medicine).where(Medicine.name == "Amlodipine")).one()
        amp = Medicine(
            name="Amlodipine",
            form="oral solution",
            strength="5 mg/5 ml",
            route="oral",
            dose_unit="ml",
            vmp_id=generic.id,
            dmd_kind="AMP",
        )
        s.add(amp)
        s.flush()
        s.add(MedicineGtin(medicine_id=amp.id, gtin="05012345678900"))
        ids = {amp.id: "Amlodipine", generic.id: "Amlodipine"}
    monkeypatch.setattr(
        verification, "medicines_for_gtin", lambda _s, gtin: ids if gtin == "05012345678900" else {}
    )
    intent = home.intent("Mary Jones", None, AT, pack=PackScan("05012345678900"))
    with home_db.read() as s:
        verdict = verify(s, intent, AT)
    assert [(c.code, c.message) for c in verdict.stops] == [
        (
            CheckCode.FORM,
            "This pack is Amlodipine 5 mg/5 ml oral solution (oral solution); the chart says "
            "tablets.",
        )
    ]


def test_transcribing_a_route_the_product_is_not_licensed_for_is_refused(home_db, home):
    with home_db.write() as s:
        med = s.scalars(select(Medicine).where(Medicine.name == "Amlodipine")).one()
        med.routes = "oral"
        med_id = med.id
    form = LineForm(
        medicine_id=med_id,
        dose_min=dose("1"),
        dose_max=dose("1"),
        timing="times_of_day",
        times_of_day="08:00",
        starts_at=AT,
        prescriber="Dr A",
        source="GP letter",
        route="rectal",
    )
    with pytest.raises(ValidationError, match="given oral, not rectal"), home_db.write() as s:
        add_chart_line(s, home.staff["mark"], home.residents["Mary Jones"], form)
    form.route = "ORAL"
    with home_db.write() as s:
        assert add_chart_line(s, home.staff["mark"], home.residents["Mary Jones"], form)


# --- rule 6: an expiry the scan could not show --------------------------------------------------
def _uncertain(home, **read):
    pack = home.pack("Amlodipine", batch="ABC1231726", expiry=None, expiry_uncertain=True, **read)
    return home.intent("Mary Jones", None, AT, pack=pack)


def test_an_uncertain_expiry_is_asked_until_read(home_db, home):
    with home_db.read() as s:
        verdict = verify(s, _uncertain(home), AT)
    assert _codes(verdict) == [CheckCode.EXPIRY_UNREAD] and verdict.stops == ()
    with pytest.raises(Blocked, match="Read the expiry date"), home_db.write() as s:
        record_given(s, _uncertain(home), AT)


def test_an_expired_date_read_off_the_pack_blocks(home_db, home):
    with pytest.raises(Blocked, match="expired on 31 May 2026"), home_db.write() as s:
        record_given(s, _uncertain(home, expiry_read=date(2026, 5, 31)), AT)


def test_the_date_read_is_stored_and_never_the_batch(home_db, home):
    with home_db.write() as s:
        done = record_given(s, _uncertain(home, expiry_read=date(2026, 12, 31)), AT)
    with home_db.read() as s:
        entry = s.get(Administration, done.administration_id)
        assert (entry.expiry, entry.batch, entry.serial) == (date(2026, 12, 31), None, None)
        assert entry.gtin is not None


def test_a_pack_showing_no_expiry_records_no_batch_or_expiry(home_db, home):
    with home_db.write() as s:
        done = record_given(s, _uncertain(home, expiry_not_shown=True), AT)
    with home_db.read() as s:
        entry = s.get(Administration, done.administration_id)
        assert (entry.expiry, entry.batch, entry.serial) == (None, None, None)
        detail = s.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "administration.given")
        ).one()
        assert json.loads(detail)["expiry_read"] == "none"


# --- rule 8: the CD witness by schedule and policy -----------------------------------------
COCODAMOL_AT = local(DAY, 14, 0)


def _cocodamol(home):
    return home.intent("Arthur Price", "Co-codamol", COCODAMOL_AT, dose=dose("1"))


def test_schedule_5_needs_no_witness_unless_the_home_says_so(home_db, home):
    with home_db.read() as s:
        assert get_home(s).witness_policy.schedule_5 is False
        verdict = verify(s, _cocodamol(home), COCODAMOL_AT)
    assert verdict.line.controlled and not verdict.needs_witness
    assert not verdict.has(CheckCode.WITNESS)
    with home_db.write() as s:
        done = record_given(s, _cocodamol(home), COCODAMOL_AT, prn_reason="Pain 4/10")
    with home_db.read() as s:
        assert s.get(Administration, done.administration_id).witness_id is None


def test_schedule_5_with_the_policy_on_needs_a_witness(home_db, home):
    with home_db.write() as s:
        set_cd_witness(s, home.staff["mark"], 5, True)
    with home_db.read() as s:
        assert s.scalars(select(CareHome.witness_cd_schedule_5)).one() is True
        assert verify(s, _cocodamol(home), COCODAMOL_AT).needs_witness
    with pytest.raises(ValidationError, match="witness must sign"), home_db.write() as s:
        record_given(s, _cocodamol(home), COCODAMOL_AT, prn_reason="Pain 4/10")
    with home_db.write() as s:
        done = record_given(
            s, _cocodamol(home), COCODAMOL_AT, prn_reason="Pain 4/10", witness=home.sign("ben")
        )
    with home_db.read() as s:
        assert s.get(Administration, done.administration_id).witness_id == home.staff["ben"]


def test_schedule_2_needs_a_witness_whatever_the_policy(home_db, home):
    with home_db.write() as s:
        set_cd_witness(s, home.staff["mark"], 4, False)
        set_cd_witness(s, home.staff["mark"], 5, False)
    intent = home.intent("Arthur Price", "Oxycodone", AT, dose=dose("5"))
    with pytest.raises(ValidationError, match="witness must sign"), home_db.write() as s:
        record_given(s, intent, AT, prn_reason="Pain 8/10")


def test_the_witness_policy_is_a_managers_audited_setting(home_db, home):
    from emar.services.permissions import NotPermitted

    with pytest.raises(NotPermitted), home_db.write() as s:
        set_cd_witness(s, home.staff["amy"], 5, True)
    with pytest.raises(ValidationError, match="2 and 3 always"), home_db.write() as s:
        set_cd_witness(s, home.staff["mark"], 2, False)
    with home_db.write() as s:
        set_cd_witness(s, home.staff["mark"], 4, True)
    with home_db.read() as s:
        assert get_home(s).witness_policy.schedule_4 is True
        detail = s.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "settings.changed")
        ).all()[-1]
    assert "witness_cd_schedule_4" in detail and json.loads(detail)["witness_cd_schedule_4"] == {
        "before": False,
        "after": True,
    }
