"""A resident's health facts as records (both backends): conditions, dated observations and
monitoring plans recorded, corrected, resolved and withdrawn as new rows superseding the old;
the latest weight is the resident's weight, and the paracetamol maximum uses it; the home's
signal thresholds changed with the earlier value audited."""

from __future__ import annotations

import json
import threading
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from emar.errors import ValidationError
from emar.models import (
    AuditEvent,
    MonitoringPlan,
    Resident,
    ResidentCondition,
    ResidentObservation,
    SignalThreshold,
)
from emar.services.permissions import NotPermitted
from emar.services.residents import admission
from emar.services.residents.health import (
    add_monitoring_plan,
    correct_condition,
    correct_observation,
    end_monitoring_plan,
    latest_weights,
    record_condition,
    record_observation,
    resident_health,
    resolve_condition,
    set_signal_threshold,
    withdraw_condition,
    withdraw_observation,
)
from emar.services.round.verification import verify
from tests.services.test_audit_verify import tamperer
from tests.services.test_audit_verify import verify as audit_verify
from tests.services.test_daily_maximum import give_prn
from tests.support.homes import Home, dose, local

DAY = date(2026, 6, 10)
AT = local(DAY, 9, 0)


@pytest.fixture
def home(home_db):
    return Home(home_db)


def _actions(db, prefix: str) -> list[str]:
    with db.read() as s:
        return list(
            s.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.action.like(f"{prefix}%"))
                .order_by(AuditEvent.id)
            )
        )


def test_a_condition_is_recorded_corrected_resolved_and_withdrawn_as_new_rows(home_db, home):
    mary, staff = home.residents["Mary Jones"], home.staff
    with home_db.write() as s:
        ckd = record_condition(s, staff["nina"], mary, "ckd", noted_on=date(2024, 3, 1))
        delirium = record_condition(s, staff["nina"], mary, "delirium", note="UTI")
        wrong = record_condition(s, staff["phil"], mary, "epilepsy")
    with home_db.write() as s:
        ckd2 = correct_condition(
            s, staff["mark"], ckd, "GP letter: stage 3b", noted_on=date(2023, 11, 2), note="3b"
        )
        resolve_condition(s, staff["nina"], delirium, "UTI treated, back to her usual self")
        withdraw_condition(s, staff["phil"], wrong, "another resident's letter")
    with home_db.read() as s:
        now = resident_health(s, mary, include_history=True)
        old = s.get(ResidentCondition, ckd)
        assert (old.noted_on, old.note, old.status) == (date(2024, 3, 1), None, "active")
    assert [(c.id, c.label, c.noted_on, c.note, c.recorded_by) for c in now.conditions] == [
        (ckd2, "chronic kidney disease", date(2023, 11, 2), "3b", "Mark Hughes")
    ]
    assert [[(c.condition, c.status, c.change_reason) for c in chain] for chain in
            now.condition_history] == [
        [("ckd", "active", None), ("ckd", "active", "GP letter: stage 3b")],
        [("delirium", "active", None),
         ("delirium", "resolved", "UTI treated, back to her usual self")],
        [("epilepsy", "active", None),
         ("epilepsy", "entered-in-error", "another resident's letter")],
    ]  # fmt: skip
    assert _actions(home_db, "condition.") == [
        "condition.recorded", "condition.recorded", "condition.recorded",
        "condition.corrected", "condition.resolved", "condition.withdrawn",
    ]  # fmt: skip


def test_a_condition_already_active_or_unknown_is_refused(home_db, home):
    mary = home.residents["Mary Jones"]
    with home_db.write() as s:
        record_condition(s, home.staff["nina"], mary, "dementia")
    with (
        pytest.raises(ValidationError, match="Mary Jones already has dementia recorded"),
        home_db.write() as s,
    ):
        record_condition(s, home.staff["nina"], mary, "dementia")
    with pytest.raises(ValidationError, match="'gout' is not one eMAR knows"), home_db.write() as s:
        record_condition(s, home.staff["nina"], mary, "gout")


