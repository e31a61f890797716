"""Manage > Receipt check: after the order and a delivery booked in (one line in full, one short,
one with nothing come and its shelf empty), the nurse opens it by its action and sees the urgent
item first, in red, with the summary; stock booked in while it is open shows at once; she signs
(confirmed first, a note with it) and prints; the database read back says the same. A carer
does not get the action (offscreen, both backends)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from PySide6.QtGui import QKeySequence
from sqlalchemy import select

from emar.models import ChartLine, MedicineGtin
from emar.services.charts.ordering import OrderChange, order_view, record_order
from emar.services.charts.receipt import receipt_checks
from emar.services.charts.stock import balance, book_in, remove_stock
from emar.services.home import get_home, set_cycle_start
from emar.ui.manage.receipt_window import ReceiptQuestions, ReceiptWindow
from emar.ui.operations import STOCK
from tests.conftest import DEMO_NOW
from tests.support.homes import Home
from tests.support.round_window import open_window, sign_in

ORDERED_AT = DEMO_NOW - timedelta(hours=3)
ARRIVED = DEMO_NOW - timedelta(hours=1)


def _gtin(s, line_id: int) -> str:
    medicine = s.scalar(select(ChartLine.medicine_id).where(ChartLine.id == line_id))
    return s.scalar(select(MedicineGtin.gtin).where(MedicineGtin.medicine_id == medicine))


def _ordered_and_delivered(db) -> tuple[int, dict[str, int], int]:
    """The order (its id, the four lines followed here, how many lines it orders) and the
    delivery."""
    home = Home(db)
    nina = home.staff["nina"]
    lines = {
        "full": home.line("Mary Jones", "Atorvastatin"),
        "short": home.line("Mary Jones", "Amlodipine"),
        "missing": home.line("Edith Baker", "Furosemide"),
        "later": home.line("Margaret Clarke", "Sertraline"),
    }
    with db.write() as s:
        today = DEMO_NOW.astimezone(get_home(s).zone).date()
        set_cycle_start(s, home.staff["mark"], today + timedelta(days=2))
    changes = {
        line: OrderChange(quantity=Decimal(56), adjusted_reason="a full cycle")
        for line in lines.values()
    }
    with db.write() as s:
        order_id = record_order(s, nina, today + timedelta(days=2), ORDERED_AT, changes)
    with db.write() as s:
        book_in(s, nina, lines["full"], _gtin(s, lines["full"]), Decimal(56), ARRIVED)
        book_in(s, nina, lines["short"], _gtin(s, lines["short"]), Decimal(28), ARRIVED)
        held = balance(s, lines["missing"])
        remove_stock(s, nina, lines["missing"], held, ARRIVED, kind="wasted", reason="dropped")
    with db.read() as s:
        on_order = [x for x in order_view(s, nina, order_id).lines if x.ordered]
    assert {x.chart_line_id for x in on_order} >= set(lines.values())
    return order_id, lines, len(on_order)


class Answers:
    def __init__(self, tmp_path) -> None:
        self.confirmed: list[str] = []
        self.sure, self.note = True, "  pharmacy rang: furosemide on the 4 pm van  "
        self.tmp_path = tmp_path

    def questions(self) -> ReceiptQuestions:
        def confirm(_parent, text: str) -> bool:
            self.confirmed.append(text)
            return self.sure

        return ReceiptQuestions(
            confirm=confirm,
            ask_note=lambda _p: self.note,
            ask_pdf_path=lambda _p, suggested: self.tmp_path / suggested,
        )


def _open(qtbot, db, tmp_path, answers: Answers) -> ReceiptWindow:
    main = open_window(qtbot, db, tmp_path, lambda: DEMO_NOW)
    sign_in(qtbot, main, "nina")
    action = main.menus.receipt_action
    assert action.isEnabled() and action.shortcut() == QKeySequence("Ctrl+Shift+R")
    assert action.text() == "Receipt chec&k…"
    main.menus.receipt_questions = answers.questions()
    action.trigger()
    window = main.menus.windows["receipt"]
    assert isinstance(window, ReceiptWindow)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.receipt is not None and not window.tasks.busy, timeout=10_000)
    return window


def _row(window: ReceiptWindow, medicine: str) -> list[str]:
    for row in range(window.table.rowCount()):
        if window.table.item(row, 3).text().startswith(medicine):
            return [window.table.item(row, c).text() for c in range(window.table.columnCount())]
    raise AssertionError(f"{medicine} not shown")


def test_the_nurse_sees_what_to_chase_first_then_signs_and_prints(qtbot, demo_db, tmp_path):
    order_id, lines, n = _ordered_and_delivered(demo_db)
    answers = Answers(tmp_path)
    window = _open(qtbot, demo_db, tmp_path, answers)
    assert window.windowTitle() == "eMAR: receipt check"
    assert window.order.currentText().startswith(f"Order {order_id}: cycle starting")
    first = [window.table.item(0, c).text() for c in range(window.table.columnCount())]
    assert first[:4] == ["URGENT", "Edith Baker", first[2], "Furosemide 40 mg tablets"]
    assert first[6] == "missing" and "a dose is due within 24 hours" in first[7]
    assert window.table.item(0, 1).background().color().name() == "#ffd6d6"
    shown = [window.table.item(r, 6).text() for r in range(window.table.rowCount())]
    assert shown[-1] == "received"  # what is still to chase comes before what came in full
    assert _row(window, "Amlodipine")[4:7] == ["56 tablets", "28 tablets", "short by 28"]
    assert _row(window, "Atorvastatin")[4:7] == ["56 tablets", "56 tablets", "received"]
    assert _row(window, "Sertraline")[4:7] == ["56 tablets", "0 tablets", "missing"]
    assert window.summary.text() == (
        f"1 URGENT to chase now. {n} items: 1 received, 1 short, {n - 2} missing."
    )
    assert window.earlier.item(0).text() == "None signed yet."

    # the sertraline comes while the screen is open: booked in, the check follows
    nina = Home(demo_db).staff["nina"]
    with demo_db.write() as s:
        book_in(s, nina, lines["later"], _gtin(s, lines["later"]), Decimal(56), ARRIVED)
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        window.desk.changes.happened.emit(STOCK)
    assert _row(window, "Sertraline")[4:7] == ["56 tablets", "56 tablets", "received"]

    # not sure: nothing signed
    answers.sure = False
    window.sign_button.click()
    assert f"{n} items, 1 urgent" in answers.confirmed[-1]
    with demo_db.read() as s:
        assert receipt_checks(s, nina, order_id) == []

    answers.sure = True
    with qtbot.waitSignal(window.saved, timeout=10_000) as got:
        window.sign_button.click()
    with demo_db.read() as s:
        (check,) = receipt_checks(s, nina, order_id)
    assert got.args[0] == f"Receipt check {check.id} signed."
    assert check.checked_by == "Nina Patel"
    assert check.note == "pharmacy rang: furosemide on the 4 pm van"
    assert check.lines[0].outcome == "missing" and check.lines[0].urgent
    signed = f"Receipt check {check.id} signed by Nina Patel"
    qtbot.waitUntil(lambda: window.earlier.item(0).text().startswith(signed), timeout=10_000)

    with qtbot.waitSignal(window.saved, timeout=10_000) as got:
        window.print_button.click()
    (pdf,) = tmp_path.glob("receipt-check-order-*.pdf")
    assert got.args[0] == f"The receipt check is written to {pdf}."
    assert pdf.read_bytes().startswith(b"%PDF")
    before = pdf.read_bytes()
    with qtbot.waitSignal(window.failed, timeout=10_000) as got:  # never over a file
        window.print_button.click()
    assert "already exists" in got.args[0] and pdf.read_bytes() == before

    # the signed check, as it was recorded, printed from the list of signed checks
    assert not window.print_signed_button.isEnabled()
    window.earlier.setCurrentRow(0)
    assert window.print_signed_button.isEnabled()
    with qtbot.waitSignal(window.saved, timeout=10_000) as got:
        window.print_signed_button.click()
    signed_pdf = tmp_path / f"receipt-check-{check.id}.pdf"
    assert got.args[0] == f"The receipt check is written to {signed_pdf}."
    assert signed_pdf.read_bytes().startswith(b"%PDF")


def test_with_no_order_it_says_where_to_make_one(qtbot, demo_db, tmp_path):
    window = _open_empty(qtbot, demo_db, tmp_path)
    assert window.summary.text() == "No order is recorded yet: make it in Manage > Monthly order."
    assert not window.sign_button.isEnabled() and not window.print_button.isEnabled()


def _open_empty(qtbot, db, tmp_path) -> ReceiptWindow:
    main = open_window(qtbot, db, tmp_path, lambda: DEMO_NOW)
    sign_in(qtbot, main, "mark")
    window = main.menus.open_receipt()
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.summary.text() != "" and not window.tasks.busy, timeout=10_000)
    return window


def test_a_carer_does_not_get_the_receipt_check(qtbot, demo_db, tmp_path):
    main = open_window(qtbot, demo_db, tmp_path, lambda: DEMO_NOW)
    sign_in(qtbot, main, "amy")
    assert not main.menus.receipt_action.isEnabled()
    assert main.menus.open_receipt() is None
    assert "receipt" not in main.menus.windows


def test_the_round_reminds_the_nurse_to_order_and_the_reminder_opens_no_one(
    qtbot, demo_db, tmp_path
):
    with demo_db.write() as s:
        today = DEMO_NOW.astimezone(get_home(s).zone).date()
        set_cycle_start(s, Home(demo_db).staff["mark"], today + timedelta(days=10))
    start = today + timedelta(days=10)
    main = open_window(qtbot, demo_db, tmp_path, lambda: DEMO_NOW)
    sign_in(qtbot, main, "nina")
    model = main.work.round_list.alert_model
    found = [model.row(i) for i in range(model.rowCount()) if model.row(i).kind == "order"]
    assert [a.message for a in found] == [
        f"Order now: the cycle starts on {start.day} {start:%b} (in 10 days): "
        "Manage > Monthly order."
    ]
    row = [model.row(i).kind for i in range(model.rowCount())].index("order")
    chosen: list[int] = []
    main.work.round_list.resident_chosen.connect(chosen.append)
    main.work.round_list.alert_view.doubleClicked.emit(model.index(row, 0))
    assert chosen == []
