"""The giving flow: everything typed for one dose dies with it, whichever way it ends; and what
the screens must show around it (offscreen, the real main window on a real database)."""

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import func, select

from emar.domain.verdict import CheckCode
from emar.models import Administration, AuditEvent
from tests.support.homes import Home, local
from tests.support.round_window import FakeIdleClock, open_window, scan, sign_in

PATCH_DAY = local(date(2026, 6, 11), 9, 5)  # Arthur's fentanyl patch is due (72-hourly)
ENDINGS = ["recorded", "cancelled", "another resident", "idle lock", "lock button"]


def _end(qtbot, window, how, home):
    if how == "recorded":
        with qtbot.waitSignal(window.recorded, timeout=10_000):
            window.verdict.confirm.click()
    elif how == "cancelled":
        QTest.keyClick(window, Qt.Key.Key_Escape)
    elif how == "another resident":
        scan(qtbot, window, f"EMAR-R-{home.residents['Mary Jones']}", window.resident_loaded)
    elif how == "idle lock":
        window.idle_clock_for_test.now += 10 * 60
        with qtbot.waitSignal(window.locked):
            window.idle_lock.check()
    else:
        with qtbot.waitSignal(window.locked):
            window.lock_button.click()
    assert not window.verdict.isVisible() and window.giving.flow is None
    if how in ("idle lock", "lock button"):
        sign_in(qtbot, window)


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("how", ENDINGS)
def test_site_witness_and_pin_never_reach_the_next_dose(qtbot, home_db, tmp_path, how):
    home = Home(home_db)
    idle = FakeIdleClock()
    window = open_window(qtbot, home_db, tmp_path, lambda: PATCH_DAY, idle_clock=idle)
    window.idle_clock_for_test = idle
    sign_in(qtbot, window)
    arthur = f"EMAR-R-{home.residents['Arthur Price']}"
    scan(qtbot, window, arthur, window.resident_loaded)
    scan(qtbot, window, home.gtins["Fentanyl"], window.verdict_shown)
    panel = window.verdict
    panel.site.setText("left upper arm")
    window.hub.receive("EMAR-S-B1003")  # Nina witnesses by badge
    qtbot.waitUntil(lambda: panel.witness.text() == "nina", timeout=10_000)
    panel.witness_pin.setText("5273")
    _end(qtbot, window, how, home)
    assert (panel.site.text(), panel.witness.text(), panel.witness_pin.text()) == ("", "", "")
    scan(qtbot, window, arthur, window.resident_loaded)
    verdict = scan(qtbot, window, home.gtins["Fentanyl"], window.verdict_shown)
    assert (panel.site.text(), panel.witness.text(), panel.witness_pin.text()) == ("", "", "")
    assert window.giving.flow.no_scan_reason is None
    if how != "recorded":
        assert verdict.needs_witness and not verdict.blocked
        with qtbot.waitSignal(window.giving.verdict_shown, timeout=500, raising=False):
            panel.confirm.click()  # nothing typed: the service refuses, nothing is recorded
        qtbot.waitUntil(lambda: panel.headline.text().startswith("NOT RECORDED"), timeout=10_000)
        with home_db.read() as s:
            assert s.scalar(select(func.count(Administration.id))) == 0


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("how", ["cancelled", "another resident", "lock button"])
def test_a_prn_reason_and_dose_choice_are_not_prefilled_for_the_next_dose(
    qtbot, home_db, tmp_path, how
):
    home = Home(home_db)
    window = open_window(qtbot, home_db, tmp_path, lambda: PATCH_DAY)
    sign_in(qtbot, window)
    mary = f"EMAR-R-{home.residents['Mary Jones']}"
    scan(qtbot, window, mary, window.resident_loaded)
    scan(qtbot, window, home.gtins["Paracetamol"], window.verdict_shown)
    with qtbot.waitSignal(window.verdict_shown, timeout=10_000):
        window.verdict.findChild(type(window.verdict.confirm), "dose_2").click()
    window.verdict.prn_reason.setText("Headache")
    if how == "another resident":
        scan(qtbot, window, f"EMAR-R-{home.residents['Arthur Price']}", window.resident_loaded)
        assert window.giving.flow is None and window.verdict.prn_reason.text() == ""
    else:
        _end(qtbot, window, how, home)
    scan(qtbot, window, mary, window.resident_loaded)
    verdict = scan(qtbot, window, home.gtins["Paracetamol"], window.verdict_shown)
    assert verdict.asks_dose and window.giving.flow.dose is None
    assert window.verdict.prn_reason.text() == ""