def test_observations_latest_of_each_kind_corrected_and_withdrawn(home_db, home):
    mary, staff = home.residents["Mary Jones"], home.staff
    with home_db.write() as s:
        egfr = record_observation(s, staff["nina"], mary, "egfr", "38", local(DAY, 8), now=AT)
        earlier = local(DAY - timedelta(days=200), 8)
        record_observation(s, staff["nina"], mary, "egfr", "52", earlier, now=AT)
        fall = record_observation(
            s, staff["amy"], mary, "fall", None, local(DAY, 3), note="bathroom", now=AT
        )
        inr = record_observation(s, staff["ben"], mary, "inr", "2.45", local(DAY, 7), now=AT)
    with home_db.write() as s:
        fixed = correct_observation(
            s, staff["nina"], inr, "3.1", local(DAY, 7, 30), "lab rang: misread", now=AT
        )
        withdraw_observation(s, staff["nina"], fall, "it was Edith, not Mary")
    with home_db.read() as s:
        health = resident_health(s, mary, include_history=True)
        assert s.get(ResidentObservation, inr).value == Decimal("2.50")  # kept as it was
    assert [(o.kind, o.shown, o.recorded_by) for o in health.latest] == [
        ("egfr", "eGFR (kidney function) 38 mL/min/1.73m2", "Nina Patel"),
        ("inr", "INR 3.1", "Nina Patel"),
    ]
    assert health.latest_of("inr").id == fixed and health.latest_of("egfr").id == egfr
    assert health.latest_of("fall") is None  # withdrawn: nothing counts it
    assert [(o.kind, o.change_reason) for o in health.observations[:3]] == [
        ("egfr", None),
        ("inr", "lab rang: misread"),
        ("inr", None),
    ]
    withdrawn = [o for o in health.observations if o.kind == "entered-in-error"]
    assert [(o.shown, o.change_reason, o.supersedes_id) for o in withdrawn] == [
        ("entered in error", "it was Edith, not Mary", fall)
    ]
    assert _actions(home_db, "observation.")[-2:] == [
        "observation.corrected", "observation.withdrawn",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "value", "at", "message"),
    [
        ("weight", "4.5", AT, r"Weight: 4.5 kg is not a likely adult weight \(20-300 kg\)"),
        (
            "egfr",
            "250",
            AT,
            r"EGFR \(kidney function\): 250 mL/min/1.73m2 is not a likely value \(1-200",
        ),
        ("inr", "twenty", AT, r"INR: 'twenty' is not a number"),
        ("lithium", "0.01", AT, r"Lithium level: 0.01 mmol/L is not a likely value \(0.05-5"),
        ("lithium", None, AT, r"Lithium level: the value \(mmol/L\) is needed"),
        ("fall", "3", AT, "A fall is recorded without a value"),
        ("height", "150", AT, "'height' is not one eMAR knows"),
        ("weight", "50", AT + timedelta(hours=1), "That date and time is in the future"),
        ("weight", "50", local(date(1930, 1, 1), 9), "before Mary Jones was born"),
        ("weight", "50", None, "When was it\\? The date and time are needed"),
    ],
)
def test_implausible_values_and_dates_are_refused(home_db, home, kind, value, at, message):
    with pytest.raises(ValidationError, match=message), home_db.write() as s:
        record_observation(
            s, home.staff["amy"], home.residents["Mary Jones"], kind, value, at, now=AT
        )


