"""Alerts: what to chase, each tied to a resident (both backends)."""

from datetime import date, timedelta
from decimal import Decimal

from emar.models import StockMovement
from emar.services.review.records import RecommendationForm, ReviewForm, sign_review
from emar.services.round.alerts import alerts
from emar.services.round.recording import record_given, record_prn_outcome
from tests.support.homes import Home, dose, local

DAY = date(2026, 6, 10)


def test_overdue_missed_and_time_critical(home_db):
    home = Home(home_db)
    with home_db.read() as s:
        found = alerts(s, local(DAY, 10, 35))
    kinds = {a.kind for a in found}
    assert {"missed", "overdue"} <= kinds
    soon = [a for a in found if a.kind == "time-critical"]
    assert soon and all("TIME-CRITICAL Co-careldopa" in a.message for a in soon)
    assert {a.resident for a in soon} == {"John Smith"}  # 11:00 is 25 min away
    frank = [a for a in found if a.resident == "Frank Walker" and "Co-careldopa" in a.message]
    assert "overdue" in {a.kind for a in frank}  # his 10:00 dose: window closed 10:30
    assert "time-critical" not in {a.kind for a in frank}
    assert all(a.resident != "Elsie White" for a in found)  # in hospital: nothing to chase
    assert home.residents["Mary Jones"] in {a.resident_id for a in found}


def test_prn_outcome_due_after_half_an_hour_until_recorded(home_db):
    home = Home(home_db)
    given_at = local(DAY, 9, 0)
    with home_db.write() as s:
        done = record_given(
            s,
            home.intent("Mary Jones", "Paracetamol", given_at, dose=dose("2")),
            given_at,
            prn_reason="Knee pain",
        )
    with home_db.read() as s:
        assert not [
            a for a in alerts(s, given_at + timedelta(minutes=20)) if a.kind == "PRN outcome"
        ]
        (due,) = [a for a in alerts(s, given_at + timedelta(minutes=45)) if a.kind == "PRN outcome"]
    assert due.administration_id == done.administration_id
    assert due.message.startswith("Did Paracetamol 500 mg tablets help? Given 09:00 by Amy")
    with home_db.write() as s:
        record_prn_outcome(
            s,
            administration_id=done.administration_id,
            staff_id=home.staff["amy"],
            effect="effective",
            note=None,
            now=given_at + timedelta(minutes=50),
        )
    with home_db.read() as s:
        assert not [
            a for a in alerts(s, given_at + timedelta(minutes=55)) if a.kind == "PRN outcome"
        ]


def test_stock_running_out(home_db):
    home = Home(home_db)
    line = home.line("Mary Jones", "Amlodipine")
    with home_db.write() as s:  # 56 received; take 53 away: 3 tablets = 3 days at 1 a day
        s.add(
            StockMovement(
                resident_id=home.residents["Mary Jones"],
                medicine_id=1,
                chart_line_id=line,
                kind="wasted",
                quantity=Decimal(-54),
                reason="dropped",
                staff_id=home.staff["nina"],
                occurred_at=local(DAY, 7, 0),
            )
        )
    with home_db.read() as s:
        stock = [
            a
            for a in alerts(s, local(DAY, 8, 0))
            if a.kind == "stock" and a.resident == "Mary Jones"
        ]
    assert [a.message for a in stock] == [
        "Amlodipine 5 mg tablets: 2 tablet(s) left, about 2.0 days: order more"
    ]


def test_a_recommendation_the_home_must_act_on_or_overdue_is_an_alert(home_db):
    """Issue 17: the round list shows what the pharmacist recommended and the home must do
    (accepted, or made to the home), and anything open past its due date; not one still with
    the GP and not yet due."""
    home = Home(home_db)
    mary = home.residents["Mary Jones"]
    asked = local(DAY, 9)
    form = ReviewForm(
        mary,
        "in person",
        "Nina Patel (nurse)",
        recommendations=(
            RecommendationForm("home", "monitor", "Check her BP weekly"),
            RecommendationForm("gp", "stop", "Stop amlodipine", due_on=DAY + timedelta(days=7)),
            RecommendationForm("gp", "review", "Review the statin", due_on=DAY - timedelta(days=1)),
        ),
    )
    with home_db.write() as s:
        sign_review(s, home.sign("phil"), form, asked)
    with home_db.read() as s:
        found = [a for a in alerts(s, local(DAY, 10)) if a.kind == "recommendation"]
    assert sorted(a.message for a in found) == [
        "Pharmacist's recommendation (OVERDUE, proposed): Review the statin",
        "Pharmacist's recommendation (proposed): Check her BP weekly",
    ]
    assert {a.resident_id for a in found} == {mary}
