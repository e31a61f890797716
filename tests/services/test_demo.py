"""The demo home has what the issue promises, on both backends."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from emar.demo.build import build_demo_home
from emar.demo.data import CHART_STARTED_DAYS_AGO, DEMO_STAFF
from emar.demo.history import HistoryRates, generate_history
from emar.domain.gtin import to_gtin14
from emar.domain.nhs_number import normalise_nhs_number
from emar.errors import ValidationError
from emar.infra.medicine_reference import load_knowledge
from emar.infra.passwords import verify_secret
from emar.models import (
    Absence,
    Administration,
    ChartLine,
    Ingredient,
    Medicine,
    MedicineGtin,
    MedicineIngredient,
    Resident,
    Role,
    Staff,
)
from emar.services.charts.packs import pack_line
from emar.services.charts.reading import resident_chart
from emar.services.home import get_home, list_units
from emar.services.residents.reading import list_residents
from tests.conftest import DEMO_NOW


def _lines(s, medicine_name):
    return s.scalars(select(ChartLine).join(Medicine).where(Medicine.name == medicine_name)).all()


def test_demo_home_shape(demo_db):
    with demo_db.read() as s:
        assert get_home(s).time_zone == "Europe/London"
        assert len(list_units(s)) == 2
        residents = list_residents(s, DEMO_NOW)
        assert len(residents) == 22
        assert {r.unit for r in residents} == {u.name for u in list_units(s)}
        for r in s.scalars(select(Resident)):
            assert normalise_nhs_number(r.nhs_number) == r.nhs_number
            assert r.nhs_number.startswith("999")  # the NHS test range
        for g in s.scalars(select(MedicineGtin.gtin)):
            assert to_gtin14(g) == g
        # allergies are explicit: either listed or "no known allergies"
        assert all(r.allergies or r.no_known_allergies for r in residents)
        assert any(r.allergies for r in residents)


def test_demo_charts_cover_the_cases_the_round_engine_needs(demo_db):
    with demo_db.read() as s:
        assert any(line.medicine.time_critical for line in _lines(s, "Co-careldopa"))
        warfarin = _lines(s, "Warfarin")
        assert any(line.dose_min < line.dose_max for line in warfarin)
        (patch,) = _lines(s, "Fentanyl")
        assert patch.every_n_hours == 72 and patch.medicine.cd_schedule == 2
        paracetamol_prn = [line for line in _lines(s, "Paracetamol") if line.is_prn]
        assert paracetamol_prn
        assert all(
            line.prn_min_interval_minutes == 240 and line.prn_max_doses_24h == 4
            for line in paracetamol_prn
        )
        (oxy,) = _lines(s, "Oxycodone")
        assert oxy.is_prn and oxy.medicine.is_controlled and oxy.dose_unit == "ml"
        shared = s.scalars(
            select(Medicine.name)
            .join(MedicineIngredient)
            .join(Ingredient)
            .where(Ingredient.name == "paracetamol")
        ).all()
        assert set(shared) == {"Paracetamol", "Co-codamol"}
        routes = set(s.scalars(select(ChartLine.route)))
        assert {"inhaled", "eye (both)", "topical", "transdermal", "oral"} <= routes
        covert = s.scalars(select(Resident).where(Resident.covert_authorised)).all()
        assert len(covert) == 1 and covert[0].covert_review_date is not None
        assert s.scalar(select(func.count(Absence.id)).where(Absence.kind == "hospital")) == 1
        assert s.scalar(select(func.count(ChartLine.id)).where(ChartLine.ends_at.is_not(None)))


def test_demo_chart_lines_are_checked_and_active(demo_db):
    with demo_db.read() as s:
        jack = next(r for r in list_residents(s, DEMO_NOW) if r.name == "John Smith")
        chart = resident_chart(s, jack.id, DEMO_NOW)
        assert [v.status for v in chart] == ["active"] * len(chart)
        assert chart[0].checked_by == "Ben Osei" and chart[0].transcribed_by == "Nina Patel"
        assert chart[0].time_critical


def test_demo_staff_cover_every_role_and_their_readme_passwords_work(demo_db):
    with demo_db.read() as s:
        staff = {
            st.username: (st.role, st.password_hash, st.pin_hash) for st in s.scalars(select(Staff))
        }
    assert {role for role, _, _ in staff.values()} == {r.value for r in Role}
    for username, _name, _role, password, pin, _badge in DEMO_STAFF:
        _role, password_hash, pin_hash = staff[username]
        assert verify_secret(password_hash, password)
        assert verify_secret(pin_hash, pin)
        assert not verify_secret(password_hash, password + "x")


def test_demo_refuses_to_mix_into_a_home_with_residents(demo_db):
    with pytest.raises(ValidationError, match="already"), demo_db.write() as s:
        build_demo_home(s, DEMO_NOW)
    with pytest.raises(ValidationError, match="already in this database"), demo_db.write() as s:
        build_demo_home(s, DEMO_NOW, force=True)
    with demo_db.read() as s:
        assert len(list_residents(s, DEMO_NOW)) == 22


def test_the_demo_home_is_built_through_the_services(demo_db):
    """Admitted, transcribed, checked (with a PIN), stocked and catalogued by the services that
    hold the rules, so the demo's records are in the audit trail as a real home's are."""
    from collections import Counter

    from emar.models import AuditEvent
    from emar.services.audit.verify import verify_trail

    with demo_db.read() as s:
        actions = Counter(s.scalars(select(AuditEvent.action)))
        lines = s.scalar(select(func.count(ChartLine.id)))
        medicines = s.scalar(select(func.count(Medicine.id)))
        assert verify_trail(s).ok
    assert actions["resident.admitted"] == 22
    assert actions["resident.absence_started"] == 1
    assert actions["catalogue.added"] == actions["catalogue.gtin_attached"] == medicines
    for action in ("chart.line_added", "chart.line_checked", "stock.received"):
        assert actions[action] == lines, action


def test_demo_catalogue_agrees_with_the_shipped_reference(demo_db):
    """Issue #16: the demo's products are made of the reference's substances, and a product's
    controlled-drug schedule is its substances' (co-codamol: codeine, Schedule 5)."""
    knowledge = load_knowledge()
    with demo_db.read() as s:
        rows = s.execute(
            select(Medicine.name, Medicine.cd_schedule, Ingredient.name)
            .join(MedicineIngredient, MedicineIngredient.medicine_id == Medicine.id)
            .join(Ingredient, MedicineIngredient.ingredient_id == Ingredient.id)
        ).all()
    unknown = {i for _, _, i in rows if knowledge.substance(i) is None}
    assert unknown == set()
    reference: dict[str, int] = {}
    for name, _, ingredient in rows:
        facts = knowledge.substance(ingredient)
        if facts and facts.cd_schedule:
            reference[name] = min(reference.get(name, 5), facts.cd_schedule)
    catalogue = {name: schedule for name, schedule, _ in rows if schedule is not None}
    assert (
        catalogue
        == reference
        == {
            "Fentanyl": 2,
            "Oxycodone": 2,
            "Co-codamol": 5,
            "Diazepam": 4,
        }
    )