class Gate:
    """Holds a service call on its worker thread until the test opens the gate."""

    def __init__(self, real):
        import threading

        self.real, self.open, self.entered = real, threading.Event(), threading.Event()

    def __call__(self, *args, **kwargs):
        self.entered.set()
        assert self.open.wait(10)
        return self.real(*args, **kwargs)


def _settle(qtbot):
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(10_000)
    qtbot.wait(50)  # the queued results are delivered


def test_a_verdict_arriving_after_the_lock_is_not_shown(qtbot, home_db, tmp_path, monkeypatch):
    import emar.ui.round.giving as giving

    home = Home(home_db)
    window = open_window(qtbot, home_db, tmp_path, lambda: PATCH_DAY)
    sign_in(qtbot, window)
    scan(qtbot, window, f"EMAR-R-{home.residents['Arthur Price']}", window.resident_loaded)
    gate = Gate(giving.verify)
    monkeypatch.setattr(giving, "verify", gate)
    shown = []
    window.verdict_shown.connect(shown.append)
    window.hub.receive(home.gtins["Fentanyl"])
    assert gate.entered.wait(10)
    window.lock()
    gate.open.set()
    _settle(qtbot)
    assert shown == [] and not window.verdict.isVisible() and window.giving.flow is None


def test_a_save_that_fails_after_the_carer_moved_on_is_still_said(
    qtbot, home_db, tmp_path, monkeypatch
):
    import emar.ui.round.giving as giving

    home = Home(home_db)
    window = open_window(qtbot, home_db, tmp_path, lambda: PATCH_DAY)
    sign_in(qtbot, window)
    scan(qtbot, window, f"EMAR-R-{home.residents['Arthur Price']}", window.resident_loaded)
    scan(qtbot, window, home.gtins["Fentanyl"], window.verdict_shown)
    window.verdict.site.setText("left arm")
    window.verdict.witness.setText("nina")
    window.verdict.witness_pin.setText("0000")  # wrong: the save will be refused
    gate = Gate(giving.record_given)
    monkeypatch.setattr(giving, "record_given", gate)
    window.verdict.confirm.click()
    assert gate.entered.wait(10)
    QTest.keyClick(window, Qt.Key.Key_Escape)  # Esc while saving: the outcome must be seen
    assert window.verdict.isVisible() and window.giving.flow is not None
    scan(qtbot, window, f"EMAR-R-{home.residents['Mary Jones']}", window.resident_loaded)
    assert window.giving.flow is None  # moved on to Mary while Arthur's dose was saving
    gate.open.set()
    _settle(qtbot)
    assert window.error_banner.isVisible()
    assert window.error_banner.message.startswith(
        "NOT RECORDED: Fentanyl 12 micrograms/hour transdermal patch for Arthur Price."
    )
    assert "Witness: wrong username or PIN" in window.error_banner.message


def test_recorded_is_never_said_on_a_locked_screen(qtbot, home_db, tmp_path, monkeypatch):
    import emar.ui.round.giving as giving

    home = Home(home_db)
    window = open_window(qtbot, home_db, tmp_path, lambda: local(date(2026, 6, 10), 8, 5))
    sign_in(qtbot, window)
    scan(qtbot, window, f"EMAR-R-{home.residents['Mary Jones']}", window.resident_loaded)
    scan(qtbot, window, home.gtins["Amlodipine"], window.verdict_shown)
    gate = Gate(giving.record_given)
    monkeypatch.setattr(giving, "record_given", gate)
    window.verdict.confirm.click()
    assert gate.entered.wait(10)
    window.lock()
    gate.open.set()
    _settle(qtbot)
    assert not window.notice.isVisible()
    with home_db.read() as s:  # it was recorded all the same
        assert s.scalar(select(func.count(Administration.id))) == 1
    sign_in(qtbot, window, "ben")
    assert not window.notice.isVisible()


