"""The disposal register: every reason, the way it goes, the CD witness, the D code's disposal
in the not-given entry's transaction, and returns batches (both backends)."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from emar.errors import ValidationError
from emar.models import Administration, AuditEvent, ReturnBatchItem, StockMovement
from emar.reports.cd_register_data import cd_register_data
from emar.reports.data import Scope
from emar.services.charts.disposals import (
    NOTHING_PENDING,
    disposal_question,
    disposal_register,
    dispose,
    make_return_batch,
    pending_returns,
    return_list,
)
from emar.services.charts.editing import stop_line
from emar.services.charts.stock import balance, remove_stock
from emar.services.home import set_cd_witness
from emar.services.permissions import NotPermitted
from emar.services.round.not_given import record_not_given
from emar.services.staff.signing import PinRefused, Signature
from tests.support.homes import Home, local

DAY = date(2026, 6, 10)
AT = local(DAY, 9, 0)


@pytest.fixture
def home(home_db):
    return Home(home_db)


def movements(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count(StockMovement.id))) or 0


@pytest.mark.parametrize(
    ("reason", "kind", "way"),
    [
        ("dropped or damaged", "wasted", "destroyed in the home"),
        ("refused and destroyed", "wasted", "destroyed in the home"),
        ("spoilt", "wasted", "destroyed in the home"),
        ("expired", "returned", "returned to pharmacy"),
        ("stopped (discontinued)", "returned", "returned to pharmacy"),
        ("resident left", "returned", "returned to pharmacy"),
        ("resident died", "returned", "returned to pharmacy"),
        ("end of cycle", "returned", "returned to pharmacy"),
    ],
)
def test_every_reason_is_recorded_its_way_and_listed_in_the_register(
    home_db, home, reason, kind, way
):
    line = home.line("Mary Jones", "Amlodipine")
    if reason == "stopped (discontinued)":  # a supply is returned as stopped once it is
        with home_db.write() as s:
            stop_line(s, home.staff["nina"], line, "GP stopped it", AT - timedelta(hours=2))
    with home_db.write() as s:
        done = dispose(s, home.staff["ben"], line, Decimal(3), AT, reason)
    assert (done.balance, done.way.value, done.witness) == (Decimal(53), way, None)
    with home_db.read() as s:
        moved = s.get(StockMovement, done.movement_id)
        assert (moved.kind, moved.quantity, moved.reason) == (kind, Decimal(-3), reason)
        rows = disposal_register(s, AT - timedelta(hours=1), AT + timedelta(hours=1))
        event = s.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == f"stock.{kind}")
        ).one()
    assert json.loads(event)["reason"] == reason
    (row,) = rows
    assert (row.resident, row.quantity, row.reason, row.way, row.who, row.batch_id) == (
        "Mary Jones", Decimal(3), reason, way, "Ben Osei", None
    )  # fmt: skip
    assert row.medicine.startswith("Amlodipine")


def test_bad_disposals_are_refused_and_change_nothing(home_db, home):
    line = home.line("Mary Jones", "Amlodipine")
    before = movements(home_db)
    for quantity, reason, message in [
        (Decimal(1), "felt like it", "Choose a reason"),
        (Decimal(0), "spoilt", "more than zero"),
        (Decimal(57), "expired", "more than the recorded stock"),
    ]:
        with pytest.raises(ValidationError, match=message), home_db.write() as s:
            dispose(s, home.staff["ben"], line, quantity, AT, reason)
    with pytest.raises(NotPermitted), home_db.write() as s:
        dispose(s, home.staff["amy"], line, Decimal(1), AT, "spoilt")  # a carer
    assert movements(home_db) == before


def test_cd_destruction_needs_a_witness(home_db, home):
    line = home.line("Arthur Price", "Oxycodone", prn=True)  # Schedule 2
    with home_db.read() as s:
        asked = disposal_question(s, line)
    assert asked.witness_needed and asked.cd_schedule == 2 and asked.balance == 500
    before = movements(home_db)
    nina = home.staff["nina"]
    with pytest.raises(ValidationError, match="witness must sign"), home_db.write() as s:
        dispose(s, nina, line, Decimal(5), AT, "spoilt")
    with pytest.raises(ValidationError, match="different member"), home_db.write() as s:
        dispose(s, nina, line, Decimal(5), AT, "spoilt", witness=home.sign("nina"))
    with pytest.raises(PinRefused), home_db.write() as s:
        dispose(s, nina, line, Decimal(5), AT, "spoilt", witness=Signature("ben", "0000"))
    with pytest.raises(PinRefused), home_db.write() as s:  # may not witness CDs
        dispose(s, nina, line, Decimal(5), AT, "spoilt", witness=home.sign("sam"))
    assert movements(home_db) == before
    with home_db.write() as s:
        done = dispose(s, nina, line, Decimal(5), AT, "spoilt", witness=home.sign("ben"))
    assert done.witness == "Ben Osei" and done.balance == 495
    with home_db.read() as s:
        assert s.get(StockMovement, done.movement_id).witness_id == home.staff["ben"]
        (row,) = disposal_register(s, AT, AT + timedelta(minutes=1))
        register = cd_register_data(s, Scope(AT, AT + timedelta(minutes=1)))
    assert row.witness == "Ben Osei"
    (entry,) = [e for page in register.pages for e in page.entries]  # in the CD register too
    assert (entry.kind, entry.witness) == ("wasted", "Ben Osei")


def test_the_old_stock_out_follows_the_rule_too(home_db, home):
    cd = home.line("Arthur Price", "Oxycodone", prn=True)
    with pytest.raises(ValidationError, match="witness must sign"), home_db.write() as s:
        remove_stock(s, home.staff["nina"], cd, Decimal(1), AT, kind="wasted", reason="dropped")
    line = home.line("Mary Jones", "Amlodipine")
    with pytest.raises(ValidationError, match="returned to pharmacy"), home_db.write() as s:
        remove_stock(s, home.staff["nina"], line, Decimal(1), AT, kind="wasted", reason="expired")


def test_the_home_policy_decides_for_schedule_5(home_db, home):
    line = home.line("Arthur Price", "Co-codamol", prn=True)  # Schedule 5
    with home_db.write() as s:
        dispose(s, home.staff["nina"], line, Decimal(1), AT, "spoilt")
        set_cd_witness(s, home.staff["mark"], 5, True)
    with pytest.raises(ValidationError, match="witness must sign"), home_db.write() as s:
        dispose(s, home.staff["nina"], line, Decimal(1), AT, "spoilt")


def _not_given_d(home, resident, medicine, **kw):
    return dict(
        resident_id=home.residents[resident],
        chart_line_id=home.line(resident, medicine, prn=kw.pop("prn", False)),
        staff_id=home.staff["amy"],
        code="D",
        note="Dropped on the floor",
        now=local(DAY, 8, 10),
        **kw,
    )


def test_code_d_records_its_disposal_in_the_same_transaction(home_db, home):
    args = _not_given_d(home, "Mary Jones", "Amlodipine", scheduled_at=local(DAY, 8, 0))
    with home_db.write() as s:
        done = record_not_given(s, **args)
    assert done.message.endswith("1 recorded destroyed.")
    with home_db.read() as s:
        moved = s.scalars(select(StockMovement).where(StockMovement.kind == "wasted")).one()
        assert moved.administration_id == done.administration_id
        assert (moved.quantity, moved.reason) == (Decimal(-1), "dropped or damaged")
        assert balance(s, args["chart_line_id"]) == 55


def test_code_d_on_a_cd_needs_the_witness_or_nothing_is_recorded(home_db, home):
    args = _not_given_d(home, "Arthur Price", "Oxycodone", prn=True)
    with pytest.raises(ValidationError, match="witness must sign"), home_db.write() as s:
        record_not_given(s, **args)
    with home_db.read() as s:  # the not-given entry went with it
        assert s.scalar(select(func.count(Administration.id))) == 0
    with home_db.write() as s:
        done = record_not_given(s, witness=home.sign("ben"), **args)
    with home_db.read() as s:
        moved = s.scalars(select(StockMovement).where(StockMovement.kind == "wasted")).one()
        assert moved.administration_id == done.administration_id
        assert moved.witness_id == home.staff["ben"]


def test_code_d_takes_what_stock_there_is_and_says_so(home_db, home):
    args = _not_given_d(home, "Mary Jones", "Amlodipine", scheduled_at=local(DAY, 8, 0))
    line = args["chart_line_id"]
    with home_db.write() as s:
        dispose(s, home.staff["ben"], line, Decimal(56), AT - timedelta(hours=3), "expired")
    with home_db.write() as s:
        done = record_not_given(s, **args)
    assert "No stock is recorded for it" in done.message
    assert movements_of(home_db, line, "wasted") == 0


def movements_of(db, line, kind):
    with db.read() as s:
        return s.scalar(
            select(func.count(StockMovement.id)).where(
                StockMovement.chart_line_id == line, StockMovement.kind == kind
            )
        )


def test_a_supply_is_not_returned_as_stopped_while_its_line_is_active(home_db, home):
    line = home.line("Mary Jones", "Amlodipine")
    before = movements(home_db)
    with pytest.raises(ValidationError, match="still active on the chart"), home_db.write() as s:
        dispose(s, home.staff["nina"], line, Decimal(56), AT, "stopped (discontinued)")
    assert movements(home_db) == before


def test_returns_go_in_exactly_one_batch(home_db, home):
    mary = home.line("Mary Jones", "Amlodipine")
    edith = home.line("Edith Baker", "Warfarin")
    with pytest.raises(ValidationError, match="Nothing is waiting"), home_db.write() as s:
        make_return_batch(s, home.staff["nina"], AT, "Boots, High Street")
    assert NOTHING_PENDING.startswith("Nothing is waiting")
    with home_db.write() as s:
        dispose(s, home.staff["nina"], mary, Decimal(20), AT, "end of cycle")
        dispose(s, home.staff["nina"], edith, Decimal(4), AT, "end of cycle")
        dispose(s, home.staff["nina"], edith, Decimal(1), AT, "spoilt")  # destroyed: not returned
    with home_db.read() as s:
        assert [r.resident for r in pending_returns(s)] == ["Mary Jones", "Edith Baker"]
    with home_db.write() as s:
        batch = make_return_batch(s, home.staff["nina"], AT, "Boots, High Street")
    assert [(r.resident, r.quantity, r.batch_id) for r in batch.items] == [
        ("Mary Jones", Decimal(20), batch.id),
        ("Edith Baker", Decimal(4), batch.id),
    ]
    assert batch.made_by == "Nina Patel" and batch.pharmacy == "Boots, High Street"
    with home_db.read() as s:
        assert pending_returns(s) == []
        assert return_list(s, batch.id).digest == batch.digest
    with pytest.raises(ValidationError, match="Nothing is waiting"), home_db.write() as s:
        make_return_batch(s, home.staff["nina"], AT, "Boots")
    first = batch.items[0].movement_id
    with pytest.raises(IntegrityError), home_db.write() as s:  # never in two batches
        s.add(ReturnBatchItem(return_batch_id=batch.id, stock_movement_id=first))
        s.flush()
    with pytest.raises(IntegrityError, match="append-only"), home_db.write() as s:
        s.execute(text("DELETE FROM return_batch_item"))
    with pytest.raises(NotPermitted), home_db.write() as s:
        make_return_batch(s, home.staff["amy"], AT, "Boots")
