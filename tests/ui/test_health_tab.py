"""The Manage window's Health tab (offscreen, both backends): a condition added by choosing it,
an observation typed into the real dialog with key clicks, both saved as records."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from sqlalchemy import select

from emar.models import ResidentCondition, ResidentObservation
from emar.ui.manage.health_dialog import ObservationDialog
from tests.support.homes import Home
from tests.support.round_window import open_window, sign_in
from tests.ui.test_allergy_window import AT, choose, click
from tests.ui.test_manage_window import answers, manage


def typed_observation(qtbot, kind_label: str, value: str, note: str):
    def fill(parent, now, zone):
        dialog = ObservationDialog(parent, now, zone)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.kind.setCurrentIndex(dialog.kind.findText(kind_label))
        qtbot.keyClicks(dialog.value, value)
        qtbot.keyClicks(dialog.note, note)
        qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
        assert dialog.result() == ObservationDialog.DialogCode.Accepted
        return dialog.form()

    return fill


def test_a_nurse_adds_a_condition_and_an_egfr_result(qtbot, home_db, tmp_path):
    home = Home(home_db)
    window = open_window(qtbot, home_db, tmp_path, lambda: AT)
    sign_in(qtbot, window, "nina")
    m = manage(
        qtbot, window, ask=answers("chronic kidney disease"),
        ask_observation=typed_observation(qtbot, "eGFR (kidney function)", "38", "GP bloods"),
    )  # fmt: skip
    m.tabs.setCurrentWidget(m.health)
    choose(qtbot, m, m.health, "Mary Jones", home)
    with qtbot.waitSignal(m.saved, timeout=10_000) as saved:
        click(qtbot, m.health, "health_condition_add")
    assert saved.args == ["chronic kidney disease recorded."]
    qtbot.waitUntil(lambda: m.health.conditions.rowCount() == 1, timeout=10_000)
    assert m.health.conditions.item(0, 0).text() == "chronic kidney disease"
    with qtbot.waitSignal(m.saved, timeout=10_000) as saved:
        click(qtbot, m.health, "health_observation_add")
    assert saved.args == ["Recorded: eGFR (kidney function)."]
    qtbot.waitUntil(lambda: m.health.latest.rowCount() == 1, timeout=10_000)
    cells = [m.health.latest.item(0, c).text() for c in range(4)]
    assert cells == ["eGFR (kidney function)", "38 mL/min/1.73m2", "10/06/2026 08:30", "Nina Patel"]
    with home_db.read() as s:
        obs = s.scalars(select(ResidentObservation)).one()
        assert (obs.kind, obs.value, obs.note) == ("egfr", Decimal("38.00"), "GP bloods")
        assert s.scalars(select(ResidentCondition.condition)).all() == ["ckd"]
    m.close()
