"""Stock: booking in by scan, the balance falling as doses are given, counts and disposals."""

from datetime import UTC, date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from emar.errors import ValidationError
from emar.models import StockMovement
from emar.services.charts.stock import balance, book_in, carry_forward, count_stock, remove_stock
from emar.services.permissions import NotPermitted
from emar.services.round.recording import record_given
from tests.support.homes import Home, local

DAY = date(2026, 6, 10)


def movements(db):
    with db.read() as s:
        return s.scalar(select(func.count(StockMovement.id)))


def test_book_in_by_scan_and_see_the_balance_fall_as_doses_are_given(home_db):
    home = Home(home_db)
    line = home.line("Mary Jones", "Amlodipine")
    with home_db.write() as s:
        assert balance(s, line) == 56
        after = book_in(
            s,
            home.staff["ben"],
            line,
            home.gtins["Amlodipine"],
            Decimal(28),
            local(DAY, 7, 0),
            batch="L123",
            expiry=date(2027, 3, 31),
        )
    assert after == 84
    at = local(DAY, 8, 0)
    with home_db.write() as s:
        record_given(s, home.intent("Mary Jones", "Amlodipine", at), at)
    with home_db.read() as s:
        assert balance(s, line) == 83


@pytest.mark.parametrize(
    ("gtin_of", "quantity", "expiry", "message"),
    [
        ("Paracetamol", 28, None, "different medicine"),
        ("Amlodipine", 0, None, "more than zero"),
        ("Amlodipine", 28, date(2026, 1, 31), "expired"),
    ],
)
def test_bad_book_ins_are_refused(home_db, gtin_of, quantity, expiry, message):
    home = Home(home_db)
    before = movements(home_db)
    with pytest.raises(ValidationError, match=message), home_db.write() as s:
        book_in(
            s,
            home.staff["ben"],
            home.line("Mary Jones", "Amlodipine"),
            home.gtins[gtin_of],
            Decimal(quantity),
            local(DAY, 7, 0),
            expiry=expiry,
        )
    assert movements(home_db) == before


def test_a_pack_that_expired_yesterday_is_refused_just_after_local_midnight(home_db):
    """00:30 BST on 11 June is still 10 June in UTC (the app's clock): the home's day decides."""
    home = Home(home_db)
    args = (home.staff["ben"], home.line("Mary Jones", "Amlodipine"), home.gtins["Amlodipine"])
    with pytest.raises(ValidationError, match="expired"), home_db.write() as s:
        book_in(s, *args, Decimal(28), local(date(2026, 6, 11), 0, 30).astimezone(UTC), expiry=DAY)
    with home_db.write() as s:  # on its expiry day it may still be booked in
        book_in(s, *args, Decimal(28), local(DAY, 23, 30), expiry=DAY)


def test_unknown_barcode_and_carer_role_are_refused(home_db):
    home = Home(home_db)
    line = home.line("Mary Jones", "Amlodipine")
    with pytest.raises(ValidationError, match="not in the catalogue"), home_db.write() as s:
        book_in(s, home.staff["ben"], line, "5012345678900", Decimal(1), local(DAY, 7, 0))
    with pytest.raises(NotPermitted), home_db.write() as s:
        book_in(s, home.staff["amy"], line, home.gtins["Amlodipine"], Decimal(1), local(DAY, 7, 0))


def test_a_count_that_disagrees_needs_a_reason_and_below_zero_is_refused(home_db):
    home = Home(home_db)
    line = home.line("Mary Jones", "Amlodipine")
    with pytest.raises(ValidationError, match="below zero"), home_db.write() as s:
        count_stock(s, home.staff["ben"], line, Decimal(-1), local(DAY, 7, 0))
    with pytest.raises(ValidationError, match="discrepancy"), home_db.write() as s:
        count_stock(s, home.staff["ben"], line, Decimal(54), local(DAY, 7, 0))
    with home_db.write() as s:
        same = count_stock(s, home.staff["ben"], line, Decimal(56), local(DAY, 7, 0))
        result = carry_forward(
            s,
            home.staff["ben"],
            line,
            Decimal(54),
            local(DAY, 7, 5),
            "Two found on the floor and destroyed",
        )
    assert same.difference == 0 and result.difference == -2
    with home_db.read() as s:
        assert balance(s, line) == 54


def test_returns_and_disposals_need_a_listed_reason_and_stock_to_remove(home_db):
    home = Home(home_db)
    line = home.line("Mary Jones", "Amlodipine")
    with pytest.raises(ValidationError, match="Choose a reason"), home_db.write() as s:
        remove_stock(
            s,
            home.staff["ben"],
            line,
            Decimal(1),
            local(DAY, 9, 0),
            kind="wasted",
            reason="felt like it",
        )
    with pytest.raises(ValidationError, match="more than the recorded stock"), home_db.write() as s:
        remove_stock(
            s,
            home.staff["ben"],
            line,
            Decimal(100),
            local(DAY, 9, 0),
            kind="returned",
            reason="discontinued",
        )
    with home_db.write() as s:
        left = remove_stock(
            s,
            home.staff["ben"],
            line,
            Decimal(1),
            local(DAY, 9, 0),
            kind="wasted",
            reason="dropped",
        )
    assert left == 55


def test_a_stopped_line_still_holding_stock_is_listed_to_be_returned(home_db):
    from emar.domain.disposal import Reason
    from emar.services.charts.disposals import dispose
    from emar.services.charts.editing import stop_line
    from emar.services.charts.stock import stock_rows

    home = Home(home_db)
    nina, mary = home.staff["nina"], home.residents["Mary Jones"]
    amlodipine = home.line("Mary Jones", "Amlodipine")
    at = local(DAY, 9, 0)
    with home_db.write() as s:
        stop_line(s, nina, amlodipine, "GP stopped it", at)
    with home_db.read() as s:
        rows = {r.chart_line_id: r for r in stock_rows(s, mary, local(DAY, 10, 0))}
    held = rows[amlodipine]
    assert held.medicine.endswith("(stopped: return it)") and held.balance > 0
    with home_db.write() as s:  # returned from the list: then it leaves the list
        dispose(s, nina, amlodipine, held.balance, local(DAY, 10, 0), Reason.STOPPED)
    with home_db.read() as s:
        assert amlodipine not in {r.chart_line_id for r in stock_rows(s, mary, local(DAY, 11, 0))}