def test_monitoring_plans_added_ended_and_due_from_the_latest_result(home_db, home):
    edith, staff = home.residents["Edith Baker"], home.staff
    furosemide = home.line("Edith Baker", "Furosemide")
    with home_db.write() as s:
        inr = add_monitoring_plan(s, staff["phil"], edith, "inr")
        egfr = add_monitoring_plan(s, staff["nina"], edith, "egfr", "180", chart_line_id=furosemide)
        record_observation(s, staff["nina"], edith, "egfr", "45", local(DAY, 8), now=AT)
    mary_line = home.line("Mary Jones", "Amlodipine")
    for kind, days, line, message in (
        ("inr", 14, None, "already has INR monitoring every 28 days"),
        ("lithium", 900, None, "Every how many days: 1 to 730, not 900"),
        ("lithium", None, mary_line, "That chart line is not Edith Baker's"),
    ):
        with pytest.raises(ValidationError, match=message), home_db.write() as s:
            add_monitoring_plan(s, staff["nina"], edith, kind, days, chart_line_id=line)
    with home_db.read() as s:
        plans = resident_health(s, edith).plans
    assert [(p.id, p.label, p.every_days, p.medicine, p.due_on) for p in plans] == [
        (egfr, "eGFR (kidney function)", 180, "Furosemide", date(2026, 12, 7)),
        (inr, "INR", 28, None, None),  # never done: due now
    ]
    with home_db.write() as s:
        end_monitoring_plan(s, staff["phil"], inr, "warfarin stopped")
    with home_db.read() as s:
        health = resident_health(s, edith, include_history=True)
    assert [p.id for p in health.plans] == [egfr]
    assert [[(p.status, p.change_reason) for p in c] for c in health.plan_history] == [
        [("active", None), ("resolved", "warfarin stopped")],
        [("active", None)],
    ]
    assert _actions(home_db, "monitoring.") == [
        "monitoring.planned", "monitoring.planned", "monitoring.ended",
    ]  # fmt: skip


def test_the_database_refuses_to_update_or_delete_any_of_the_records(home_db, home):
    mary = home.residents["Mary Jones"]
    with home_db.write() as s:
        c = record_condition(s, home.staff["nina"], mary, "falls")
        o = record_observation(s, home.staff["nina"], mary, "inr", "2.5", AT, now=AT)
        p = add_monitoring_plan(s, home.staff["nina"], mary, "inr")
    for sql in (
        f"UPDATE resident_condition SET status = 'resolved' WHERE id = {c}",
        f"DELETE FROM resident_condition WHERE id = {c}",
        f"UPDATE resident_observation SET value = 9 WHERE id = {o}",
        f"DELETE FROM resident_observation WHERE id = {o}",
        f"UPDATE monitoring_plan SET every_days = 365 WHERE id = {p}",
        f"DELETE FROM monitoring_plan WHERE id = {p}",
    ):
        with pytest.raises(DBAPIError, match="append-only"), home_db.write() as s:
            s.execute(text(sql))
    with home_db.read() as s:
        assert s.get(ResidentObservation, o).value == Decimal("2.50")
        assert s.get(MonitoringPlan, p).every_days == 28


def test_a_row_already_superseded_cannot_be_changed_again(home_db, home):
    mary = home.residents["Mary Jones"]
    with home_db.write() as s:
        o = record_observation(s, home.staff["nina"], mary, "inr", "2.5", AT, now=AT)
    with home_db.write() as s:
        withdraw_observation(s, home.staff["nina"], o, "wrong resident")
    with (
        pytest.raises(ValidationError, match="Someone else changed this observation just now"),
        home_db.write() as s,
    ):
        correct_observation(s, home.staff["mark"], o, "2.6", AT, "typo", now=AT)


def test_two_pcs_withdrawing_one_condition_at_once_one_wins(home_db, home):
    mary = home.residents["Mary Jones"]
    with home_db.write() as s:
        falls = record_condition(s, home.staff["nina"], mary, "falls")
    second: list[BaseException | None] = []

    def other_pc() -> None:
        try:
            with home_db.write() as s:
                resolve_condition(s, home.staff["phil"], falls, "no falls for a year")
            second.append(None)
        except BaseException as exc:
            second.append(exc)

    with home_db.write() as s:
        withdraw_condition(s, home.staff["mark"], falls, "wrong resident")
        rival = threading.Thread(target=other_pc)
        rival.start()
        time.sleep(1.0)  # the other PC is now waiting on this transaction
    rival.join(timeout=30)
    assert len(second) == 1 and isinstance(second[0], ValidationError)
    assert "Someone else changed this condition just now" in str(second[0])
    with home_db.read() as s:
        rows = s.scalars(
            select(ResidentCondition.status).where(ResidentCondition.supersedes_id == falls)
        )
        assert list(rows) == ["entered-in-error"]