def test_only_the_latest_dose_choice_decides(qtbot, home_db, tmp_path, monkeypatch):
    """Alt+1 then Alt+2 quickly: the answer for 1 arriving last must not show "1 tablet"."""
    import emar.ui.round.giving as giving

    home = Home(home_db)
    window = open_window(qtbot, home_db, tmp_path, lambda: PATCH_DAY)
    sign_in(qtbot, window)
    scan(qtbot, window, f"EMAR-R-{home.residents['Mary Jones']}", window.resident_loaded)
    scan(qtbot, window, home.gtins["Paracetamol"], window.verdict_shown)
    gate = Gate(giving.verify)
    monkeypatch.setattr(giving, "verify", gate)
    one = window.verdict.findChild(type(window.verdict.confirm), "dose_1")
    two = window.verdict.findChild(type(window.verdict.confirm), "dose_2")
    one.click()
    assert gate.entered.wait(10)  # the check of 1 tablet is held up
    assert not window.verdict.confirm.isEnabled()  # nothing to confirm until checked
    monkeypatch.setattr(giving, "verify", gate.real)
    with qtbot.waitSignal(window.verdict_shown, timeout=10_000):
        two.click()
    gate.open.set()
    _settle(qtbot)
    assert window.verdict.headline.text().startswith("Give 2 tablets of Paracetamol")
    assert window.giving.flow.dose == 2


def test_recorded_stays_until_the_next_action(qtbot, home_db, tmp_path):
    home = Home(home_db)
    window = open_window(qtbot, home_db, tmp_path, lambda: local(date(2026, 6, 10), 8, 5))
    sign_in(qtbot, window)
    scan(qtbot, window, f"EMAR-R-{home.residents['Mary Jones']}", window.resident_loaded)
    scan(qtbot, window, home.gtins["Amlodipine"], window.verdict_shown)
    with qtbot.waitSignal(window.recorded, timeout=10_000):
        QTest.keyClick(window.verdict.confirm, Qt.Key.Key_Return)
    message = "Recorded: Mary Jones given Amlodipine 5 mg tablets."
    for _ in range(2):  # two refreshes of the round later it is still there
        with qtbot.waitSignal(window.round_loaded, timeout=10_000):
            window.work.poll()
        assert window.notice.isVisible() and window.notice.text() == message
    scan(qtbot, window, f"EMAR-R-{home.residents['Arthur Price']}", window.resident_loaded)
    assert not window.notice.isVisible()


def test_escape_dismisses_a_red_stop_wherever_the_focus_is(qtbot, home_db, tmp_path):
    home = Home(home_db)
    window = open_window(qtbot, home_db, tmp_path, lambda: local(date(2026, 6, 10), 8, 5))
    sign_in(qtbot, window)
    scan(qtbot, window, f"EMAR-R-{home.residents['Arthur Price']}", window.resident_loaded)
    verdict = scan(qtbot, window, home.gtins["Amlodipine"], window.verdict_shown)
    assert verdict.blocked and not window.verdict.confirm.isEnabled()
    window.work.round_list.view.setFocus()
    QTest.keyClick(window.work.round_list.view, Qt.Key.Key_Escape)
    assert not window.verdict.isVisible() and window.giving.flow is None


def test_the_most_serious_stop_is_the_headline_before_any_dose_choice(qtbot, home_db, tmp_path):
    """Paracetamol (a 1-2 tablet range) again too soon: "Too soon" is the headline, not the
    question of which dose."""
    home = Home(home_db)
    window = open_window(qtbot, home_db, tmp_path, lambda: local(date(2026, 6, 10), 8, 5))
    sign_in(qtbot, window)
    scan(qtbot, window, f"EMAR-R-{home.residents['Mary Jones']}", window.resident_loaded)
    scan(qtbot, window, home.gtins["Paracetamol"], window.verdict_shown)
    with qtbot.waitSignal(window.verdict_shown, timeout=10_000):
        window.verdict.findChild(type(window.verdict.confirm), "dose_1").click()
    window.verdict.prn_reason.setText("Headache")
    with qtbot.waitSignal(window.recorded, timeout=10_000):
        window.verdict.confirm.click()
    verdict = scan(qtbot, window, home.gtins["Paracetamol"], window.verdict_shown)
    assert verdict.has(CheckCode.DOSE_CHOICE) and verdict.stops[0].code == CheckCode.PRN_INTERVAL
    assert window.verdict.headline.text().startswith("STOP: Too soon")
    assert window.verdict.property("state") == "stop"


@pytest.fixture
def shipped_style(qtbot):
    """The app's style sheet (large verdict type), as app.main sets it; removed afterwards."""
    from PySide6.QtWidgets import QApplication

    from emar.ui.widgets.style import BASE

    app = QApplication.instance()
    app.setStyleSheet(BASE)
    yield
    app.setStyleSheet("")


