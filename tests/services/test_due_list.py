"""The due list: due now, soon, overdue, missed, given (late), not given, away, PRN availability."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from emar.domain.doses import DoseState
from emar.models import Absence, ChartLineEvent
from emar.services.round.due import due_list
from emar.services.round.recording import record_given, record_not_given
from tests.support.homes import Home, dose, local

DAY = date(2026, 6, 10)  # a Wednesday in BST


@pytest.fixture
def home(home_db):
    return Home(home_db)


def _resident(db, name, at, home):
    with db.read() as s:
        (r,) = due_list(s, at, resident_ids=[home.residents[name]])
    return r


def _dose(r, medicine, clock, day=DAY):
    hh, mm = (int(x) for x in clock.split(":"))
    return next(
        d
        for d in r.doses
        if d.medicine.startswith(medicine) and d.scheduled_at == local(day, hh, mm)
    )


def test_states_at_ten_past_eight(home_db, home):
    now = local(DAY, 8, 10)
    mary = _resident(home_db, "Mary Jones", now, home)
    assert _dose(mary, "Amlodipine", "08:00").state == DoseState.DUE
    assert "closes in 50 min" in _dose(mary, "Amlodipine", "08:00").why
    statin = _dose(mary, "Atorvastatin", "22:00", DAY - timedelta(days=1))  # nothing recorded
    assert statin.state == DoseState.OVERDUE and "before 10:00" in statin.why
    jack = _resident(home_db, "John Smith", now, home)
    levodopa = _dose(jack, "Co-careldopa", "07:00")  # time-critical: +/-30 min window
    assert levodopa.time_critical and levodopa.state == DoseState.OVERDUE
    assert levodopa.window.closes == local(DAY, 7, 30)
    assert _dose(jack, "Co-careldopa", "11:00").state == DoseState.UPCOMING
    assert jack.time_critical_due


def test_due_soon_then_missed(home_db, home):
    mary = _resident(home_db, "Mary Jones", local(DAY, 6, 30), home)
    assert _dose(mary, "Amlodipine", "08:00").state == DoseState.DUE_SOON
    mary = _resident(home_db, "Mary Jones", local(DAY, 20, 30), home)
    missed = _dose(mary, "Amlodipine", "08:00")
    assert missed.state == DoseState.MISSED and missed.why.startswith("MISSED")


def test_given_on_time_late_and_not_given(home_db, home):
    with home_db.write() as s:
        record_given(
            s, home.intent("Mary Jones", "Amlodipine", local(DAY, 8, 12)), local(DAY, 8, 12)
        )
        record_given(
            s,
            home.intent("Edith Baker", "Furosemide", local(DAY, 9, 40), by="nina"),
            local(DAY, 9, 40),
        )
        record_not_given(
            s,
            resident_id=home.residents["Edith Baker"],
            chart_line_id=home.line("Edith Baker", "Lansoprazole"),
            staff_id=home.staff["nina"],
            code="R",
            now=local(DAY, 8, 0),
            scheduled_at=local(DAY, 7, 30),
        )
    now = local(DAY, 10, 0)
    mary = _resident(home_db, "Mary Jones", now, home)
    given = _dose(mary, "Amlodipine", "08:00")
    assert given.state == DoseState.GIVEN and given.why == "Given 08:12 by Amy Carter"
    edith = _resident(home_db, "Edith Baker", now, home)
    late = _dose(edith, "Furosemide", "08:00")
    assert late.state == DoseState.GIVEN and late.late_minutes == 40
    assert "LATE, 40 min after the window" in late.why
    refused = _dose(edith, "Lansoprazole", "07:30")
    assert refused.state == DoseState.NOT_GIVEN and refused.entry.code == "R"
    assert refused.why.startswith("Not given: R Refused (Nina Patel")


def test_resident_in_hospital_shows_the_code_not_missed(home_db, home):
    # Elsie White went into hospital two days before the home was built (2026-05-30).
    elsie = _resident(home_db, "Elsie White", local(DAY, 20, 0), home)
    assert elsie.away == "hospital"
    assert {d.state for d in elsie.doses} == {DoseState.AWAY}
    assert _dose(elsie, "Furosemide", "08:00").why.startswith("H: resident in hospital")
    with home_db.write() as s:  # back from hospital at noon
        absence = s.scalars(select(Absence)).one()
        absence.ended_at = local(DAY, 12, 0)
    tomorrow = DAY + timedelta(days=1)
    elsie = _resident(home_db, "Elsie White", local(tomorrow, 7, 30), home)
    assert elsie.away is None
    assert _dose(elsie, "Furosemide", "08:00", tomorrow).state == DoseState.DUE
    assert _dose(elsie, "Furosemide", "08:00").state == DoseState.AWAY  # yesterday, still away


def test_a_line_stopped_at_noon_has_no_evening_dose(home_db, home):
    metformin = home.line("George Evans", "Metformin")
    with home_db.write() as s:
        s.add(
            ChartLineEvent(
                chart_line_id=metformin,
                kind="stopped",
                effective_at=local(DAY, 12, 0),
                reason="GP stopped it",
                staff_id=home.staff["nina"],
            )
        )
    george = _resident(home_db, "George Evans", local(DAY, 19, 0), home)
    times = [d.scheduled_at for d in george.doses if d.medicine.startswith("Metformin")]
    assert local(DAY, 8, 0) in times and local(DAY, 18, 0) not in times


def test_prn_availability_counts_elapsed_time_and_the_shared_ingredient(home_db, home):
    at = local(DAY, 10, 0)
    with home_db.write() as s:
        record_given(
            s,
            home.intent("Arthur Price", "Co-codamol", at, dose=dose("2")),
            at,
            prn_reason="Back pain",
            witness=home.sign("ben"),
        )
    arthur = _resident(home_db, "Arthur Price", local(DAY, 11, 0), home)
    prn = {p.medicine.split()[0]: p for p in arthur.prn}
    assert not prn["Paracetamol"].available  # co-codamol contains paracetamol
    assert prn["Paracetamol"].next_allowed_at == local(DAY, 14, 0)
    assert prn["Paracetamol"].why == "Not yet: next allowed 14:00 (0 of 4 in 24 h)"
    assert prn["Oxycodone"].available  # a different ingredient: not limited by co-codamol