def test_who_may_record_what(home_db, home):
    mary, staff = home.residents["Mary Jones"], home.staff
    with home_db.write() as s:  # a carer records a fall and a weight
        fall = record_observation(s, staff["amy"], mary, "fall", None, AT, now=AT)
        record_observation(s, staff["amy"], mary, "weight", "61.2", AT, now=AT)
    refusals = [
        (lambda s: record_condition(s, staff["amy"], mary, "falls"),
         "Amy Carter \\(carer\\) may not record conditions and monitoring plans"),
        (lambda s: record_condition(s, staff["ben"], mary, "falls"), "Ben Osei \\(senior carer\\)"),
        (lambda s: withdraw_observation(s, staff["amy"], fall, "mine"), "Amy Carter"),
        (lambda s: add_monitoring_plan(s, staff["ben"], mary, "inr"), "Ben Osei"),
        (lambda s: record_observation(s, staff["sam"], mary, "fall", None, AT, now=AT),
         "Sam Admin \\(administrator\\) may not record a weight, a fall or a test result"),
        (lambda s: set_signal_threshold(s, staff["phil"], "refused.in_7_days", 4),
         "Philippa Grant \\(pharmacist\\) may not change the home's signal thresholds"),
    ]  # fmt: skip
    for call, message in refusals:
        with pytest.raises(NotPermitted, match=message), home_db.write() as s:
            call(s)
    with home_db.read() as s:
        assert s.scalar(select(ResidentCondition.id).limit(1)) is None


def test_the_latest_weight_is_the_residents_weight_and_sets_the_paracetamol_maximum(home_db, home):
    mary, staff = home.residents["Mary Jones"], home.staff
    with home_db.write() as s:
        light = record_observation(s, staff["amy"], mary, "weight", "45", local(DAY, 7), now=AT)
        record_observation(s, staff["amy"], mary, "weight", "58", local(DAY, 6), now=AT)  # older
    with home_db.read() as s:
        assert s.get(Resident, mary).weight_kg == Decimal("45.0")
        assert latest_weights(s, [mary]) == {mary: (Decimal("45.00"), local(DAY, 7))}
    for hour in (10, 14, 18):  # 3 g
        give_prn(home_db, home, local(DAY, hour))
    prn = home.line("Mary Jones", "Paracetamol", prn=True)
    fourth = home.intent(
        "Mary Jones", None, local(DAY, 22), chart_line_id=prn, pack=home.pack("Paracetamol"),
        dose=dose("2"),
    )  # fmt: skip
    with home_db.read() as s:
        stopped = verify(s, fourth, fourth.at)
    assert stopped.blocked and "maximum 3 g: weight 45 kg" in stopped.blocks[0].message
    with home_db.write() as s:
        withdraw_observation(s, staff["nina"], light, "another resident's scales reading")
    with home_db.read() as s:
        assert s.get(Resident, mary).weight_kg == Decimal("58.0")
        allowed = verify(s, fourth, fourth.at)
    assert not allowed.blocked
    with home_db.read() as s:
        changes = [
            json.loads(e.detail)
            for e in s.scalars(
                select(AuditEvent).where(
                    AuditEvent.action == "resident.updated", AuditEvent.entity_id == str(mary)
                )
            )
        ]
    assert changes[-2:] == [
        {"before": {"weight_kg": None}, "after": {"weight_kg": "45.0"}},
        {"before": {"weight_kg": "45.0"}, "after": {"weight_kg": "58.0"}},
    ]


