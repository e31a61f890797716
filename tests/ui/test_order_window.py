"""Manage > Monthly order: the nurse opens it by its action, sees the reminder for a cycle 10 days
away, marks one line not required and changes another's quantity (bad answers refused with the
service's reason), records and prints; the database read back says the same. A carer does not
get the action (offscreen, both backends)."""

from __future__ import annotations

import csv
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from PySide6.QtGui import QKeySequence

from emar.services.charts.ordering import order_view, orders
from emar.services.home import get_home, set_cycle_start
from emar.services.staff.accounts import staff_id_by_username
from emar.ui.manage.order_window import OrderQuestions, OrderWindow
from tests.conftest import DEMO_NOW
from tests.support.round_window import open_window, sign_in


class Answers:
    """The nurse's answers, given in turn."""

    def __init__(self) -> None:
        self.reasons: list[str | None] = []
        self.quantities: list[tuple[Decimal, str] | None] = []
        self.again: list[bool] = []
        self.asked_again: list[str] = []
        self.folder: Path | None = None

    def _again(self, text: str) -> bool:
        self.asked_again.append(text)
        return self.again.pop(0)

    def questions(self, tmp_path) -> OrderQuestions:
        return OrderQuestions(
            ask_reason=lambda p, title, text: self.reasons.pop(0),
            ask_quantity=lambda p, text, current: self.quantities.pop(0),
            ask_pdf_path=lambda p, suggested: (self.folder or tmp_path) / suggested,
            confirm_again=lambda p, text: self._again(text),
        )


def _cycle_in_ten_days(db):
    with db.write() as s:
        today = DEMO_NOW.astimezone(get_home(s).zone).date()
        start = today + timedelta(days=10)
        set_cycle_start(s, staff_id_by_username(s, "mark"), start)
    return start


def _open(qtbot, db, tmp_path, answers: Answers) -> OrderWindow:
    main = open_window(qtbot, db, tmp_path, lambda: DEMO_NOW)
    sign_in(qtbot, main, "nina")
    action = main.menus.order_action
    assert action.isEnabled() and action.shortcut() == QKeySequence("Ctrl+Shift+O")
    assert action.text() == "Monthly &order…"
    main.menus.order_questions = answers.questions(tmp_path)
    action.trigger()
    window = main.menus.windows["order"]
    assert isinstance(window, OrderWindow)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.draft is not None and not window.tasks.busy, timeout=10_000)
    return window


def _click(qtbot, window: OrderWindow, row: int, button, signal="saved") -> str:
    window.table.selectRow(row)
    with qtbot.waitSignal(getattr(window, signal), timeout=10_000) as got:
        button.click()
    return got.args[0]


