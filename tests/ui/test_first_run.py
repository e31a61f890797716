"""First run on an empty database (issue 22): the wizard typed at with real key clicks, the
main window setting the home up or loading the demo, a cancelled set-up offered again, and the
demo home's sign-in page giving its logins. Both backends; the database is read back."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QWizard

from emar.services.home import get_home, list_units
from emar.services.home_setup import HomePlan, UnitPlan
from emar.services.rooms import list_rooms
from emar.ui.first_run import CHOICE, CONFIRM, DEMO, HOME, MANAGER, UNITS, FirstRunWizard
from emar.ui.main_window import MainWindow
from emar.ui.round.dialogs import RoundQuestions

PLAN = HomePlan(
    name="Beech House",
    time_zone="Europe/London",
    units=(UnitPlan("Ground floor", ("G01", "G02", "G03")),),
    manager_username="jo.reid",
    manager_full_name="Jo Reid",
    manager_password="beech-house-manager-2026",
    manager_pin="2719",
)


def _window(qtbot, db, tmp_path, answers) -> tuple[MainWindow, list]:
    asked: list = []

    def answer(parent):
        asked.append(parent)
        return answers.pop(0)

    settings = QSettings(str(tmp_path / "pc.ini"), QSettings.Format.IniFormat)
    window = MainWindow(db, settings=settings, questions=RoundQuestions(ask_first_run=answer))
    qtbot.addWidget(window)
    return window, asked


def test_the_wizard_typed_through_gives_the_plan_and_stops_at_each_mistake(qtbot):
    wizard = FirstRunWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    assert wizard.currentId() == CHOICE and wizard.choice.set_up.isChecked()
    wizard.next()
    assert wizard.currentId() == HOME
    wizard.next()  # no name yet: stays, saying so
    assert wizard.currentId() == HOME and "name" in wizard.home.error.text()
    qtbot.keyClicks(wizard.home.name, "Beech House")
    wizard.home.zone.setCurrentText("Europe/Lndon")
    wizard.next()
    assert wizard.currentId() == HOME and "not a time zone" in wizard.home.error.text()
    wizard.home.zone.setCurrentText("Europe/London")
    wizard.next()
    assert wizard.currentId() == UNITS
    qtbot.keyClicks(wizard.units.units, "Ground floor: G03-G01")
    assert "backwards" in wizard.units.error.text()
    wizard.next()
    assert wizard.currentId() == UNITS
    wizard.units.units.clear()
    qtbot.keyClicks(wizard.units.units, "Ground floor: G01-G03")
    assert wizard.units.preview.text() == "Ground floor: 3 rooms: G01 to G03"
    wizard.next()
    assert wizard.currentId() == MANAGER
    page = wizard.manager
    for field, text in (
        (page.full_name, "Jo Reid"),
        (page.username, "jo.reid"),
        (page.password, "beech-house-manager-2026"),
        (page.password_again, "beech-house-manager-2026"),
        (page.pin, "1234"),
        (page.pin_again, "1234"),
    ):
        qtbot.keyClicks(field, text)
    wizard.next()
    assert wizard.currentId() == MANAGER and "first a stranger would try" in page.error.text()
    for field in (page.pin, page.pin_again):
        field.clear()
        qtbot.keyClicks(field, "2719")
    wizard.next()
    assert wizard.currentId() == CONFIRM
    assert "Beech House, time zone Europe/London." in wizard.confirm.summary.text()
    assert "First manager: Jo Reid (signs in as jo.reid)" in wizard.confirm.summary.text()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.answer() == PLAN


def test_choosing_the_demo_says_what_it_is_then_loads_it(qtbot):
    wizard = FirstRunWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.choice.demo.setChecked(True)
    wizard.next()
    assert wizard.currentId() == DEMO
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    qtbot.waitUntil(finish.isVisible)
    assert finish.text() == "Load the &demo home"
    finish.click()
    assert wizard.answer() == "demo"
    wizard = FirstRunWizard()
    qtbot.addWidget(wizard)
    wizard.reject()
    assert wizard.answer() is None  # closed: nothing chosen


def test_the_window_sets_the_home_up_and_the_new_manager_signs_in(qtbot, db, tmp_path):
    window, asked = _window(qtbot, db, tmp_path, [PLAN])
    with qtbot.waitSignal(window.home_loaded, timeout=30_000):
        window.start()
    assert asked == [window]
    assert window.home_name.text() == "Beech House"
    page = window.sign_in_page
    assert page.title.text() == "Beech House is set up" and "jo.reid" in page.message.text()
    assert not page.demo_logins.isVisible() and not page.setup_button.isVisible()
    with db.read() as s:
        assert get_home(s).name == "Beech House" and not get_home(s).is_demo
        assert [u.name for u in list_units(s)] == ["Ground floor"]
        assert [r.name for r in list_rooms(s)] == ["G01", "G02", "G03"]
    page.username.setText("jo.reid")
    page.password.setText("beech-house-manager-2026")
    with qtbot.waitSignal(window.signed_in, timeout=10_000) as signed:
        page.submit.click()
    assert signed.args == ["jo.reid"]
    assert window.user_label.text() == "Signed in: Jo Reid (manager)"


def test_a_closed_set_up_is_offered_again_then_the_demo_says_its_logins(qtbot, db, tmp_path):
    window, asked = _window(qtbot, db, tmp_path, [None, "demo"])
    window.show()
    window.start()
    page = window.sign_in_page
    qtbot.waitUntil(lambda: page.setup_button.isVisible(), timeout=10_000)
    assert page.title.text() == "No care home yet" and len(asked) == 1
    with qtbot.waitSignal(window.home_loaded, timeout=60_000):
        qtbot.mouseClick(page.setup_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 2 and window.home_name.text() == "Willow Court Care Home"
    assert page.demo_logins.isVisible() and not page.setup_button.isVisible()
    assert "This is the demo home" in page.demo_logins.text()
    label = page.demo_logins  # all six logins in sight, none cut off (found on screen)
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()))
    assert "amy / amy-demo-2026 (carer, PIN 4826)" in page.demo_logins.text()
    assert "phil / phil-demo-2026 (pharmacist, PIN 7391)" in page.demo_logins.text()
    with db.read() as s:
        assert get_home(s).is_demo


def test_the_rooms_are_said_as_runs_so_a_gap_shows():
    """Found in use: "G01-G05, G07" read "6 rooms: G01 to G07", hiding that G06 is not one."""
    from emar.ui.first_run import describe_units

    units = (
        UnitPlan("Ground", ("G01", "G02", "G03", "G04", "G05", "G07")),
        UnitPlan("Annexe", ("Garden suite",)),
        UnitPlan("First", ("F9", "F10", "F11", "F011")),
        UnitPlan("Loft"),
    )
    assert describe_units(units) == (
        "Ground: 6 rooms: G01 to G05, G07\n"
        "Annexe: 1 room: Garden suite\n"
        "First: 4 rooms: F9, F10 to F11, F011\n"
        "Loft: no rooms yet"
    )