def test_not_recorded_is_never_clipped(qtbot, home_db, tmp_path, shipped_style):
    home = Home(home_db)
    window = open_window(qtbot, home_db, tmp_path, lambda: PATCH_DAY)
    window.resize(1024, 700)
    sign_in(qtbot, window)
    scan(qtbot, window, f"EMAR-R-{home.residents['Arthur Price']}", window.resident_loaded)
    scan(qtbot, window, home.gtins["Fentanyl"], window.verdict_shown)
    why = "The database server did not answer in time, so nothing was saved. " * 4
    window.verdict.not_recorded(why)
    headline = window.verdict.headline
    needed = headline.heightForWidth(headline.width())
    assert needed >= 4 * headline.fontMetrics().height()  # a long, many-line message
    qtbot.waitUntil(lambda: headline.height() >= headline.heightForWidth(headline.width()))
    assert headline.visibleRegion().boundingRect().height() >= headline.heightForWidth(
        headline.width()
    )


def test_the_round_list_follows_a_resident_opened_by_scan(qtbot, home_db, tmp_path):
    home = Home(home_db)
    window = open_window(qtbot, home_db, tmp_path, lambda: local(date(2026, 6, 10), 8, 5))
    sign_in(qtbot, window)
    for name in ("Harold Green", "Mary Jones"):
        scan(qtbot, window, f"EMAR-R-{home.residents[name]}", window.resident_loaded)
        (row,) = window.work.round_list.view.selectionModel().selectedRows()
        assert window.work.round_list.model.row(row.row()).name == name


def test_the_mar_tab_opens_on_today(qtbot, home_db, tmp_path):
    home = Home(home_db)
    window = open_window(qtbot, home_db, tmp_path, lambda: local(date(2026, 6, 10), 8, 5))
    sign_in(qtbot, window)
    scan(qtbot, window, f"EMAR-R-{home.residents['Mary Jones']}", window.resident_loaded)
    window.work.page.tabs.setCurrentWidget(window.work.page.mar_tab)
    today = window.work.page.mar.columnCount() - 1
    assert window.work.page.mar.headerData(today, Qt.Orientation.Horizontal) == "Wed\n10"
    qtbot.waitUntil(
        lambda: (
            window.work.page.mar_view.viewport()
            .rect()
            .intersects(window.work.page.mar_view.visualRect(window.work.page.mar.index(0, today)))
        )
    )


def test_no_empty_allergy_bar_after_lock(qtbot, home_db, tmp_path):
    home = Home(home_db)
    window = open_window(qtbot, home_db, tmp_path, lambda: local(date(2026, 6, 10), 8, 5))
    sign_in(qtbot, window)
    scan(qtbot, window, f"EMAR-R-{home.residents['Mary Jones']}", window.resident_loaded)
    assert window.work.page.banner.allergies.property("state") == "allergy"
    window.lock()
    assert window.work.page.banner.allergies.text() == ""
    assert window.work.page.banner.allergies.property("state") == ""


def test_an_empty_sign_in_is_not_a_failed_attempt(qtbot, home_db, tmp_path):
    window = open_window(qtbot, home_db, tmp_path, lambda: local(date(2026, 6, 10), 8, 5))
    page = window.sign_in_page
    page.submit.click()
    assert page.error.text() == "Type your username, or scan your badge."
    page.username.setText("amy")
    page.submit.click()
    assert page.error.text() == "Type your password."
    qtbot.wait(200)
    with home_db.read() as s:
        assert s.scalar(select(func.count()).where(AuditEvent.action.like("signin.%"))) == 0


