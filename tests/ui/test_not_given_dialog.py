"""The not-given dialog: large code buttons; codes that need a note refuse until one is written."""

from emar.ui.round.not_given_dialog import CodeChoice, NotGivenDialog

CODES = [CodeChoice("R", "Refused", False), CodeChoice("W", "Withheld on clinical advice", True)]


def test_a_code_without_a_note_is_chosen_at_once(qtbot):
    dialog = NotGivenDialog(CODES, "Amlodipine 5 mg tablets")
    qtbot.addWidget(dialog)
    dialog.buttons["R"].click()
    assert dialog.choice == CODES[0] and dialog.result() == NotGivenDialog.DialogCode.Accepted


def test_a_code_that_needs_a_note_waits_for_one(qtbot, tmp_path):
    dialog = NotGivenDialog(CODES, "Amlodipine 5 mg tablets")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.buttons["W"].click()
    assert dialog.choice is None and "write a note first" in dialog.problem.text()
    dialog.note.setText("Pulse 48: GP informed")
    dialog.buttons["W"].click()
    assert dialog.choice == CODES[1]
    assert dialog.buttons["R"].minimumHeight() >= 60  # large targets
