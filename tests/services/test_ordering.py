"""The monthly order on the demo home (both backends): stock carried forward is taken off, a
stopped line is listed but not ordered, PRN lines are ordered from their generated MAR use,
whole packs; the nurse's changes need reasons; recorded once, read back, never rewritten, and
vouched for by the audit trail; a carer cannot order."""

import math
from datetime import UTC, date, datetime
from decimal import ROUND_CEILING, Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from emar.demo.history import generate_history
from emar.errors import ValidationError
from emar.models import Administration, ChartLine
from emar.services.charts.editing import stop_line
from emar.services.charts.ordering import (
    OrderChange,
    draft_order,
    next_cycle,
    order_view,
    orders,
    record_order,
)
from emar.services.charts.stock import carry_forward
from emar.services.home import set_cycle_start
from emar.services.permissions import NotPermitted
from tests.services.test_audit_verify import verify
from tests.support.homes import Home, local

NOW = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)
CYCLE = date(2026, 6, 15)  # 28 days after the demo charts started


@pytest.fixture
def ordering(home_db):
    home = Home(home_db)
    nina = home.staff["nina"]
    with home_db.write() as s:
        generate_history(s, start=local(date(2026, 5, 18), 0), end=NOW, seed=7)
    with home_db.write() as s:
        carry_forward(s, nina, home.line("Mary Jones", "Amlodipine"), Decimal(30), NOW, "counted")
        stop_line(s, nina, home.line("Edith Baker", "Furosemide"), "GP stopped it", NOW)
    return home


def _line(draft, line_id):
    (found,) = [x for x in draft.lines if x.chart_line_id == line_id]
    return found


def test_the_draft_takes_off_stock_rounds_to_packs_and_lists_a_stopped_line(home_db, ordering):
    home = ordering
    amlodipine = home.line("Mary Jones", "Amlodipine")
    with home_db.read() as s:
        draft = draft_order(s, home.staff["nina"], CYCLE, NOW)
        chart = s.get(ChartLine, amlodipine)
        per_day = len(chart.times_of_day.split(",")) * chart.dose_max
        times = chart.times_of_day
    line = _line(draft, amlodipine)
    assert line.needed == 28 * per_day
    # drafted on Mon 1 Jun at 15:00 BST for 15 Jun: the daily 08:00 dose on 2..14 Jun (13 of
    # them) comes out of the 30 counted before the cycle starts, leaving 17 carried forward
    assert times == "08:00" and per_day == 1
    assert line.in_stock == 17
    assert line.quantity == line.needed - 17
    assert line.pack_size == 28 and line.packs == math.ceil(line.quantity / 28)
    assert "30 in stock now, 13 to be used before the cycle starts: 17 carried" in line.note
    assert line.ordered
    stopped = _line(draft, home.line("Edith Baker", "Furosemide"))
    assert (stopped.status, stopped.quantity, stopped.packs) == ("stopped", 0, 0)
    assert stopped.note == "not ordered: the line is stopped" and not stopped.ordered
    keys = [(x.gp_practice, x.room, x.resident, x.medicine.lower()) for x in draft.lines]
    assert keys == sorted(keys)
    assert set(draft.by_practice) == {"Riverside Medical Centre"}


def test_prn_lines_are_ordered_from_the_last_cycles_use(home_db, ordering):
    home = ordering
    prn_ids = [line_id for (_r, _m, prn), line_id in home.lines.items() if prn]
    window = (local(date(2026, 5, 18), 0), local(CYCLE, 0))
    with home_db.read() as s:
        draft = draft_order(s, home.staff["nina"], CYCLE, NOW)
        used = {}
        for line_id in prn_ids:
            replaced = select(Administration.supersedes_id).where(
                Administration.supersedes_id.is_not(None)
            )
            doses = s.scalars(
                select(Administration.dose_given).where(
                    Administration.chart_line_id == line_id,
                    Administration.outcome == "given",
                    Administration.administered_at >= window[0],
                    Administration.administered_at < window[1],
                    Administration.id.not_in(replaced),
                )
            ).all()
            used[line_id] = sum(doses, Decimal(0))
    assert any(used.values()), "the generated MAR gave some PRN doses"
    # the cycle from 18 May is still running on 1 Jun 14:00 UTC: 14 days and 15 hours of it
    # (from 17 May 23:00 UTC) have passed, so its use so far counts as use x 28 / 14.625
    assert (NOW - window[0]).total_seconds() == (14 * 24 + 15) * 3600
    for line_id in prn_ids:
        line = _line(draft, line_id)
        scaled = (used[line_id] * 28 / Decimal("14.625")).to_integral_value(ROUND_CEILING)
        assert line.needed == scaled, line.note
        assert f"the average of the last 1 cycle ({scaled})" in line.note