def test_demo_has_a_combination_and_a_regular_and_prn_line_sharing_an_ingredient(demo_db):
    with demo_db.read() as s:
        ernest = s.scalars(select(Resident).where(Resident.family_name == "King")).one()
        chart = resident_chart(s, ernest.id, DEMO_NOW)
    by_name = {(line.medicine.split()[0], line.is_prn) for line in chart}
    assert ("Paracetamol", False) in by_name and ("Co-codamol", True) in by_name


def test_demo_history_keeps_paracetamol_under_4_g_in_any_24_hours(demo_db):
    """The history the demo writes obeys the daily maximum the round enforces: Ernest's
    regular paracetamol (2 x 500 mg twice a day) and PRN co-codamol (2 x 500 mg) together,
    even when PRN doses are asked for three times a day. A regular dose counts at its
    scheduled time, a PRN dose when given (the rule's own measure: docs/rules.md)."""
    with demo_db.write() as s:
        ernest = s.scalars(select(Resident.id).where(Resident.family_name == "King")).one()
        generate_history(
            s,
            start=DEMO_NOW - timedelta(days=14),
            end=DEMO_NOW,
            rates=HistoryRates(prn_per_day=3.0),
            resident_ids=[ernest],
        )
    with demo_db.read() as s:
        rows = s.execute(
            select(
                func.coalesce(Administration.scheduled_at, Administration.administered_at),
                Administration.dose_given,
                Medicine.name,
            )
            .join(ChartLine, Administration.chart_line_id == ChartLine.id)
            .join(Medicine, ChartLine.medicine_id == Medicine.id)
            .where(ChartLine.resident_id == ernest, Administration.outcome == "given")
        ).all()
    doses = sorted(
        (at, dose * 500) for at, dose, name in rows if name in ("Paracetamol", "Co-codamol")
    )
    assert sum(1 for _, _, name in rows if name == "Co-codamol") >= 10
    for i, (start, _) in enumerate(doses):
        in_day = sum(mg for at, mg in doses[i:] if at - start < timedelta(hours=24))
        assert in_day <= 4000, start


