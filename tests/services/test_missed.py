"""Missed means missed, through the real services on both backends (issue #16, rule 7):
George Evans's metformin is due at 08:00 and 18:00; at 17:30 the 18:00 window is open, so the
08:00 dose is missed: not given now, by anyone; a late entry for a time inside its window (or
before it was missed) is recorded with its reason; "not given" still works."""

from datetime import date

import pytest
from sqlalchemy import select

from emar.domain.doses import DoseState
from emar.domain.verdict import CheckCode
from emar.errors import ValidationError
from emar.models import Administration
from emar.services.round.due import due_list
from emar.services.round.recording import Blocked, Override, record_given, record_not_given
from emar.services.round.verification import verify
from tests.support.homes import Home, local

DAY = date(2026, 6, 10)
NOW = local(DAY, 17, 30)
MISSED = (
    "STOP: The 08:00 dose of Metformin 500 mg tablets was missed: the 18:00 dose is due now. "
    "Record why it was missed (not given) and give the next dose."
)


@pytest.fixture
def home(home_db):
    return Home(home_db)


def morning(home, at, by="amy"):
    return home.intent(
        "George Evans",
        None,
        at,
        by=by,
        chart_line_id=home.line("George Evans", "Metformin"),
        scheduled_at=local(DAY, 8),
        pack=home.pack("Metformin"),
    )


def test_the_missed_morning_dose_is_not_given_now_by_anyone(home_db, home):
    with home_db.read() as s:
        verdict = verify(s, morning(home, NOW), NOW)
        (dose,) = [
            d
            for r in due_list(s, NOW, resident_ids=[home.residents["George Evans"]])
            for d in r.doses
            if d.scheduled_at == local(DAY, 8)
        ]
    assert verdict.headline == MISSED and not verdict.overridable
    assert dose.state == DoseState.MISSED  # the due list agrees
    with pytest.raises(Blocked, match="was missed"), home_db.write() as s:
        record_given(s, morning(home, NOW), NOW)
    with pytest.raises(Blocked, match="was missed"), home_db.write() as s:
        record_given(s, morning(home, NOW, by="ben"), NOW, override=Override(home.sign("ben"), "x"))
    # a scan now means the evening dose
    with home_db.read() as s:
        scan = verify(s, home.intent("George Evans", "Metformin", NOW), NOW)
    assert scan.scheduled_at == local(DAY, 18) and not scan.blocked


def test_given_in_its_window_it_is_recorded_afterwards_as_a_late_entry(home_db, home):
    given = local(DAY, 8, 10)
    with pytest.raises(ValidationError, match="late entry"), home_db.write() as s:
        record_given(s, morning(home, given), NOW)
    with home_db.write() as s:
        done = record_given(s, morning(home, given), NOW, late_entry_reason="Paper MAR in outage")
    assert "late entry flagged" in done.message
    with home_db.read() as s:
        entry = s.get(Administration, done.administration_id)
        assert entry.scheduled_at == local(DAY, 8) and entry.administered_at == given
        assert entry.recorded_at == NOW and entry.late_entry_reason == "Paper MAR in outage"
        assert entry.override_reason is None


def test_given_late_before_it_was_missed_is_still_recorded(home_db, home):
    with home_db.write() as s:  # 16:30: late, but before the 18:00 window opened
        done = record_given(s, morning(home, local(DAY, 16, 30)), NOW, late_entry_reason="Busy")
    assert done.verdict is not None and done.verdict.has(CheckCode.LATE)


def test_a_time_given_after_it_was_missed_is_refused_and_says_which_times_may_be(home_db, home):
    refused = pytest.raises(Blocked, match=r"record the time it was given \(before 17:00\)")
    with refused, home_db.write() as s:
        record_given(s, morning(home, local(DAY, 17, 10)), NOW, late_entry_reason="Forgot")


def test_the_missed_dose_is_recorded_as_not_given_with_why_it_is_late(home_db, home):
    args = dict(
        resident_id=home.residents["George Evans"],
        chart_line_id=home.line("George Evans", "Metformin"),
        staff_id=home.staff["amy"],
        now=NOW,
        scheduled_at=local(DAY, 8),
        code="S",
    )
    with pytest.raises(ValidationError, match="late entry"), home_db.write() as s:
        record_not_given(s, **args)
    with home_db.write() as s:
        record_not_given(s, late_entry_reason="Asleep; told at handover", **args)
    with home_db.read() as s:
        entry = s.scalars(select(Administration)).one()
        assert entry.outcome == "not_given" and entry.not_given_code == "S"
        assert entry.late_entry_reason == "Asleep; told at handover"
