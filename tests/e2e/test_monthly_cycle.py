"""The monthly cycle in the shipped app, by keyboard only (issue 18 parts 1-2): the nurse opens
Monthly order (the reminder says order now), marks one line not required with her reason,
records the order and prints it (a real PDF on disk); the pharmacy's delivery is booked in, one
line in full and one short; she opens Receipt check, sees the short line and the lines still
missing, and signs the check. Judged by the screen and the database.

With EMAR_SCREENSHOTS set, monthly-order.png and receipt-check.png are kept
(scripts/screenshots.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from emar.models import ChartLine, MedicineGtin
from emar.services.charts.ordering import draft_order, order_view, orders
from emar.services.charts.receipt import receipt_checks
from emar.services.charts.stock import book_in
from emar.services.home import get_home, set_cycle_start
from tests.support.desktop import wait_for

REASON = "stopped by the GP"


def test_the_nurse_orders_and_checks_the_delivery(desk, tmp_path):
    data, keys, screen, app = desk.data, desk.keys, desk.screen, desk.app
    nina = data.home.staff["nina"]
    with data.db.write() as s:
        today = datetime.now(UTC).astimezone(get_home(s).zone).date()
        start = today + timedelta(days=10)
        set_cycle_start(s, data.home.staff["mark"], start)
    with data.db.read() as s:  # the first line the draft orders (the demo's stock covers some)
        draft = draft_order(s, nina, start, datetime.now(UTC))
    first = next(i for i, x in enumerate(draft.lines) if x.ordered)
    desk.sign_in("nina", "Nina Patel")

    # --- the monthly order ------------------------------------------------------------------
    keys.key("ctrl+shift+o")
    window = app.window("eMAR: monthly order")
    app.focus(window)
    screen.wait_text("Order now: the cycle starts on", "in 10 days", "Record the order")
    # Tab through the date's day, month and year to the lines, then down to the first ordered
    keys.key("Tab", "Tab", "Tab", *["Down"] * first)
    keys.key("alt+n")
    dialog = app.window("^Not required this cycle$")
    app.focus(dialog)
    keys.type(REASON)  # at a person's speed: a faster burst is a scanner's
    keys.key("Return")
    app.focus(window)
    screen.wait_text("not required this cycle (not saved yet)")
    desk.keep("monthly-order.png", window)
    keys.key("alt+r")
    save = app.window("^Save the order list$")
    app.focus(save)
    keys.key("Return")  # the name offered, in the app's folder
    pdf = tmp_path / "pc" / f"order-{start:%Y-%m-%d}.pdf"
    app.focus(window)
    screen.wait_text("recorded", "lines to order", "written to")
    wait_for(lambda: pdf.exists() and pdf.stat().st_size > 0, 10, "the order list")
    assert pdf.read_bytes().startswith(b"%PDF")
    with data.db.read() as s:
        summary = orders(s, nina)[0]  # the newest (the demo has its own order, an earlier one)
        view = order_view(s, nina, summary.id)
    assert summary.cycle_start == start
    (dropped,) = [x for x in view.lines if x.not_required_reason]
    assert dropped.not_required_reason == REASON and dropped.quantity == 0
    keys.key("ctrl+w")

    # --- the delivery, booked in (as the stock tab's scan does) --------------------------------
    on_order = [x for x in view.lines if x.ordered]
    full, short = on_order[0], on_order[1]
    with data.db.write() as s:
        for line, quantity in ((full, full.quantity), (short, short.quantity - 7)):
            line_id = line.chart_line_id
            medicine = s.scalar(select(ChartLine.medicine_id).where(ChartLine.id == line_id))
            gtin = s.scalar(select(MedicineGtin.gtin).where(MedicineGtin.medicine_id == medicine))
            book_in(s, nina, line_id, gtin, quantity, datetime.now(UTC))

    # --- the receipt check ----------------------------------------------------------------
    desk.focus()
    keys.key("ctrl+shift+r")
    check = app.window("eMAR: receipt check")
    app.focus(check)
    screen.wait_text("short by 7", "7 short of the", "missing", "None signed yet")
    desk.keep("receipt-check.png", check)
    keys.key("alt+s")
    sure = app.window("^Sign the receipt check$")
    app.focus(sure)
    screen.wait_text("cannot be changed")
    keys.key("Return")  # Yes

    def the_note() -> str | None:  # the confirmation gone, the note's dialog (same title)
        found = app.window("^Sign the receipt check$")
        return found if found != sure else None

    note = wait_for(the_note, 10, "the note")
    app.focus(note)
    keys.type("rang pharmacy")
    keys.key("Return")
    app.focus(check)

    def checks() -> list:  # a fresh read each time: one read keeps its snapshot
        with data.db.read() as s:
            return receipt_checks(s, nina, summary.id)

    (signed,) = wait_for(checks, 10, "the signed check")
    screen.wait_text(f"Receipt check {signed.id} signed", "signed by Nina Patel")
    assert (signed.checked_by, signed.note) == ("Nina Patel", "rang pharmacy")
    outcomes = {x.chart_line_id: x.outcome for x in signed.lines}
    assert outcomes[full.chart_line_id] == "received"
    assert outcomes[short.chart_line_id] == "short"
    assert "missing" in outcomes.values()
    assert dropped.chart_line_id not in outcomes