def test_a_branded_pack_of_the_generic_is_given_for_the_generic_line(demo_db):
    """The demo has a supplier's product (dm+d's AMP) of generic paracetamol: its pack is
    found for Mary's PRN paracetamol line, named with its supplier in the catalogue."""
    with demo_db.read() as s:
        branded = s.scalars(select(Medicine).where(Medicine.supplier == "Demo Pharma Ltd")).one()
        generic = s.get(Medicine, branded.vmp_id)
        mary = s.scalars(select(Resident).where(Resident.family_name == "Jones")).one()
        (gtin,) = [g.gtin for g in branded.gtins]
        found = pack_line(s, mary.id, gtin, DEMO_NOW)
        assert branded.display_name == "Paracetamol 500 mg tablets (Demo Pharma Ltd)"
        assert generic is not None and generic.display_name == "Paracetamol 500 mg tablets"
    assert found is not None and found[1] == "Paracetamol 500 mg tablets"


def test_demo_shows_the_pharmacists_signals_and_a_review_followed_through(templates):
    """Issue 17 part 7: the demo as `emar demo` makes it (with its MAR history) shows at least
    ten kinds of signal, and Philippa Grant's signed review of Reg Bennett has recommendations
    in every status, one actioned by a chart change citing it (a stop)."""
    from emar.domain.review.recommendations import STATUSES
    from emar.infra.db import open_database
    from emar.services.review.line_use import resident_line_use
    from emar.services.review.records import list_recommendations, reviews_of
    from emar.services.review.signals import review_list, signals_for

    database = open_database(templates.copy_url("history"))
    try:
        with database.read() as s:
            signals = signals_for(s, DEMO_NOW)
            names = {r.id: r.family_name for r in s.scalars(select(Resident))}
            recommendations = list_recommendations(s, None, DEMO_NOW)
            bennett = next(i for i, n in names.items() if n == "Bennett")
            (review,) = reviews_of(s, None, bennett)
            pharmacist = review.pharmacist
            chart = resident_line_use(s, None, bennett, DEMO_NOW)
            listed = {r.resident_id: r for r in review_list(s, None, DEMO_NOW)}
    finally:
        database.dispose()
    kinds = {s.kind for s in signals}
    assert len(kinds) >= 10, kinds
    by_resident = {(names[s.resident_id], s.kind) for s in signals}
    assert {
        ("Bennett", "hypnotic_long"),
        ("Bennett", "falls_risk_faller"),
        ("Bennett", "anticholinergic_burden"),
        ("Bennett", "nsaid_anticoagulant"),
        ("Bennett", "triple_whammy"),  # naproxen, ramipril, furosemide
        ("Bennett", "kidney_dose"),  # metformin, eGFR 27
        ("Bennett", "polypharmacy"),
        ("Bennett", "stopped_in_stock"),
        ("Shelton", "antipsychotic_dementia"),
        ("Shelton", "solid_forms_dysphagia"),
        ("Shelton", "prn_unused"),
        ("Shelton", "paracetamol_low_weight"),
        ("Shelton", "refused_often"),
        ("Baker", "monitoring_overdue"),
        ("Price", "same_ingredient"),  # co-codamol PRN and paracetamol PRN: up to 8 g a day
    } <= by_resident
    assert pharmacist == "Philippa Grant"
    # his review weighed the urgent NSAID signal (and sent a recommendation): not due again
    # until the next review Philippa set
    assert listed[bennett].status == "not due", listed[bennett]
    assert listed[bennett].due_by == review.next_review_on
    assert {r.status for r in review.recommendations} == set(STATUSES)
    assert {r.id for r in review.recommendations} <= {r.id for r in recommendations}
    declined = next(r for r in review.recommendations if r.status == "declined")
    assert declined.history[-1].reason
    actioned = [
        step
        for r in review.recommendations
        for step in r.history
        if step.status == "actioned" and step.chart_line_id is not None
    ]
    assert actioned and all(step.by == "Nina Patel" for step in actioned)
    # the lines he has taken for months have their MAR back over the long strip: what the
    # pharmacist sees is the home's record, not weeks of doses "not recorded" (1% missed)
    long_running = [
        line
        for line in chart.lines
        if not line.is_prn and line.starts_at < DEMO_NOW - timedelta(days=90)
    ]
    assert len(long_running) >= 5
    for line in long_running:
        totals = chart.use[line.id].totals(90)
        assert totals.given + totals.late + totals.refused > 60, (line.medicine, totals)
        assert totals.missed <= 6, (line.medicine, totals)


