"""The Home settings window, offscreen, as the demo manager: opened by its menu action, it
changes the dose window and a CD setting, adds a code, adds and retires a unit; the database is
read back through the services. Bad input is refused and changes nothing."""

from datetime import date

from emar.services import home, not_given_codes, rooms
from emar.ui.admin.home_window import CHOOSE
from tests.support.homes import Home, local
from tests.support.round_window import open_window, scan, sign_in

DAY = date(2026, 6, 10)
AT = local(DAY, 8, 30)


class Answers:
    """HomeQuestions for a test: the answers, in the order asked."""

    def __init__(self, *answers: str | None) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

    def ask(self, _parent, _title, question, _choices=None):
        self.asked.append(question)
        return self.answers.pop(0)

    def confirm(self, _parent, _title, text):
        self.asked.append(text)
        return True


def open_home(qtbot, home_db, tmp_path, user="mark"):
    window = open_window(qtbot, home_db, tmp_path, lambda: AT)
    sign_in(qtbot, window, user)
    return window


def settings_window(qtbot, window):
    action = window.menus.home_action
    assert action.isEnabled() and action.shortcut().toString() == "Ctrl+Shift+H"
    action.trigger()
    h = window.menus.windows["home"]
    qtbot.waitUntil(lambda: h.state is not None, timeout=10_000)
    return h


def saved(qtbot, h, click):
    with qtbot.waitSignal(h.saved, timeout=10_000) as got:
        click()
    return got.args[0]


def failed(qtbot, h, click):
    with qtbot.waitSignal(h.failed, timeout=10_000) as got:
        click()
    return got.args[0]


def test_a_cycle_start_not_set_says_so_and_saving_other_settings_leaves_it_unset(
    qtbot, home_db, tmp_path
):
    """Found on screen: an unset cycle start showed 01/01/2000, and saving the dose window
    would have made that the home's cycle start."""
    with home_db.read() as s:
        assert home.get_home(s).cycle_start_date is None
    h = settings_window(qtbot, open_home(qtbot, home_db, tmp_path))
    assert h.cycle_start.text() == "not set"
    h.dose_window.setValue(90)
    assert saved(qtbot, h, h.save_button.click) == "The home's settings are saved."
    with home_db.read() as s:
        assert home.get_home(s).cycle_start_date is None
    h.cycle_start.setDate(date(2026, 6, 15))
    saved(qtbot, h, h.save_button.click)
    with home_db.read() as s:
        assert home.get_home(s).cycle_start_date == date(2026, 6, 15)


def test_only_a_settings_manager_sees_the_action(qtbot, home_db, tmp_path):
    window = open_home(qtbot, home_db, tmp_path, "nina")
    assert not window.menus.home_action.isEnabled()


def test_the_manager_changes_the_dose_window_and_the_cd_policy_and_the_round_follows(
    qtbot, home_db, tmp_path
):
    demo = Home(home_db)
    window = open_home(qtbot, home_db, tmp_path)
    h = settings_window(qtbot, window)
    assert h.dose_window.value() == 60 and not h.schedule_5.isChecked()
    h.dose_window.setValue(20)  # narrower than time-critical (30): refused, nothing saved
    h.schedule_5.setChecked(True)
    assert "wider than" in failed(qtbot, h, h.save_button.click)
    with home_db.read() as s:
        assert home.get_home(s).dose_window_minutes == 60
        assert not home.get_home(s).witness_cd_schedule_5
    h.dose_window.setValue(90)
    assert saved(qtbot, h, h.save_button.click) == "The home's settings are saved."
    with home_db.read() as s:
        settings = home.get_home(s)
    assert settings.dose_window_minutes == 90 and settings.witness_cd_schedule_5
    assert not settings.witness_cd_schedule_4
    h.close()
    scan(qtbot, window, f"EMAR-R-{demo.residents['Arthur Price']}", window.resident_loaded)
    verdict = scan(qtbot, window, demo.gtins["Co-codamol"], window.verdict_shown)
    assert verdict.needs_witness  # CD Schedule 5, now witnessed by the home's policy