def test_the_nurse_checks_records_and_prints_the_order(qtbot, demo_db, tmp_path):
    start = _cycle_in_ten_days(demo_db)
    answers = Answers()
    window = _open(qtbot, demo_db, tmp_path, answers)
    assert window.windowTitle() == "eMAR: monthly order"
    assert window.chosen_start() == start  # the home's next cycle
    assert window.reminder.text() == (
        f"Order now: the cycle starts on {start.day} {start:%b} (in 10 days)"
    )
    draft = window.draft
    ordered = [i for i, x in enumerate(draft.lines) if x.ordered]
    dropped_row, changed_row = ordered[0], ordered[1]
    dropped, changed = draft.lines[dropped_row], draft.lines[changed_row]
    assert window.table.rowCount() == len(draft.lines)
    assert window.table.item(changed_row, 2).text() == changed.medicine

    # refused with the service's reason, nothing kept
    answers.quantities = [(Decimal(-5), "spare"), (Decimal(40), "  ")]
    why = _click(qtbot, window, changed_row, window.quantity_button, "failed")
    assert why.endswith("a quantity below zero.")
    why = _click(qtbot, window, changed_row, window.quantity_button, "failed")
    assert "give the reason for changing the quantity" in why
    answers.reasons = [""]
    why = _click(qtbot, window, dropped_row, window.not_required_button, "failed")
    assert "give the reason it is not required" in why
    assert window.changes == {}

    answers.reasons = ["stopped by the GP on Friday, letter awaited"]
    _click(qtbot, window, dropped_row, window.not_required_button)
    grey = window.table.item(dropped_row, 0).foreground().color().name()
    assert grey == "#8a8a8a"
    assert window.table.item(dropped_row, 8).text() == (
        "not required this cycle: stopped by the GP on Friday, letter awaited"
    )
    answers.quantities = [(Decimal(40), "going home for a week: extra for the leave")]
    _click(qtbot, window, changed_row, window.quantity_button)
    assert window.table.item(changed_row, 6).text() == "40"

    said = _click(qtbot, window, 0, window.record_button)
    found = re.match(r"Order (\d+) recorded: (\d+) lines? to order \((\d+) packs?\)", said)
    assert found, said
    order_id = int(found[1])
    pdf, csv_path = tmp_path / f"order-{start:%Y-%m-%d}.pdf", tmp_path / f"order-{start}.csv"
    assert pdf.read_bytes().startswith(b"%PDF") and csv_path.exists()
    with csv_path.open(newline="", encoding="utf-8") as f:
        assert len(list(csv.reader(f))) > 1

    with demo_db.read() as s:
        nina = staff_id_by_username(s, "nina")
        view = order_view(s, nina, order_id)
        (summary,) = orders(s, nina)
    assert (view.cycle_start, view.made_by) == (start, "Nina Patel")
    by_line = {x.chart_line_id: x for x in view.lines}
    assert by_line[dropped.chart_line_id].quantity == 0
    assert by_line[dropped.chart_line_id].not_required_reason == (
        "stopped by the GP on Friday, letter awaited"
    )
    assert by_line[changed.chart_line_id].quantity == 40
    assert by_line[changed.chart_line_id].adjusted_reason == (
        "going home for a week: extra for the leave"
    )
    on_order = [x for x in view.lines if x.ordered]
    assert (int(found[2]), int(found[3])) == (len(on_order), sum(x.packs for x in on_order))
    assert summary.id == order_id
    # recorded: the reminder goes
    qtbot.waitUntil(lambda: "is recorded" in window.reminder.text(), timeout=10_000)

    # the same cycle again: asked first (sent twice, delivered twice); no keeps it at one
    answers.folder = tmp_path / "again"
    answers.folder.mkdir()
    answers.again = [False]
    why = _click(qtbot, window, 0, window.record_button, "failed")
    assert f"Order {order_id} for the cycle starting" in answers.asked_again[0]
    assert "delivered twice" in why
    with demo_db.read() as s:
        assert len(orders(s, nina)) == 1
    answers.again = [True]
    said = _click(qtbot, window, 0, window.record_button)
    assert said.startswith(f"Order {order_id + 1} recorded")
    with demo_db.read() as s:
        assert len(orders(s, nina)) == 2


def test_an_existing_file_is_refused_before_anything_is_recorded(qtbot, demo_db, tmp_path):
    start = _cycle_in_ten_days(demo_db)
    (tmp_path / f"order-{start}.csv").write_text("someone else's\n")
    window = _open(qtbot, demo_db, tmp_path, Answers())
    why = _click(qtbot, window, 0, window.record_button, "failed")
    assert "already exists" in why
    with demo_db.read() as s:
        assert orders(s, staff_id_by_username(s, "nina")) == []


def test_a_carer_does_not_get_the_order(qtbot, demo_db, tmp_path):
    main = open_window(qtbot, demo_db, tmp_path, lambda: DEMO_NOW)
    sign_in(qtbot, main, "amy")
    assert not main.menus.order_action.isEnabled()
    assert main.menus.open_order() is None
    assert "order" not in main.menus.windows
