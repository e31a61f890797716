"""Allergies in the Manage window (offscreen, both backends): added through the dialog by key
clicks, resolved with a reason, and the red stop on the transcription form before saving."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from sqlalchemy import select

from emar.models import Allergy, ChartLine
from emar.ui.manage.allergy_dialog import AllergyDialog
from tests.support.homes import Home, local
from tests.support.round_window import open_window, sign_in
from tests.ui.test_manage_window import answers, manage

DAY = date(2026, 6, 10)
AT = local(DAY, 8, 30)
MARY_STOP = "ALLERGY: Mary Jones is allergic to Penicillin (rash): amoxicillin is a penicillin."


def typed_allergy(qtbot, substance: str, reaction: str, pick: str | None = None):
    """The real dialog, filled in with key clicks (and a click on a suggestion)."""

    def fill(parent, current):
        dialog = AllergyDialog(parent, current)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.keyClicks(dialog.substance, substance)
        if pick is not None:
            items = [dialog.suggestions.item(i) for i in range(dialog.suggestions.count())]
            item = next(i for i in items if i.text() == pick)
            rect = dialog.suggestions.visualItemRect(item)
            qtbot.mouseClick(
                dialog.suggestions.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
            )
        qtbot.keyClicks(dialog.reaction, reaction)
        dialog.severity.setCurrentText("moderate")
        shown = dialog.coding.text()
        qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
        assert dialog.result() == AllergyDialog.DialogCode.Accepted
        fill.coding = shown
        return dialog.form()

    return fill


def click(qtbot, tab, name: str) -> None:
    qtbot.mouseClick(tab.findChild(QPushButton, name), Qt.MouseButton.LeftButton)


def choose(qtbot, m, tab, name: str, home: Home) -> None:
    rid = home.residents[name]
    qtbot.waitUntil(lambda: tab.resident.findData(rid) >= 0, timeout=10_000)
    tab.resident.setCurrentIndex(tab.resident.findData(rid))


def allergies_of(qtbot, home_db, tmp_path, user: str, resident: str, **questions):
    """The Manage window's allergies tab, signed in as `user`, on `resident` (one allergy)."""
    window = open_window(qtbot, home_db, tmp_path, lambda: AT)
    sign_in(qtbot, window, user)
    m = manage(qtbot, window, **questions)
    m.tabs.setCurrentWidget(m.allergies)
    choose(qtbot, m, m.allergies, resident, Home(home_db))
    qtbot.waitUntil(lambda: m.allergies.table.rowCount() == 1, timeout=10_000)
    return m


def test_a_carer_adds_an_allergy_through_the_dialog(qtbot, home_db, tmp_path):
    home = Home(home_db)
    penicillins = typed_allergy(
        qtbot, "penicil", "hives", pick="Penicillins   (group of medicines)"
    )
    m = allergies_of(qtbot, home_db, tmp_path, "amy", "Winifred Hall", ask_allergy=penicillins)
    with qtbot.waitSignal(m.saved, timeout=10_000) as saved:
        click(qtbot, m.allergies, "allergy_add")
    assert saved.args == ["Penicillins recorded for Winifred Hall."]
    assert penicillins.coding == "Known to eMAR: matched through ingredients and groups."
    qtbot.waitUntil(lambda: m.allergies.table.rowCount() == 2, timeout=10_000)
    cells = [[m.allergies.table.item(r, c).text() for c in (0, 1, 2, 3, 5)] for r in range(2)]
    assert cells == [
        ["Codeine", "vomiting", "", "Nina Patel", "through its ingredients/group"],
        ["Penicillins", "hives", "moderate", "Amy Carter", "through its ingredients/group"],
    ]
    assert m.allergies.summary.text() == ("ALLERGIES: Codeine (vomiting), Penicillins (hives)")
    with home_db.read() as s:
        row = s.scalars(select(Allergy).order_by(Allergy.id.desc()).limit(1)).one()
        assert (row.code_kind, row.code, row.severity, row.recorded_by_id) == (
            "class", "penicillins", "moderate", home.staff["amy"],
        )  # fmt: skip
    m.close()


