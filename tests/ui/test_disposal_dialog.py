"""The stock-out dialog: the way shown from the rule as the reason changes; the witness fields
only for a controlled drug that needs one, and it will not save without them."""

from decimal import Decimal

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from emar.services.charts.disposals import DisposalQuestion
from emar.ui.manage.disposal_dialog import DisposalDialog

CD = DisposalQuestion(7, "Oxycodone 5 mg/5 ml oral solution", Decimal(500), 2, True, "ml")
PLAIN = DisposalQuestion(3, "Amlodipine 5 mg tablets", Decimal(56), None, False, "tablet")
PATCH = DisposalQuestion(9, "Fentanyl 12 micrograms/hour patch", Decimal(4), 2, True, "patch")


def _dialog(qtbot, question):
    dialog = DisposalDialog(None, question)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _save(dialog):
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()


def test_a_plain_medicine_asks_no_witness_and_shows_the_way(qtbot):
    dialog = _dialog(qtbot, PLAIN)
    assert not dialog.witness.isVisible() and not dialog.witness_pin.isVisible()
    assert "56 tablets in stock" in dialog.heading.text()
    assert dialog.reason.currentIndex() == -1  # chosen by her, never a default
    assert dialog.way.text().startswith("The reason says whether")
    dialog.reason.setCurrentText("dropped or damaged")
    assert dialog.way.text().startswith("Destroyed in the home: into the pharmaceutical")
    dialog.reason.setCurrentText("end of cycle")
    assert dialog.way.text().startswith("Returned to the pharmacy")
    _save(dialog)
    assert dialog.problem.text().startswith("Type how many") and dialog.isVisible()
    dialog.quantity.setText("57")
    _save(dialog)
    assert "more than the recorded stock" in dialog.problem.text() and dialog.isVisible()
    dialog.quantity.setText("28")
    _save(dialog)
    assert dialog.result() == DisposalDialog.DialogCode.Accepted
    form = dialog.form()
    assert (form.quantity, form.reason, form.witness) == (Decimal(28), "end of cycle", None)


@pytest.mark.parametrize("typed", ["", "ben"])
def test_a_cd_needs_the_witness_username_and_pin(qtbot, typed):
    dialog = _dialog(qtbot, CD)
    assert dialog.witness.isVisible() and dialog.witness_pin.isVisible()
    dialog.reason.setCurrentText("spoilt")
    assert "denaturing kit" in dialog.way.text() and "Schedule 2" in dialog.way.text()
    dialog.quantity.setText("5")
    dialog.witness.setText(typed)
    _save(dialog)
    assert "witness types their username and PIN" in dialog.problem.text()
    assert dialog.isVisible()


def test_no_reason_or_half_a_patch_is_refused_in_the_dialog(qtbot):
    dialog = _dialog(qtbot, PATCH)
    dialog.witness.setText("ben")
    dialog.witness_pin.setText("3917")
    dialog.quantity.setText("0.5")
    _save(dialog)
    assert "disposed of whole" in dialog.problem.text() and dialog.isVisible()
    dialog.quantity.setText("1")
    _save(dialog)
    assert dialog.problem.text() == "Choose the reason." and dialog.isVisible()


def test_a_cd_with_its_witness_saves(qtbot):
    dialog = _dialog(qtbot, CD)
    dialog.reason.setCurrentText("dropped or damaged")
    dialog.quantity.setText("5")
    dialog.witness.setText("ben")
    dialog.witness_pin.setText("3917")
    _save(dialog)
    assert dialog.form().witness == ("ben", "3917")