def test_a_garbled_scan_says_scan_again_with_what_was_sent_behind_details(qtbot, home_db, tmp_path):
    window = open_window(qtbot, home_db, tmp_path, lambda: local(date(2026, 6, 10), 8, 5))
    sign_in(qtbot, window)
    window.hub.receive("01ABC\x1dxyz")
    banner = window.error_banner
    assert banner.isVisible() and banner.message == "Not a barcode eMAR knows — scan again."
    assert "01ABC" not in banner.text() and "details" in banner.text()
    banner.linkActivated.emit("details")
    assert "The scanner sent: 01ABC<GS>xyz" in banner.text()


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_missed_dose_is_filled_in_as_a_late_entry_given_earlier(qtbot, home_db, tmp_path):
    """Mary's 08:00 amlodipine, filled in at 21:30: given at 08:10, with why it is late."""
    from datetime import time

    from emar.domain.doses import DoseState
    from emar.ui.round.late_entry_dialog import LateAnswer

    home = Home(home_db)
    asked = []

    def answer(parent, codes, question, due):
        asked.append((question, due))
        return LateAnswer(time(8, 10), None, None, "Recorded on paper in a power cut")

    window = open_window(
        qtbot, home_db, tmp_path, lambda: local(date(2026, 6, 10), 21, 30), ask_late_entry=answer
    )
    sign_in(qtbot, window)
    scan(qtbot, window, f"EMAR-R-{home.residents['Mary Jones']}", window.resident_loaded)
    rows = [window.work.page.doses.row(i) for i in range(window.work.page.doses.rowCount())]
    missed = next(
        i
        for i, d in enumerate(rows)
        if d.state == DoseState.MISSED and d.medicine.startswith("Amlodipine")
    )
    window.work.page.dose_view.selectRow(missed)
    with qtbot.waitSignal(window.verdict_shown, timeout=10_000) as got:
        window.work.page.late_button.click()
    assert asked == [
        ("What happened to the 08:00 dose of Amlodipine 5 mg tablets (1 tablet)?", time(8, 0))
    ]
    verdict = got.args[0]
    assert verdict.question.code == CheckCode.ROUTE_CONFIRM  # no pack scanned: the route
    with qtbot.waitSignal(window.verdict_shown, timeout=10_000) as got:
        QTest.keyClick(window.verdict.route_yes, Qt.Key.Key_Return)
    verdict = got.args[0]
    assert verdict.has(CheckCode.LATE_ENTRY) and not verdict.blocked
    assert window.verdict.late_reason.text() == "Recorded on paper in a power cut"
    with qtbot.waitSignal(window.recorded, timeout=10_000) as done:
        window.verdict.confirm.click()
    assert "late entry flagged for review" in done.args[0]
    with home_db.read() as s:
        entry = s.scalars(select(Administration)).one()
        assert entry.administered_at == local(date(2026, 6, 10), 8, 10)
        assert entry.late_entry_reason == "Recorded on paper in a power cut"


@pytest.mark.parametrize("backend", ["sqlite"])
def test_not_given_on_a_missed_dose_asks_for_a_late_entry(qtbot, home_db, tmp_path):
    from emar.domain.doses import DoseState
    from emar.ui.round.late_entry_dialog import LateAnswer

    home = Home(home_db)
    window = open_window(
        qtbot,
        home_db,
        tmp_path,
        lambda: local(date(2026, 6, 10), 21, 30),
        ask_late_entry=lambda *a: LateAnswer(None, "R", None, "Forgot to record at 08:00"),
    )
    sign_in(qtbot, window)
    scan(qtbot, window, f"EMAR-R-{home.residents['Mary Jones']}", window.resident_loaded)
    rows = [window.work.page.doses.row(i) for i in range(window.work.page.doses.rowCount())]
    window.work.page.dose_view.selectRow(
        next(i for i, d in enumerate(rows) if d.state == DoseState.MISSED)
    )
    with qtbot.waitSignal(window.recorded, timeout=10_000):
        window.work.page.not_given_button.click()
    with home_db.read() as s:
        entry = s.scalars(select(Administration)).one()
        assert (entry.not_given_code, entry.late_entry_reason) == ("R", "Forgot to record at 08:00")


def _mnemonics(window) -> list[str]:
    """The Alt+letter keys of every widget on screen now (buttons, tabs, labels, menus)."""
    import re

    from PySide6.QtWidgets import QAbstractButton, QLabel, QTabBar

    texts = [a.text() for a in window.menuBar().actions()]
    for button in window.findChildren(QAbstractButton):
        if button.isVisible() and button.isEnabled():
            texts.append(button.text())
    for bar in window.findChildren(QTabBar):
        if bar.isVisible():
            texts += [bar.tabText(i) for i in range(bar.count())]
    for label in window.findChildren(QLabel):
        if label.isVisible() and label.buddy() is not None:
            texts.append(label.text())
    return [m.lower() for t in texts for m in re.findall(r"&([^&])", t.replace("&&", ""))]