def test_an_order_is_recorded_with_the_nurses_changes_and_read_back(home_db, ordering):
    home = ordering
    nina = home.staff["nina"]
    amlodipine = home.line("Mary Jones", "Amlodipine")
    furosemide = home.line("Edith Baker", "Furosemide")
    paracetamol = next(i for (_r, m, prn), i in home.lines.items() if prn and m == "Paracetamol")
    changes = {
        amlodipine: OrderChange(quantity=Decimal(30), adjusted_reason="going on holiday"),
        paracetamol: OrderChange(not_required_reason="plenty left from last month"),
    }
    with home_db.write() as s:
        order_id = record_order(s, nina, CYCLE, NOW, changes)
    with home_db.read() as s:
        view = order_view(s, nina, order_id)
        listed = orders(s, nina)
        draft = draft_order(s, nina, CYCLE, NOW)
    assert (view.id, view.cycle_start, view.made_by) == (order_id, CYCLE, "Nina Patel")
    assert len(view.lines) == len(draft.lines)
    changed = _line(view, amlodipine)
    assert (changed.quantity, changed.packs, changed.adjusted_reason) == (
        30,
        2,
        "going on holiday",
    )
    dropped = _line(view, paracetamol)
    assert (dropped.quantity, dropped.packs) == (0, 0)
    assert dropped.not_required_reason == "plenty left from last month"
    assert _line(view, furosemide).quantity == 0
    kept = [x for x in draft.lines if x.chart_line_id not in (amlodipine, paracetamol)]
    assert [(x.quantity, x.packs, x.note) for x in kept] == [
        (x.quantity, x.packs, x.note)
        for x in view.lines
        if x.chart_line_id not in (amlodipine, paracetamol)
    ]
    (summary,) = listed
    assert summary.id == order_id and summary.lines == len(view.lines)
    assert summary.packs == sum(x.packs for x in view.lines)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (OrderChange(quantity=Decimal(20)), "give the reason for changing the quantity"),
        (OrderChange(quantity=Decimal(-1), adjusted_reason="x"), "below zero"),
        (OrderChange(), "give the reason it is not required"),
        (OrderChange(not_required_reason="no", quantity=Decimal(1)), "either not required"),
    ],
)
def test_a_change_needs_its_reason_and_saves_nothing_when_refused(
    home_db, ordering, change, message
):
    line = ordering.line("Mary Jones", "Amlodipine")
    with pytest.raises(ValidationError, match=message), home_db.write() as s:
        record_order(s, ordering.staff["nina"], CYCLE, NOW, {line: change})
    with home_db.read() as s:
        assert orders(s, ordering.staff["nina"]) == []


def test_a_carer_cannot_draft_or_record_an_order(home_db, ordering):
    amy = ordering.staff["amy"]
    with pytest.raises(NotPermitted), home_db.read() as s:
        draft_order(s, amy, CYCLE, NOW)
    with pytest.raises(NotPermitted), home_db.write() as s:
        record_order(s, amy, CYCLE, NOW, {})


def test_a_recorded_order_cannot_be_rewritten_and_the_audit_vouches_for_it(
    home_db, ordering, capsys
):
    with home_db.write() as s:
        order_id = record_order(s, ordering.staff["nina"], CYCLE, NOW, {})
    for sql in (
        f"UPDATE medicine_order_line SET quantity = 999 WHERE order_id = {order_id}",
        f"UPDATE medicine_order SET cycle_start = '2026-07-01' WHERE id = {order_id}",
    ):
        with pytest.raises(IntegrityError, match="append-only"), home_db.write() as s:
            s.execute(text(sql))
    code, out, _ = verify(home_db, capsys)
    assert code == 0 and "match what was recorded" in out
    from tests.services.test_audit_verify import tamperer

    with tamperer(home_db) as conn:
        conn.exec_driver_sql(
            f"UPDATE medicine_order_line SET quantity = 999 WHERE id = "
            f"(SELECT min(id) FROM medicine_order_line WHERE order_id = {order_id})"
        )
    code, out, err = verify(home_db, capsys)
    assert code != 0 and "medicine_order_line" in out + err


def test_the_next_cycle_says_order_now_until_its_order_is_recorded(home_db, ordering):
    nina = ordering.staff["nina"]
    with home_db.write() as s:
        set_cycle_start(s, ordering.staff["mark"], date(2026, 5, 18))  # next: 15 June
    at = datetime(2026, 6, 5, 9, 0, tzinfo=UTC)  # 10 days before
    with home_db.read() as s:
        due = next_cycle(s, at)
    assert (due.cycle_start, due.ordered) == (CYCLE, False)
    assert due.reminder == "Order now: the cycle starts on 15 Jun (in 10 days)"
    with home_db.write() as s:
        record_order(s, nina, CYCLE, at)
    with home_db.read() as s:
        due = next_cycle(s, at)
    assert (due.cycle_start, due.ordered, due.reminder) == (CYCLE, True, None)
