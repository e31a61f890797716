"""The daily maximum across regular and PRN lines, through the real services on both backends
(issue #16, rule 4): the scripted round's 5 g of paracetamol is stopped; a senior may override
it with a reason (recorded, flagged), a carer may not."""

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from emar.domain.verdict import CheckCode
from emar.errors import ValidationError
from emar.models import Administration, AuditEvent, ChartLine, ChartLineEvent, Resident
from emar.services.round.due import due_list
from emar.services.round.recording import Blocked, Override, record_given
from emar.services.round.verification import verify
from tests.support.homes import Home, dose, local

DAY = date(2026, 6, 10)
FIVE_GRAMS = (
    "Paracetamol daily maximum: 4 g given in 24 hours (4 doses); this 1 g would make 5 g "
    "(maximum 4 g for an adult). Do not give; ask a senior."
)


@pytest.fixture
def home(home_db):
    return Home(home_db)


def chart_regular_paracetamol(db, home, starts=None) -> int:
    """Mary Jones: paracetamol 500 mg, 2 tablets at 20:00, beside her PRN paracetamol."""
    with db.write() as s:
        prn = s.get(ChartLine, home.line("Mary Jones", "Paracetamol", prn=True))
        starts = starts or prn.starts_at
        regular = ChartLine(
            resident_id=prn.resident_id,
            medicine_id=prn.medicine_id,
            dose_min=Decimal(2),
            dose_max=Decimal(2),
            dose_unit=prn.dose_unit,
            route="oral",
            timing="times_of_day",
            times_of_day="20:00",
            starts_at=starts,
            prescriber="Dr X",
            source="GP letter",
            transcribed_by_id=home.staff["nina"],
        )
        s.add(regular)
        s.flush()
        s.add(
            ChartLineEvent(
                chart_line_id=regular.id,
                kind="checked",
                effective_at=starts,
                staff_id=home.staff["ben"],
            )
        )
        return regular.id


def give_prn(db, home, at, tablets="2"):
    intent = home.intent(
        "Mary Jones",
        None,
        at,
        chart_line_id=home.line("Mary Jones", "Paracetamol", prn=True),
        pack=home.pack("Paracetamol"),
        dose=dose(tablets),
    )
    with db.write() as s:
        return record_given(s, intent, at, prn_reason="Pain")


def test_a_regular_dose_on_top_of_four_prn_doses_is_stopped_and_only_a_senior_overrides(
    home_db, home
):
    for hour in (0, 4, 8, 12):  # four PRN 1 g doses: within the PRN line's own limits
        give_prn(home_db, home, local(DAY, hour))
    # then the GP starts regular paracetamol, from this evening
    regular = chart_regular_paracetamol(home_db, home, starts=local(DAY, 19))
    at = local(DAY, 20, 0)
    intent = home.intent(
        "Mary Jones", None, at, chart_line_id=regular, pack=home.pack("Paracetamol")
    )
    with home_db.read() as s:
        verdict = verify(s, intent, at)
    assert [(c.code, c.message) for c in verdict.blocks] == [(CheckCode.DAILY_MAXIMUM, FIVE_GRAMS)]
    assert verdict.overridable and verdict.headline == "STOP: " + FIVE_GRAMS
    with pytest.raises(Blocked, match="daily maximum"), home_db.write() as s:
        record_given(s, intent, at)
    with pytest.raises(ValidationError, match="not someone who may override"), home_db.write() as s:
        record_given(s, intent, at, override=Override(home.sign("amy"), "Pain is bad"))
    with pytest.raises(ValidationError, match="needs a reason"), home_db.write() as s:
        record_given(s, intent, at, override=Override(home.sign("ben"), " "))
    with home_db.write() as s:
        done = record_given(
            s, intent, at, override=Override(home.sign("ben"), "GP agreed by phone: 5 g today")
        )
    assert "override flagged" in done.message
    with home_db.read() as s:
        entry = s.get(Administration, done.administration_id)
        assert entry.override_by_id == home.staff["ben"]
        assert entry.override_reason == "GP agreed by phone: 5 g today"
        assert entry.scheduled_at == at and entry.dose_given == 2
        event = s.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "administration", AuditEvent.entity_id == str(entry.id)
            )
        ).one()
        assert json.loads(event.detail)["override"] == ["daily maximum"]


def test_a_prn_dose_on_top_of_the_regular_dose_due_later_is_stopped(home_db, home):
    chart_regular_paracetamol(home_db, home)
    for hour in (0, 4, 8):  # 3 g; the 20:00 regular 1 g is still to come
        give_prn(home_db, home, local(DAY, hour))
    with pytest.raises(Blocked) as stopped:
        give_prn(home_db, home, local(DAY, 12))
    assert stopped.value.verdict.blocks[0].message == (
        "Paracetamol daily maximum: 3 g given in 24 hours (3 doses) and 1 g still due on the "
        "regular chart (1 dose); this 1 g would make 5 g (maximum 4 g for an adult); next "
        "allowed at Thu 00:00. Do not give; ask a senior."
    )


def test_under_50_kg_the_weight_on_record_lowers_the_maximum(home_db, home):
    with home_db.write() as s:
        s.get(Resident, home.residents["Mary Jones"]).weight_kg = Decimal("45.0")
    for hour in (0, 4, 8):  # 3 g
        give_prn(home_db, home, local(DAY, hour))
    with pytest.raises(Blocked, match=r"maximum 3 g: weight 45 kg"):
        give_prn(home_db, home, local(DAY, 12))


def test_the_round_list_does_not_offer_a_prn_dose_the_daily_maximum_stops(home_db, home):
    """The PRN line's own limits allow a fourth dose at 12:00 (4 h apart, 4 a day), but the
    regular 1 g due at 20:00 would make 5 g: the round does not call it available."""
    chart_regular_paracetamol(home_db, home, starts=local(DAY, 0))
    for hour in (0, 4, 8):
        give_prn(home_db, home, local(DAY, hour))
    with home_db.read() as s:
        mary = s.scalars(select(Resident).where(Resident.family_name == "Jones")).one()
        (mary_round,) = due_list(s, local(DAY, 12, 5), resident_ids=[mary.id])
    (prn,) = [p for p in mary_round.prn if p.medicine.startswith("Paracetamol")]
    assert prn.available is False
    assert prn.why == "Not now: paracetamol daily maximum (4 g in 24 h); next allowed Thu 00:00"