def test_every_alt_key_on_screen_does_one_thing(qtbot, home_db, tmp_path):
    """Two widgets with the same Alt+letter make the key cycle between them instead of acting
    (Alt+L once locked nothing: Lock and Late entry shared it)."""
    home = Home(home_db)
    window = open_window(qtbot, home_db, tmp_path, lambda: local(date(2026, 6, 10), 8, 5))

    def unique() -> None:
        keys = _mnemonics(window)
        assert len(keys) == len(set(keys)), sorted(keys)

    unique()  # signed out
    sign_in(qtbot, window)
    scan(qtbot, window, f"EMAR-R-{home.residents['Mary Jones']}", window.resident_loaded)
    scan(qtbot, window, home.gtins["Paracetamol"], window.verdict_shown)  # dose buttons shown
    unique()
    window.work.round_list.setCurrentIndex(1)  # alerts, with the PRN outcome button
    unique()
    window.work.page.tabs.setCurrentWidget(window.work.page.mar_tab)
    unique()


def _uncertain_amlodipine(home):
    """Mary's amlodipine pack from a wedge that dropped GS: "10ABC123" runs on into
    "17261231" (an expiry) and "21SER": the expiry cannot be shown for certain."""
    return f"]d201{home.gtins['Amlodipine']}10ABC1231726123121SER"


@pytest.mark.parametrize("backend", ["sqlite"])
def test_an_expiry_the_scan_could_not_show_is_read_off_the_pack(qtbot, home_db, tmp_path):
    home = Home(home_db)
    window = open_window(qtbot, home_db, tmp_path, lambda: PATCH_DAY)
    sign_in(qtbot, window)
    mary = f"EMAR-R-{home.residents['Mary Jones']}"
    scan(qtbot, window, mary, window.resident_loaded)
    verdict = scan(qtbot, window, _uncertain_amlodipine(home), window.verdict_shown)
    panel = window.verdict
    assert verdict.question.code == CheckCode.EXPIRY_UNREAD and verdict.stops == ()
    assert panel.headline.text() == (
        "Read the expiry date on the pack: the scan could not show it for certain."
    )
    assert panel.expiry_row.isVisible() and not panel.confirm.isEnabled()
    # a typo is said, not taken
    QTest.keyClicks(panel.expiry, "13/2026")
    QTest.keyClick(panel.expiry, Qt.Key.Key_Return)
    assert "not a date" in panel.details.text() and window.giving.flow.expiry_read is None
    # expired last month: a red stop
    panel.expiry.clear()
    QTest.keyClicks(panel.expiry, "05/2026")
    with qtbot.waitSignal(window.verdict_shown, timeout=10_000) as shown:
        QTest.keyClick(panel.expiry, Qt.Key.Key_Return)
    assert shown.args[0].stops[0].message == "This pack expired on 31 May 2026: use another pack."
    QTest.keyClick(window, Qt.Key.Key_Escape)
    # another pack, read as 12/2027: checked, recorded with that date and no batch
    scan(qtbot, window, mary, window.resident_loaded)
    scan(qtbot, window, _uncertain_amlodipine(home), window.verdict_shown)
    assert panel.expiry.text() == ""
    QTest.keyClicks(panel.expiry, "12/2027")
    with qtbot.waitSignal(window.verdict_shown, timeout=10_000) as shown:
        QTest.keyClick(panel.expiry, Qt.Key.Key_Return)
    assert not shown.args[0].blocked
    with qtbot.waitSignal(window.recorded, timeout=10_000):
        QTest.keyClick(panel.confirm, Qt.Key.Key_Return)
    with home_db.read() as s:
        entry = s.scalars(select(Administration)).one()
        assert (entry.expiry, entry.batch, entry.serial) == (date(2027, 12, 31), None, None)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_pack_showing_no_expiry_may_be_given_and_stores_none(qtbot, home_db, tmp_path):
    home = Home(home_db)
    window = open_window(qtbot, home_db, tmp_path, lambda: PATCH_DAY)
    sign_in(qtbot, window)
    scan(qtbot, window, f"EMAR-R-{home.residents['Mary Jones']}", window.resident_loaded)
    scan(qtbot, window, _uncertain_amlodipine(home), window.verdict_shown)
    with qtbot.waitSignal(window.verdict_shown, timeout=10_000) as shown:
        window.verdict.expiry_none.click()
    assert not shown.args[0].blocked and window.giving.flow.expiry_not_shown
    with qtbot.waitSignal(window.recorded, timeout=10_000):
        window.verdict.confirm.click()
    with home_db.read() as s:
        entry = s.scalars(select(Administration)).one()
        assert (entry.gtin, entry.expiry, entry.batch) == (home.gtins["Amlodipine"], None, None)