def test_text_the_reference_does_not_know_is_marked_not_coded(qtbot, home_db, tmp_path):
    kiwi = typed_allergy(qtbot, "Kiwi fruit", "swollen lips")
    m = allergies_of(qtbot, home_db, tmp_path, "amy", "Winifred Hall", ask_allergy=kiwi)
    with qtbot.waitSignal(m.saved, timeout=10_000) as saved:
        click(qtbot, m.allergies, "allergy_add")
    assert saved.args == [
        "Kiwi fruit recorded for Winifred Hall. (not coded: matched by name only)"
    ]
    assert kiwi.coding == "Not in eMAR's list: kept as typed (not coded: matched by name only)."
    qtbot.waitUntil(lambda: m.allergies.table.rowCount() == 2, timeout=10_000)
    assert m.allergies.table.item(1, 5).text() == "by name only: NOT CODED"
    m.close()


def test_a_senior_resolves_an_allergy_with_a_reason_and_the_history_keeps_it(
    qtbot, home_db, tmp_path
):
    why = answers("Negative penicillin allergy test, hospital letter")
    m = allergies_of(qtbot, home_db, tmp_path, "ben", "Mary Jones", ask=why)
    m.allergies.table.selectRow(0)
    with qtbot.waitSignal(m.saved, timeout=10_000) as saved:
        click(qtbot, m.allergies, "allergy_resolve")
    assert saved.args == ["Penicillin resolved (the record is kept)."]
    qtbot.waitUntil(lambda: m.allergies.table.rowCount() == 0, timeout=10_000)
    assert m.allergies.summary.text() == "Allergies not recorded"
    history = [
        [m.allergies.history.item(r, c).text() for c in (0, 1, 2, 4)]
        for r in range(m.allergies.history.rowCount())
    ]
    assert history == [
        ["Penicillin (rash)", "active", "Nina Patel", ""],
        [
            "Penicillin (rash)",
            "resolved",
            "Ben Osei",
            "Negative penicillin allergy test, hospital letter",
        ],
    ]
    m.close()


def test_the_transcription_form_shows_the_allergy_stop_and_the_checker_confirms_it(
    qtbot, home_db, tmp_path
):
    home = Home(home_db)
    mary = home.residents["Mary Jones"]
    window = open_window(qtbot, home_db, tmp_path, lambda: AT)
    sign_in(qtbot, window, "nina")
    reasons = ["", "Dr Okafor confirmed: the rash was not an allergy"]
    m = manage(qtbot, window, ask=lambda parent, title, question, choices=None: reasons.pop(0))
    choose(qtbot, m, m.chart, "Mary Jones", home)
    qtbot.waitUntil(lambda: m.chart.lines.rowCount() > 0, timeout=10_000)
    lines = m.chart.lines.rowCount()
    qtbot.keyClicks(m.chart.search, "amoxi")
    m.tabs.setCurrentWidget(m.chart)
    qtbot.waitUntil(lambda: not m.chart.allergy_alert.isHidden(), timeout=10_000)
    assert m.chart.allergy_alert.text() == MARY_STOP
    assert m.chart.allergy_alert.property("state") == "stop"
    m.chart.prescriber.setText("Dr Okafor")
    m.chart.source.setText("GP letter")
    m.chart.add_line()  # asked why; no answer: nothing written
    with home_db.read() as s:
        assert (
            len(s.scalars(select(ChartLine.id).where(ChartLine.resident_id == mary)).all()) == lines
        )
    assert reasons == ["Dr Okafor confirmed: the rash was not an allergy"]
    with qtbot.waitSignal(m.saved, timeout=10_000) as saved:
        m.chart.add_line()
    assert saved.args == ["Line added: it is pending until a second person checks it. " + MARY_STOP]
    qtbot.waitUntil(lambda: m.chart.lines.rowCount() == lines + 1, timeout=10_000)
    seen: list[list[str]] = []

    def confirm(parent, title, warnings):
        seen.append(warnings)
        return True

    m2 = manage(qtbot, window, ask_checker=lambda parent: ("ben", "3917"), confirm_allergy=confirm)
    choose(qtbot, m2, m2.chart, "Mary Jones", home)
    qtbot.waitUntil(lambda: m2.chart.lines.rowCount() == lines + 1, timeout=10_000)
    pending = next(
        r for r in range(m2.chart.lines.rowCount()) if m2.chart.lines.row(r).status == "pending"
    )
    m2.chart.lines_view.selectRow(pending)
    with qtbot.waitSignal(m2.saved, timeout=10_000):
        m2.chart.check_selected()
    assert seen == [[MARY_STOP]]
    with home_db.read() as s:
        amoxicillin = s.scalars(
            select(ChartLine).where(ChartLine.resident_id == mary).order_by(ChartLine.id.desc())
        ).first()
        assert amoxicillin is not None and len(amoxicillin.events) == 1
    m2.close()
    m.close()
