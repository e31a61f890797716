"""Model rules: validation in constructors, and the constraints the database itself enforces."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from emar.errors import ValidationError
from emar.models import (
    Administration,
    ChartLine,
    Medicine,
    MedicineGtin,
    Resident,
    Staff,
)


def test_resident_with_bad_nhs_number_is_refused_in_the_constructor():
    with pytest.raises(ValidationError, match="wrong check digit"):
        Resident(
            given_name="A",
            family_name="B",
            date_of_birth=date(1940, 1, 1),
            nhs_number="943 476 5918",
            room="1",
            unit_id=1,
        )


def test_resident_nhs_number_is_stored_as_ten_digits():
    r = Resident(
        given_name="A",
        family_name="B",
        date_of_birth=date(1940, 1, 1),
        nhs_number="943 476 5919",
        room="1",
        unit_id=1,
    )
    assert r.nhs_number == "9434765919"


def test_future_date_of_birth_is_refused():
    with pytest.raises(ValidationError, match="future"):
        Resident(
            given_name="A",
            family_name="B",
            date_of_birth=date.today() + timedelta(days=1),
            room="1",
            unit_id=1,
        )


def test_gtin_with_bad_check_digit_is_refused():
    with pytest.raises(ValidationError, match="check digit"):
        MedicineGtin(gtin="5012345678901")


def _ids(session):
    resident = session.scalars(select(Resident).order_by(Resident.id)).first()
    medicine = session.scalars(select(Medicine).order_by(Medicine.id)).first()
    staff = session.scalars(select(Staff).order_by(Staff.id)).all()
    line = session.scalars(select(ChartLine).where(ChartLine.timing == "times_of_day")).first()
    return resident, medicine, staff, line


def _line(resident, medicine, staff, **overrides):
    fields = dict(
        resident_id=resident.id,
        medicine_id=medicine.id,
        dose_min=Decimal(1),
        dose_max=Decimal(1),
        dose_unit="tablet",
        route="oral",
        timing="times_of_day",
        times_of_day="08:00",
        starts_at=datetime(2026, 1, 1, tzinfo=UTC),
        prescriber="Dr X",
        source="GP",
        transcribed_by_id=staff[0].id,
    )
    fields.update(overrides)
    return ChartLine(**fields)


@pytest.mark.parametrize(
    "overrides",
    [
        {
            "timing": "prn",
            "times_of_day": None,
            "prn_indication": "pain",
            "prn_min_interval_minutes": 240,
        },  # no 24 h maximum
        {"dose_min": Decimal(2), "dose_max": Decimal(1)},
        {"dose_min": Decimal(0), "dose_max": Decimal(0)},
        {"times_of_day": None},
        {"timing": "weekdays"},
        {"timing": "sometimes"},
        {"ends_at": datetime(2025, 1, 1, tzinfo=UTC)},
    ],
)
def test_database_refuses_an_incoherent_chart_line(demo_db, overrides):
    with pytest.raises(IntegrityError), demo_db.write() as s:
        resident, medicine, staff, _ = _ids(s)
        s.add(_line(resident, medicine, staff, **overrides))
        s.flush()


def _administration(line, staff, **overrides):
    fields = dict(
        chart_line_id=line.id,
        scheduled_at=datetime(2026, 3, 1, 8, tzinfo=UTC),
        outcome="given",
        dose_given=Decimal(1),
        administered_at=datetime(2026, 3, 1, 8, 5, tzinfo=UTC),
        staff_id=staff[0].id,
    )
    fields.update(overrides)
    return Administration(**fields)


def test_one_original_entry_per_scheduled_dose_is_enforced_by_the_database(demo_db):
    with demo_db.write() as s:
        _, _, staff, line = _ids(s)
        s.add(_administration(line, staff))
    with pytest.raises(IntegrityError), demo_db.write() as s:
        _, _, staff, line = _ids(s)
        s.add(_administration(line, staff, staff_id=staff[1].id))
        s.flush()
    with demo_db.read() as s:
        assert len(s.scalars(select(Administration)).all()) == 1


def test_a_correction_supersedes_and_cannot_be_forked(demo_db):
    with demo_db.write() as s:
        _, _, staff, line = _ids(s)
        first = _administration(line, staff)
        s.add(first)
        s.flush()
        s.add(
            _administration(
                line,
                staff,
                supersedes_id=first.id,
                outcome="not_given",
                not_given_code="R",
                dose_given=None,
                correction_reason="Recorded against the wrong dose",
            )
        )
        first_id = first.id
    with pytest.raises(IntegrityError), demo_db.write() as s:
        _, _, staff, line = _ids(s)
        s.add(
            _administration(
                line,
                staff,
                supersedes_id=first_id,
                correction_reason="second correction of the same entry",
            )
        )
        s.flush()


@pytest.mark.parametrize(
    "overrides",
    [
        {"outcome": "not_given", "dose_given": None},  # no code
        {"outcome": "given", "dose_given": None},
        {"outcome": "maybe"},
        {"not_given_code": "ZZ", "outcome": "not_given"},  # unknown code (foreign key)
        {"witness_id": "self"},
        {"override_reason": "PRN limit", "override_by_id": None},
    ],
)
def test_database_refuses_an_incoherent_administration(demo_db, overrides):
    with pytest.raises(IntegrityError), demo_db.write() as s:
        _, _, staff, line = _ids(s)
        if overrides.get("witness_id") == "self":
            overrides["witness_id"] = staff[0].id
        s.add(_administration(line, staff, **overrides))
        s.flush()


def test_instants_come_back_in_utc_whatever_zone_went_in(demo_db):
    london_summer = datetime(2026, 7, 1, 9, 0, tzinfo=ZoneInfo("Europe/London"))
    with demo_db.write() as s:
        _, _, staff, line = _ids(s)
        s.add(
            _administration(line, staff, scheduled_at=london_summer, administered_at=london_summer)
        )
    with demo_db.read() as s:
        stored = s.scalars(select(Administration)).one()
        assert stored.scheduled_at == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
        assert stored.scheduled_at.tzinfo == UTC


def test_naive_datetimes_are_refused(demo_db):
    with pytest.raises(Exception, match="naive datetime"), demo_db.write() as s:
        _, _, staff, line = _ids(s)
        s.add(_administration(line, staff, scheduled_at=datetime(2026, 3, 1, 8)))
        s.flush()