def test_a_code_is_added_and_a_unit_added_and_retired(qtbot, home_db, tmp_path):
    window = open_home(qtbot, home_db, tmp_path)
    h = settings_window(qtbot, window)
    h.questions = Answers("C", "Covid isolation", "clinical-decision", "Yes")
    assert saved(qtbot, h, h.add_code_button.click) == "Added not-given code C."
    h.questions = Answers("c!")  # refused at the first question, not after four
    assert "1 to 4 upper-case" in failed(qtbot, h, h.add_code_button.click)
    with home_db.read() as s:
        codes = {c.code: c for c in not_given_codes.list_codes(s)}
    assert codes["C"].note_required and "c!" not in codes
    h.questions = Answers("Annexe")
    units_tab = h.tabs.widget(2)
    buttons = {b.text(): b for b in units_tab.findChildren(type(h.save_button))}
    assert saved(qtbot, h, buttons["Add &unit…"].click) == "Added unit Annexe."
    qtbot.waitUntil(
        lambda: any(
            h.units.topLevelItem(i).text(0) == "Annexe" for i in range(h.units.topLevelItemCount())
        ),
        timeout=10_000,
    )
    items = [h.units.topLevelItem(i) for i in range(h.units.topLevelItemCount())]
    h.units.setCurrentItem(next(i for i in items if i.text(0) != "Annexe"))
    assert "cannot be retired" in failed(qtbot, h, buttons["Retire unit"].click)
    h.units.setCurrentItem(next(i for i in items if i.text(0) == "Annexe"))
    assert saved(qtbot, h, buttons["Retire unit"].click) == "Annexe is retired."
    with home_db.read() as s:
        assert "Annexe" not in {u.name for u in home.list_units(s)}
        units = {u.name: u for u in home.list_units(s, include_retired=True)}
        assert not units["Annexe"].active
        assert all(u.active for name, u in units.items() if name != "Annexe")
        assert rooms.list_rooms(s)  # the demo's residents' rooms are listed


def test_moving_the_cd_setting_left_the_manage_window(qtbot, home_db, tmp_path):
    from emar.ui.manage.window import ManageWindow

    window = open_home(qtbot, home_db, tmp_path)
    m = ManageWindow(window.desk, lambda: window.user.id if window.user else None)
    qtbot.addWidget(m)
    titles = [m.tabs.tabText(i) for i in range(m.tabs.count())]
    assert "&Home" not in titles


def test_a_code_is_upper_cased_and_its_fhir_reason_must_be_chosen(qtbot, home_db, tmp_path):
    window = open_home(qtbot, home_db, tmp_path)
    h = settings_window(qtbot, window)
    h.questions = Answers("cv", "Covid isolation", CHOOSE)
    assert "Choose the FHIR reason" in failed(qtbot, h, h.add_code_button.click)
    with home_db.read() as s:
        assert "CV" not in {c.code for c in not_given_codes.list_codes(s)}
    h.questions = Answers("cv", "Covid isolation", "clinical-decision", "No")
    assert saved(qtbot, h, h.add_code_button.click) == "Added not-given code CV."
    h.tabs.setCurrentIndex(2)  # the message belonged to the codes tab
    assert h.message.text() == ""
    with home_db.read() as s:
        codes = {c.code: c for c in not_given_codes.list_codes(s)}
    assert codes["CV"].fhir_reason == "clinical-decision"


def test_rooms_are_added_in_ranges_from_the_window(qtbot, home_db, tmp_path):
    window = open_home(qtbot, home_db, tmp_path)
    h = settings_window(qtbot, window)
    h.units.setCurrentItem(h.units.topLevelItem(0))
    unit = h.units.topLevelItem(0).text(0)
    h.questions = Answers("Q2-Q4, Q7")
    buttons = {b.text(): b for b in h.tabs.widget(2).findChildren(type(h.save_button))}
    assert saved(qtbot, h, buttons["Add r&oom…"].click) == f"Added room(s) Q2-Q4, Q7 to {unit}."
    h.units.setCurrentItem(h.units.topLevelItem(0))
    h.questions = Answers("Q8, q3")
    assert "already a room 'Q3'" in failed(qtbot, h, buttons["Add r&oom…"].click)
    with home_db.read() as s:
        unit_id = home.unit_by_name(s, unit).id
        names = {r.name for r in rooms.list_rooms(s) if r.unit_id == unit_id}
    assert {"Q2", "Q3", "Q4", "Q7"} <= names and "Q8" not in names


def test_thresholds_show_every_column_and_the_prompt_says_the_values(qtbot, home_db, tmp_path):
    window = open_home(qtbot, home_db, tmp_path)
    h = settings_window(qtbot, window)
    h.tabs.setCurrentIndex(3)
    table = h.thresholds
    qtbot.waitUntil(lambda: table.viewport().width() > 0, timeout=10_000)
    for column in (3, 4):  # Default and This home, at the window's opening size
        right = table.columnViewportPosition(column) + table.columnWidth(column)
        assert table.columnViewportPosition(column) >= 0 and right <= table.viewport().width()
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "acb.total")
    assert table.item(row, 3).text() == "3"
    table.setCurrentCell(row, 0)
    h.questions = Answers("4")
    assert saved(qtbot, h, h.threshold_button.click) == "Threshold acb.total is now 4."
    assert "Default 3" in h.questions.asked[0] and "uses the default" in h.questions.asked[0]
    qtbot.waitUntil(lambda: table.item(row, 4).text() == "4", timeout=10_000)
    table.setCurrentCell(row, 0)
    h.questions = Answers(None)
    h.change_threshold()
    assert "this home: 4" in h.questions.asked[0]
