"""The monthly order on the round's alerts (both backends): the reminder to order for a nurse or
a manager (never a carer), late in the last week, gone once the order is recorded; an urgent
missing item of the unsigned receipt check, gone once the check is signed."""

from datetime import date, timedelta
from decimal import Decimal

from emar.services.charts.ordering import OrderChange, record_order
from emar.services.charts.receipt import sign_receipt_check
from emar.services.charts.stock import balance, remove_stock
from emar.services.home import set_cycle_start
from emar.services.round.alerts import alerts
from tests.support.homes import Home, local

NOW = local(date(2026, 6, 3), 10)  # Wednesday 3 June, the home's time


def _set_cycle(db, home: Home, start: date) -> None:
    with db.write() as s:
        set_cycle_start(s, home.staff["mark"], start)


def _order_alerts(db, staff_id, now=NOW):
    with db.read() as s:
        return [a for a in alerts(s, now, staff_id=staff_id) if a.kind in ("order", "receipt")]


def test_the_reminder_to_order_is_for_whoever_may_order(home_db):
    home = Home(home_db)
    _set_cycle(home_db, home, date(2026, 6, 13))
    for who in ("nina", "mark"):
        (reminder,) = _order_alerts(home_db, home.staff[who])
        assert reminder.message == (
            "Order now: the cycle starts on 13 Jun (in 10 days): Manage > Monthly order."
        )
        assert (reminder.resident_id, reminder.resident, reminder.room) == (None, "", "")
    assert _order_alerts(home_db, home.staff["amy"]) == []  # a carer does not order
    assert _order_alerts(home_db, None) == []
    with home_db.read() as s:  # last of all: the home's, after every resident's
        assert alerts(s, NOW, staff_id=home.staff["nina"])[-1].kind == "order"


def test_late_in_the_last_week_and_gone_once_ordered(home_db):
    home = Home(home_db)
    _set_cycle(home_db, home, date(2026, 6, 8))
    (reminder,) = _order_alerts(home_db, home.staff["nina"])
    assert reminder.message == (
        "The order is late: the cycle starts on 8 Jun (in 5 days): Manage > Monthly order."
    )
    with home_db.write() as s:
        record_order(s, home.staff["nina"], date(2026, 6, 8), NOW - timedelta(hours=1), {})
    assert [a for a in _order_alerts(home_db, home.staff["nina"]) if a.kind == "order"] == []


def test_an_urgent_missing_item_until_the_check_is_signed(home_db):
    home = Home(home_db)
    nina = home.staff["nina"]
    _set_cycle(home_db, home, date(2026, 6, 8))
    furosemide = home.line("Edith Baker", "Furosemide")
    change = {furosemide: OrderChange(quantity=Decimal(56), adjusted_reason="a full cycle")}
    with home_db.write() as s:
        order_id = record_order(s, nina, date(2026, 6, 8), NOW - timedelta(hours=2), change)
    # nothing delivered, but her shelf still covers the next dose: not urgent
    assert _order_alerts(home_db, nina) == []
    with home_db.write() as s:
        held = balance(s, furosemide)
        remove_stock(s, nina, furosemide, held, NOW - timedelta(hours=1), kind="wasted",
                     reason="dropped")  # fmt: skip
    (urgent,) = _order_alerts(home_db, nina)
    assert urgent.kind == "receipt"
    assert (urgent.resident_id, urgent.resident) == (home.residents["Edith Baker"], "Edith Baker")
    assert urgent.message == (
        "Furosemide 40 mg tablets not delivered: none of the 56 ordered booked in; a dose is due "
        "within 24 hours and none in hand covers it. Chase the pharmacy; sign the check in "
        "Manage > Receipt check."
    )
    assert _order_alerts(home_db, home.staff["amy"]) == []
    # more than a week into the cycle the check is no longer chased on the round
    assert _order_alerts(home_db, nina, local(date(2026, 6, 16), 10)) == []
    with home_db.write() as s:
        sign_receipt_check(s, nina, order_id, NOW)
    assert _order_alerts(home_db, nina) == []