def test_demo_has_a_monthly_cycle_an_order_and_a_delivery_to_check(templates):
    """Issue 18 part 8: the demo as `emar demo` makes it has its cycle start, pack prices, the
    next cycle's order (one line not required) and an early delivery one pack short and one
    line missing, for the receipt check to find; disposals of each kind, the CD's witnessed,
    one returns batch sent and the later returns waiting; the waste report finds the avoidable
    one (a medicine stopped after the order and delivered anyway)."""
    from emar.domain.ordering import CYCLE_DAYS
    from emar.domain.receipt import Outcome
    from emar.infra.db import open_database
    from emar.reports.data import Scope
    from emar.reports.waste_data import waste_data
    from emar.services.charts.disposals import disposal_register, pending_returns
    from emar.services.charts.homely_remedies import homely_overview
    from emar.services.charts.ordering import orders
    from emar.services.charts.prices import unit_prices
    from emar.services.charts.receipt import reconcile
    from emar.services.home import get_home

    database = open_database(templates.copy_url("history"))
    try:
        with database.read() as s:
            home = get_home(s)
            nina = s.scalars(select(Staff.id).where(Staff.username == "nina")).one()
            (order,) = orders(s, nina)
            receipt = reconcile(s, nina, order.id, DEMO_NOW)
            priced = unit_prices(s, s.scalars(select(Medicine.id)).all())
            start = DEMO_NOW - timedelta(days=CHART_STARTED_DAYS_AGO)
            register = disposal_register(s, start, DEMO_NOW)
            waiting = pending_returns(s)
            waste = waste_data(s, Scope(start, DEMO_NOW))
            homely = homely_overview(s, DEMO_NOW)
    finally:
        database.dispose()
    started = (DEMO_NOW - timedelta(days=CHART_STARTED_DAYS_AGO)).astimezone(home.zone).date()
    assert home.cycle_start_date == started
    assert order.cycle_start == started + timedelta(days=CYCLE_DAYS)
    outcomes = {(x.resident.split()[-1], x.medicine.split()[0], x.outcome) for x in receipt.lines}
    assert ("Baker", "Warfarin", Outcome.SHORT) in outcomes
    assert ("Smith", "Co-careldopa", Outcome.MISSING) in outcomes
    assert ("Shelton", "Paracetamol", Outcome.RECEIVED) not in outcomes  # not required
    (evans,) = [x for x in receipt.lines if x.resident == "George Evans"]  # stopped yesterday
    assert evans.note.endswith("the line is stopped now: do not give it, return it to the pharmacy")
    assert evans.stopped  # listed with what to act on, before what came in full
    full = [
        i for i, x in enumerate(receipt.lines) if x.outcome == Outcome.RECEIVED and not x.stopped
    ]
    assert receipt.lines.index(evans) < min(full)
    assert sum(x.outcome == Outcome.RECEIVED for x in receipt.lines) >= 15
    assert not any(x.outcome in (Outcome.EXTRA, Outcome.UNEXPECTED) for x in receipt.lines)
    assert len(priced) >= 28
    assert len(register) == 7  # each of the demo's disposals, none skipped
    reasons = {r.reason for r in register}
    assert {"dropped or damaged", "refused and destroyed", "spoilt", "expired",
            "stopped (discontinued)"} <= reasons  # fmt: skip
    (patch,) = [r for r in register if r.medicine.startswith("Fentanyl")]
    assert patch.witness == "Ben Osei" and patch.way == "destroyed in the home"
    assert any(r.batch_id for r in register) and waiting  # one batch sent, returns waiting
    assert all(r.batch_id is None for r in waiting)
    (avoidable,) = [x for x in waste.items if x.avoidable]
    assert avoidable.medicine.startswith("Metformin") and avoidable.resident == "George Evans"
    assert avoidable.cost_pence and waste.unpriced == 0
    # homely remedies: the home's paracetamol and senna, in stock, authorised for two residents
    assert {(r.medicine.split()[0], r.balance) for r in homely.remedies} == {
        ("Paracetamol", 32),
        ("Senna", 60),
    }
    assert len(homely.authorisations) == 3
