"""Catalogue and chart lines: transcription, the second person's check, changes and stops."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from emar.domain.synthetic_ids import fake_gtin
from emar.domain.verdict import CheckCode
from emar.errors import ValidationError
from emar.models import ChartLine
from emar.services.charts.catalogue import ProductForm, add_medicine, attach_gtin, search_medicines
from emar.services.charts.editing import (
    LineForm,
    add_chart_line,
    change_line,
    check_chart_line,
    resume_line,
    stop_line,
    suspend_line,
)
from emar.services.charts.reading import resident_chart
from emar.services.round.due import due_list
from emar.services.round.recording import record_given
from emar.services.round.verification import PackScan, verify
from emar.services.staff.signing import PinRefused, Signature
from tests.support.homes import Home, local

DAY = date(2026, 6, 10)


def line_form(medicine_id, **changes):
    fields = dict(
        medicine_id=medicine_id,
        dose_min=Decimal(1),
        dose_max=Decimal(1),
        timing="times_of_day",
        times_of_day="09:00",
        starts_at=local(DAY, 0, 0),
        prescriber="Dr Okafor",
        source="GP letter 9 June",
    )
    fields.update(changes)
    return LineForm(**fields)


def new_product(db, home):
    with db.write() as s:
        med = add_medicine(
            s,
            home.staff["nina"],
            ProductForm(
                "Bisoprolol",
                "tablets",
                "oral",
                "tablet",
                "2.5 mg",
                ingredients=[("bisoprolol", Decimal("2.5"), "mg", "beta blockers")],
            ),
        )
        attach_gtin(s, home.staff["nina"], med, fake_gtin(900))
    return med


def test_search_as_you_type(home_db):
    with home_db.read() as s:
        assert [m.name for m in search_medicines(s, "para")] == [
            "Paracetamol 500 mg tablets",  # the generic first, then a supplier's product of it
            "Paracetamol 500 mg tablets (Demo Pharma Ltd)",
        ]
        assert [m.name for m in search_medicines(s, "co 30")] == ["Co-codamol 30 mg/500 mg tablets"]
        oxy = search_medicines(s, "OXY")[0]
        assert oxy.controlled and oxy.gtins


def test_add_product_and_several_gtins(home_db):
    home = Home(home_db)
    med = new_product(home_db, home)
    with home_db.write() as s:
        attach_gtin(s, home.staff["nina"], med, fake_gtin(901))
    with home_db.read() as s:
        (found,) = search_medicines(s, "bisoprolol")
    assert len(found.gtins) == 2
    with (
        pytest.raises(ValidationError, match="already belongs to Bisoprolol"),
        home_db.write() as s,
    ):
        attach_gtin(s, home.staff["nina"], med, fake_gtin(900))
    with pytest.raises(ValidationError, match="check digit"), home_db.write() as s:
        attach_gtin(s, home.staff["nina"], med, "5012345678901")
    with pytest.raises(ValidationError, match="active ingredients"), home_db.write() as s:
        add_medicine(s, home.staff["nina"], ProductForm("X", "tablets", "oral", "tablet"))


def test_new_line_is_pending_until_a_different_person_checks_it_then_given_by_scan(home_db):
    home = Home(home_db)
    med = new_product(home_db, home)
    mary = home.residents["Mary Jones"]
    with home_db.write() as s:
        line = add_chart_line(s, home.staff["nina"], mary, line_form(med))
    intent_at = local(DAY, 9, 5)
    scan = PackScan(fake_gtin(900))
    intent = home.intent("Mary Jones", None, intent_at, pack=scan)
    with home_db.read() as s:
        pending = verify(s, intent, intent_at)
        chart = {v.medicine: v for v in resident_chart(s, mary, intent_at)}
    assert chart["Bisoprolol 2.5 mg tablets"].status == "pending"  # visible, not givable
    assert pending.blocks[0].code == CheckCode.LINE_STATUS and "pending" in pending.headline
    with pytest.raises(ValidationError, match="different person"), home_db.write() as s:
        check_chart_line(s, home.sign("nina"), line, local(DAY, 8, 0))
    with pytest.raises(PinRefused, match="not someone who may"), home_db.write() as s:
        check_chart_line(s, home.sign("amy"), line, local(DAY, 8, 0))  # carers cannot check
    with pytest.raises(ValidationError, match="Check: wrong username or PIN"), home_db.write() as s:
        check_chart_line(s, Signature("ben", "0000"), line, local(DAY, 8, 0))
    with home_db.write() as s:
        check_chart_line(s, home.sign("ben"), line, local(DAY, 8, 0))
    with home_db.write() as s:
        done = record_given(s, intent, intent_at)
    assert "Bisoprolol" in done.message


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {
                "timing": "prn",
                "times_of_day": None,
                "prn_indication": "pain",
                "prn_min_interval_minutes": 240,
            },
            "maximum doses in 24 hours",
        ),
        (
            {
                "timing": "prn",
                "times_of_day": None,
                "prn_max_doses_24h": 4,
                "prn_min_interval_minutes": 240,
            },
            "indication",
        ),
        ({"dose_min": Decimal(2), "dose_max": Decimal(1)}, "low to high"),
        ({"times_of_day": "9am"}, "not a time of day"),
        ({"timing": "weekdays"}, "days of the week"),
        ({"prescriber": " "}, "who prescribed"),
    ],
)
def test_bad_lines_are_refused_and_nothing_saved(home_db, changes, message):
    home = Home(home_db)
    with home_db.read() as s:
        before = len(s.scalars(select(ChartLine.id)).all())
    with pytest.raises(ValidationError, match=message), home_db.write() as s:
        add_chart_line(s, home.staff["nina"], home.residents["Mary Jones"], line_form(1, **changes))
    with home_db.read() as s:
        assert len(s.scalars(select(ChartLine.id)).all()) == before


def test_change_is_stop_old_and_start_new_linked(home_db):
    home = Home(home_db)
    old = home.line("Mary Jones", "Amlodipine")
    at = local(DAY, 12, 0)
    with home_db.write() as s:
        new = change_line(
            s,
            home.staff["nina"],
            old,
            line_form(
                1, dose_min=Decimal(2), dose_max=Decimal(2), times_of_day="08:00", starts_at=at
            ),
            "BP still high",
            at,
        )
    with home_db.write() as s:
        check_chart_line(s, home.sign("ben"), new, at)
    with home_db.read() as s:
        assert s.get(ChartLine, new).replaces_id == old
        chart = resident_chart(
            s, home.residents["Mary Jones"], at + timedelta(days=1), include_finished=True
        )
        states = {(v.dose, v.status) for v in chart if v.medicine.startswith("Amlodipine")}
        (r,) = due_list(
            s, local(DAY + timedelta(days=1), 8, 0), resident_ids=[home.residents["Mary Jones"]]
        )
    assert states == {("1 tablet", "stopped"), ("2 tablets", "active")}
    amlo = [d for d in r.doses if d.medicine.startswith("Amlodipine")]
    assert [d.dose for d in amlo if d.scheduled_at.day == DAY.day + 1] == ["2 tablets"]


def test_suspend_resume_and_stop_need_reasons(home_db):
    home = Home(home_db)
    line = home.line("George Evans", "Metformin")
    with pytest.raises(ValidationError, match="Say why"), home_db.write() as s:
        stop_line(s, home.staff["nina"], line, " ", local(DAY, 9, 0))
    with home_db.write() as s:
        suspend_line(s, home.staff["nina"], line, "Vomiting: GP to review", local(DAY, 7, 30))
        resume_line(s, home.staff["nina"], line, "GP: restart", local(DAY, 17, 0))
        stop_line(s, home.staff["nina"], line, "Diet controlled now", local(DAY, 20, 0))
    with pytest.raises(ValidationError, match="already stopped"), home_db.write() as s:
        stop_line(s, home.staff["nina"], line, "again", local(DAY, 21, 0))
    with home_db.read() as s:
        (r,) = due_list(s, local(DAY, 23, 0), resident_ids=[home.residents["George Evans"]])
    metformin = [
        d.scheduled_at
        for d in r.doses
        if d.medicine.startswith("Metformin") and d.scheduled_at.date() == DAY
    ]
    assert metformin == [local(DAY, 18, 0)]  # 08:00 suspended; 18:00 after the resumption