def test_a_weight_typed_in_the_details_is_a_weight_observation_too(home_db, home):
    mary = home.residents["Mary Jones"]
    with home_db.write() as s:
        admission.update_resident(s, home.staff["nina"], mary, {"weight_kg": "47.3"}, now=AT)
    with home_db.read() as s:
        health = resident_health(s, mary)
        assert s.get(Resident, mary).weight_kg == Decimal("47.3")
    weight = health.latest_of("weight")
    assert (weight.value, weight.observed_at, weight.recorded_by) == (
        Decimal("47.30"), AT, "Nina Patel",
    )  # fmt: skip
    with (
        pytest.raises(ValidationError, match="to take a weight away, mark the wrong weight"),
        home_db.write() as s,
    ):
        admission.update_resident(s, home.staff["nina"], mary, {"weight_kg": ""}, now=AT)


def test_a_threshold_change_is_audited_with_the_earlier_value(home_db, home):
    with home_db.write() as s:
        first = set_signal_threshold(s, home.staff["mark"], "refused.in_7_days", "3")
    with home_db.write() as s:
        second = set_signal_threshold(s, home.staff["mark"], "refused.in_7_days", 4)
    assert (first.before, first.after, second.before) == (None, Decimal("3.00"), Decimal("3.00"))
    for key, value, message in (
        ("refusals_in_7_days", 3, "is not one the signals use; they are: "),
        ("refused.in_7_days", 10001, "0 to 10000, not 10001"),
        ("refused.in_7_days", "lots", "'lots' is not a number"),
        ("refused.in_7_days", "2.5", "a whole number of doses"),
        ("prn.often_days", 30, "at most prn.often_window"),
    ):
        with pytest.raises(ValidationError, match=message), home_db.write() as s:
            set_signal_threshold(s, home.staff["mark"], key, value)
    with home_db.read() as s:
        assert s.get(SignalThreshold, "refused.in_7_days").value == Decimal("4.00")
        details = [
            json.loads(d)
            for d in s.scalars(
                select(AuditEvent.detail).where(AuditEvent.action == "threshold.changed")
            )
        ]
    assert details == [{"before": None, "after": "3.00"}, {"before": "3.00", "after": "4.00"}]
    with home_db.write() as s:  # back to the signal's own default, audited like any change
        back = set_signal_threshold(s, home.staff["mark"], "refused.in_7_days", "default")
    assert (back.before, back.after) == (Decimal("4.00"), Decimal("3.00"))


def _record_every_kind(db, home) -> dict[str, int]:
    mary, staff = home.residents["Mary Jones"], home.staff
    with db.write() as s:
        c = record_condition(s, staff["nina"], mary, "dementia")
        o = record_observation(s, staff["amy"], mary, "weight", "52.5", AT, now=AT)
        p = add_monitoring_plan(s, staff["nina"], mary, "lithium")
    with db.write() as s:  # the newest rows: nothing points at them
        return {
            "resident_condition": correct_condition(
                s, staff["nina"], c, "memory clinic", note="Alzheimer's"
            ),
            "resident_observation": correct_observation(
                s, staff["nina"], o, "52.0", AT, "re-weighed", now=AT
            ),
            "monitoring_plan": end_monitoring_plan(s, staff["nina"], p, "lithium stopped"),
        }


def test_the_audit_trail_vouches_for_the_records(home_db, home, capsys):
    _record_every_kind(home_db, home)
    code, out, _ = audit_verify(home_db, capsys)
    assert code == 0 and "match what was recorded" in out


@pytest.mark.parametrize(
    ("table", "sql"),
    [
        ("resident_condition", "UPDATE resident_condition SET condition = 'falls' WHERE id = {id}"),
        ("resident_observation", "UPDATE resident_observation SET value = 75 WHERE id = {id}"),
        ("monitoring_plan", "DELETE FROM monitoring_plan WHERE id = {id}"),
    ],
)
def test_a_record_changed_behind_emar_is_named(home_db, home, capsys, table, sql):
    ids = _record_every_kind(home_db, home)
    with tamperer(home_db) as conn:
        conn.execute(text(sql.format(id=ids[table])))
    code, _, err = audit_verify(home_db, capsys)
    verb = "deleted" if sql.startswith("DELETE") else "changed"
    assert code == 1 and f"{table} {ids[table]} was {verb}" in err
