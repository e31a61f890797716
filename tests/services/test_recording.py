"""Recording: one transaction each, witnesses and overrides by PIN, stock, corrections, audit."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

import emar.services.round.recording as recording
from emar.domain.doses import DoseState
from emar.domain.verdict import CheckCode
from emar.errors import ValidationError
from emar.models import Administration, AuditEvent, PrnOutcome, StockMovement
from emar.services.permissions import NotPermitted
from emar.services.round.due import due_list
from emar.services.round.recording import (
    AlreadyRecorded,
    Blocked,
    Override,
    Signature,
    correct_entry,
    record_given,
    record_not_given,
    record_prn_outcome,
)
from tests.support.homes import Home, count_entries, dose, local

DAY = date(2026, 6, 10)


@pytest.fixture
def home(home_db):
    return Home(home_db)


def balance(db, home, resident, medicine):
    with db.read() as s:
        line_id = home.line(resident, medicine, prn=medicine in ("Oxycodone", "Co-codamol"))
        return s.scalar(
            select(func.sum(StockMovement.quantity)).where(
                StockMovement.resident_id == home.residents[resident],
                StockMovement.chart_line_id == line_id,
            )
        )


def test_given_is_committed_with_stock_and_audit(home_db, home):
    at = local(DAY, 8, 3)
    with home_db.write() as s:
        done = record_given(s, home.intent("Mary Jones", "Amlodipine", at), at)
    assert done.message == "Recorded: Mary Jones given Amlodipine 5 mg tablets."
    with home_db.read() as s:
        entry = s.get(Administration, done.administration_id)
        assert entry.scheduled_at == local(DAY, 8, 0) and entry.dose_given == 1
        assert entry.gtin == home.gtins["Amlodipine"]
        event = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "administration.given")
        ).one()
        assert event.entity_id == str(entry.id)
        saved = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert saved.action == "records.saved" and '"administration",' in saved.detail
    assert balance(home_db, home, "Mary Jones", "Amlodipine") == Decimal(55)


def test_a_block_records_nothing(home_db, home):
    at = local(DAY, 8, 3)
    with pytest.raises(Blocked, match="This is Amlodipine 5 mg for"), home_db.write() as s:
        record_given(s, home.intent("Arthur Price", "Amlodipine", at), at)
    assert count_entries(home_db) == 0


def test_second_give_of_the_same_dose_says_who(home_db, home):
    at = local(DAY, 8, 3)
    with home_db.write() as s:
        record_given(s, home.intent("Mary Jones", "Amlodipine", at, by="ben"), at)
    with pytest.raises(Blocked, match="Already given by Ben Osei at 08:03"), home_db.write() as s:
        record_given(s, home.intent("Mary Jones", "Amlodipine", at + timedelta(minutes=2)), at)
    assert count_entries(home_db) == 1


def test_not_given_needs_a_code_and_other_needs_a_note(home_db, home):
    args = dict(
        resident_id=home.residents["Mary Jones"],
        chart_line_id=home.line("Mary Jones", "Amlodipine"),
        staff_id=home.staff["amy"],
        now=local(DAY, 8, 10),
        scheduled_at=local(DAY, 8, 0),
    )
    with pytest.raises(ValidationError, match="not a not-given code"), home_db.write() as s:
        record_not_given(s, code="ZZ", **args)
    with pytest.raises(ValidationError, match="needs a note"), home_db.write() as s:
        record_not_given(s, code="O", **args)
    with pytest.raises(ValidationError, match="not a not-given code"), home_db.write() as s:
        record_not_given(s, code="X", **args)  # "entered in error" is for corrections only
    assert count_entries(home_db) == 0
    with home_db.write() as s:
        done = record_not_given(s, code="O", note="Asleep at the GP surgery", **args)
    assert done.message == "Recorded: Amlodipine 5 mg tablets not given (O Other (note required))."


def test_controlled_drug_needs_a_different_witness_with_the_right_pin(home_db, home):
    at = local(DAY, 8, 0)
    intent = home.intent("Arthur Price", "Oxycodone", at, dose=dose("5"))
    with pytest.raises(ValidationError, match="witness must sign"), home_db.write() as s:
        record_given(s, intent, at, prn_reason="Pain 8/10")
    with pytest.raises(ValidationError, match="different member"), home_db.write() as s:
        record_given(s, intent, at, prn_reason="Pain 8/10", witness=home.sign("amy"))
    with (
        pytest.raises(ValidationError, match="Witness: wrong username or PIN"),
        home_db.write() as s,
    ):
        record_given(s, intent, at, prn_reason="Pain 8/10", witness=Signature("ben", "0000"))
    with pytest.raises(ValidationError, match="not someone who may witness"), home_db.write() as s:
        record_given(s, intent, at, prn_reason="Pain 8/10", witness=home.sign("phil"))
    assert count_entries(home_db) == 0
    with home_db.write() as s:
        done = record_given(s, intent, at, prn_reason="Pain 8/10", witness=home.sign("ben"))
    with home_db.read() as s:
        assert s.get(Administration, done.administration_id).witness_id == home.staff["ben"]
        move = s.scalars(
            select(StockMovement).where(StockMovement.administration_id == done.administration_id)
        ).one()
        assert move.quantity == -5 and move.witness_id == home.staff["ben"]


def test_prn_needs_a_reason_and_gets_an_outcome_later(home_db, home):
    at = local(DAY, 14, 0)
    intent = home.intent("Mary Jones", "Paracetamol", at, dose=dose("2"))
    with pytest.raises(ValidationError, match="PRN reason"), home_db.write() as s:
        record_given(s, intent, at)
    with home_db.write() as s:
        done = record_given(s, intent, at, prn_reason="Knee pain 6/10")
    with home_db.write() as s:
        record_prn_outcome(
            s,
            administration_id=done.administration_id,
            staff_id=home.staff["amy"],
            effect="effective",
            note="Settled",
            now=at + timedelta(hours=1),
        )
    with home_db.read() as s:
        assert s.scalars(select(PrnOutcome)).one().effect == "effective"
    with pytest.raises(ValidationError, match="one of"), home_db.write() as s:
        record_prn_outcome(
            s,
            administration_id=done.administration_id,
            staff_id=home.staff["amy"],
            effect="meh",
            note=None,
            now=at,
        )


def test_override_needs_a_senior_pin_and_a_reason_and_is_flagged(home_db, home):
    at = local(DAY, 6, 40)  # 20 minutes before the window opens
    intent = home.intent("Mary Jones", "Amlodipine", at)
    with pytest.raises(Blocked, match="Too early"), home_db.write() as s:
        record_given(s, intent, at)
    with pytest.raises(ValidationError, match="not someone who may override"), home_db.write() as s:
        record_given(s, intent, at, override=Override(home.sign("amy"), "Going to hospital"))
    with pytest.raises(ValidationError, match="needs a reason"), home_db.write() as s:
        record_given(s, intent, at, override=Override(home.sign("ben"), "  "))
    with home_db.write() as s:
        done = record_given(
            s, intent, at, override=Override(home.sign("ben"), "Leaving early for hospital")
        )
    assert "override flagged" in done.message
    with home_db.read() as s:
        entry = s.get(Administration, done.administration_id)
        assert entry.override_by_id == home.staff["ben"]
        assert entry.override_reason == "Leaving early for hospital"


def test_wrong_resident_can_never_be_overridden(home_db, home):
    at = local(DAY, 8, 0)
    with pytest.raises(Blocked), home_db.write() as s:
        record_given(
            s,
            home.intent("Arthur Price", "Amlodipine", at),
            at,
            override=Override(home.sign("mark"), "I am sure"),
        )
    assert count_entries(home_db) == 0


def test_no_scan_needs_a_reason(home_db, home):
    at = local(DAY, 8, 0)
    intent = home.intent(
        "Mary Jones", None, at, chart_line_id=home.line("Mary Jones", "Amlodipine"), route="oral"
    )
    with pytest.raises(ValidationError, match="give the reason"), home_db.write() as s:
        record_given(s, intent, at)
    with home_db.write() as s:
        done = record_given(s, intent, at, no_scan_reason="Blister pack has no barcode")
    with home_db.read() as s:
        assert s.get(Administration, done.administration_id).no_scan_reason


def test_correction_supersedes_keeps_the_original_and_restores_stock(home_db, home):
    at = local(DAY, 8, 5)
    with home_db.write() as s:
        first = record_given(s, home.intent("Mary Jones", "Amlodipine", at), at)
    with pytest.raises(NotPermitted), home_db.write() as s:
        correct_entry(
            s,
            administration_id=first.administration_id,
            staff_id=home.staff["amy"],
            reason="oops",
            now=at,
            outcome="not_given",
            code="X",
        )
    with home_db.write() as s:
        void = correct_entry(
            s,
            administration_id=first.administration_id,
            staff_id=home.staff["mark"],
            now=at + timedelta(minutes=10),
            reason="Recorded on the wrong resident",
            outcome="not_given",
            code="X",
        )
    assert balance(home_db, home, "Mary Jones", "Amlodipine") == Decimal(56)
    with home_db.read() as s:
        (mary,) = due_list(
            s, at + timedelta(minutes=15), resident_ids=[home.residents["Mary Jones"]]
        )
        assert next(d for d in mary.doses if d.scheduled_at == local(DAY, 8, 0)).state == (
            DoseState.DUE  # voided: the dose is open again
        )
    with pytest.raises(ValidationError, match="already been corrected"), home_db.write() as s:
        correct_entry(
            s,
            administration_id=first.administration_id,
            staff_id=home.staff["mark"],
            reason="again",
            now=at,
            outcome="given",
            dose_given=Decimal(1),
        )
    later = at + timedelta(minutes=20)
    with home_db.write() as s:
        again = record_given(s, home.intent("Mary Jones", "Amlodipine", later), later)
    with home_db.read() as s:
        chain = [
            s.get(Administration, i)
            for i in (first.administration_id, void.administration_id, again.administration_id)
        ]
        assert [e.outcome for e in chain] == ["given", "not_given", "given"]
        assert chain[1].supersedes_id == chain[0].id and chain[2].supersedes_id == chain[1].id
        assert chain[1].correction_reason == "Recorded on the wrong resident"
    assert balance(home_db, home, "Mary Jones", "Amlodipine") == Decimal(55)


def test_pharmacist_cannot_record(home_db, home):
    at = local(DAY, 8, 0)
    with (
        pytest.raises(NotPermitted, match="Philippa Grant \\(pharmacist\\) may not record"),
        home_db.write() as s,
    ):
        record_given(s, home.intent("Mary Jones", "Amlodipine", at, by="phil"), at)


def test_losing_a_race_on_the_unique_index_is_reported_by_name(home_db, home, monkeypatch):
    """The other PC commits between our check and our insert: the index refuses, we say who."""
    at = local(DAY, 8, 3)
    with home_db.write() as s:
        record_given(s, home.intent("Mary Jones", "Amlodipine", at, by="ben"), at)
    real_verify = recording.verify

    def stale_verify(session, intent, now):  # what a PC that read before that commit believed
        verdict = real_verify(session, intent, now)
        return replace(
            verdict, checks=tuple(c for c in verdict.checks if c.code != CheckCode.ALREADY)
        )

    monkeypatch.setattr(recording, "verify", stale_verify)
    with (
        pytest.raises(AlreadyRecorded, match="Already given by Ben Osei at 08:03"),
        home_db.write() as s,
    ):
        record_given(s, home.intent("Mary Jones", "Amlodipine", at), at)
    assert count_entries(home_db) == 1


def test_a_dose_recorded_after_it_was_given_needs_a_reason_and_is_flagged(home_db, home):
    given, now = local(DAY, 8, 5), local(DAY, 10, 30)
    intent = home.intent(
        "Mary Jones",
        None,
        given,
        chart_line_id=home.line("Mary Jones", "Amlodipine"),
        route="oral",
    )
    with pytest.raises(ValidationError, match="late entry"), home_db.write() as s:
        record_given(s, intent, now, no_scan_reason="late entry")
    assert count_entries(home_db) == 0
    with home_db.write() as s:
        done = record_given(
            s, intent, now, no_scan_reason="late entry", late_entry_reason="Power cut at 08:00"
        )
    assert "late entry flagged" in done.message
    with home_db.read() as s:
        entry = s.get(Administration, done.administration_id)
        assert entry.administered_at == given and entry.recorded_at == now
        assert entry.scheduled_at == local(DAY, 8, 0)
        assert entry.late_entry_reason == "Power cut at 08:00"


def test_a_missed_slot_is_filled_in_as_a_late_entry_not_refused(home_db, home):
    """13 hours after an 08:00 dose (missed since 20:00): not given, with why it is late."""
    args = dict(
        resident_id=home.residents["Mary Jones"],
        chart_line_id=home.line("Mary Jones", "Amlodipine"),
        staff_id=home.staff["amy"],
        now=local(DAY, 21, 30),
        scheduled_at=local(DAY, 8, 0),
        code="R",
    )
    with pytest.raises(ValidationError, match="late entry"), home_db.write() as s:
        record_not_given(s, **args)
    with home_db.write() as s:
        record_not_given(s, late_entry_reason="Agency nurse recorded it on paper", **args)
    with home_db.read() as s:
        entry = s.scalars(select(Administration)).one()
        assert entry.late_entry_reason == "Agency nurse recorded it on paper"
        assert entry.not_given_code == "R" and entry.scheduled_at == local(DAY, 8, 0)


def test_an_entry_made_on_time_carries_no_late_flag(home_db, home):
    at = local(DAY, 8, 3)
    with home_db.write() as s:
        done = record_given(s, home.intent("Mary Jones", "Amlodipine", at), at)
    with home_db.read() as s:
        assert s.get(Administration, done.administration_id).late_entry_reason is None


def test_a_mistyped_witness_name_is_refused_like_a_wrong_pin(home_db, home):
    at = local(DAY, 8, 0)
    intent = home.intent("Arthur Price", "Oxycodone", at, dose=dose("5"))
    refused = pytest.raises(ValidationError, match="Witness: wrong username or PIN")
    with refused, home_db.write() as s:
        record_given(s, intent, at, prn_reason="Pain", witness=Signature("bem", "3917"))
    assert count_entries(home_db) == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"outcome": "maybe"}, "'maybe' is not an outcome"),
        ({"outcome": "not_given", "code": "ZZ"}, "'ZZ' is not a not-given code"),
        ({"outcome": "given", "dose_given": Decimal(7)}, "outside the prescribed"),
    ],
)
def test_a_correction_that_makes_no_sense_says_so_and_changes_nothing(
    home_db, home, changes, message
):
    at = local(DAY, 8, 3)
    with home_db.write() as s:
        done = record_given(s, home.intent("Mary Jones", "Amlodipine", at), at)
    args = dict(administration_id=done.administration_id, staff_id=home.staff["ben"],
                reason="audit", now=at + timedelta(hours=1))  # fmt: skip
    with pytest.raises(ValidationError, match=message), home_db.write() as s:
        correct_entry(s, **args, **changes)
    assert count_entries(home_db) == 1


def test_a_correction_cannot_take_a_prn_dose_past_its_limits(home_db, home):
    """Paracetamol given at 06:00 and "offered, not needed" at 08:00: correcting the 08:00 one
    to "given" would put two doses two hours apart. Refused."""
    at = local(DAY, 6, 0)
    with home_db.write() as s:
        record_given(s, home.intent("Mary Jones", "Paracetamol", at, dose=dose("2")), at,
                     prn_reason="Headache")  # fmt: skip
    later = local(DAY, 8, 0)
    with home_db.write() as s:
        offered = record_not_given(
            s, resident_id=home.residents["Mary Jones"],
            chart_line_id=home.line("Mary Jones", "Paracetamol", prn=True),
            staff_id=home.staff["amy"], code="NR", now=later,
        )  # fmt: skip
    refused = pytest.raises(ValidationError, match="break Paracetamol 500 mg tablets's PRN limits")
    with refused, home_db.write() as s:
        correct_entry(
            s, administration_id=offered.administration_id, staff_id=home.staff["ben"],
            reason="was given after all", now=later, outcome="given", dose_given=dose("2"),
        )  # fmt: skip
    assert count_entries(home_db) == 2
