"""Settings > Staff: the manager adds a carer, changes a role, disables someone, and a refusal
changes nothing; a person whose password was reset chooses a new one before work (offscreen,
both backends)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence

from emar.services.staff.accounts import staff_id_by_username
from emar.services.staff.management import list_staff_records, reset_password
from emar.services.staff.signing import sign_in as service_sign_in
from emar.ui.admin.staff_dialogs import NewStaff, StaffQuestions
from emar.ui.admin.staff_window import StaffWindow
from tests.support.round_window import open_window, sign_in

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def _records(db, by="mark"):
    with db.read() as s:
        manager = staff_id_by_username(s, by)
        return {r.username: r for r in list_staff_records(s, manager)}


def _row(window: StaffWindow, username: str) -> int:
    return next(i for i, r in enumerate(window.records) if r.username == username)


def _do(qtbot, window: StaffWindow, username: str, button, signal="saved") -> str:
    window.table.selectRow(_row(window, username))
    with qtbot.waitSignal(getattr(window, signal), timeout=10_000) as got:
        button.click()
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=10_000)
    return got.args[0]


def _open(qtbot, demo_db, tmp_path, questions: StaffQuestions) -> tuple[object, StaffWindow]:
    main = open_window(qtbot, demo_db, tmp_path, lambda: NOW)
    sign_in(qtbot, main, "mark")  # the manager
    action = main.menus.staff_action
    assert action.isEnabled() and action.shortcut() == QKeySequence("Ctrl+Shift+U")
    main.menus.staff_questions = questions
    action.trigger()
    window = main.menus.windows["staff"]
    assert isinstance(window, StaffWindow)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: len(window.records) >= 6, timeout=10_000)
    return main, window


def test_the_manager_adds_changes_and_disables_staff(qtbot, demo_db, tmp_path):
    questions = StaffQuestions(
        ask_new_staff=lambda p: NewStaff("zoe", "Zoe Day", "carer", "zoe-first-phrase", None, "z9"),
        ask_role=lambda p, name, current: "senior_carer",
        confirm=lambda p, title, text: True,
        ask_pin=lambda p, name: "739104",
        ask_pdf_path=lambda p, suggested: tmp_path / suggested,
    )
    main, window = _open(qtbot, demo_db, tmp_path, questions)
    assert window.table.item(_row(window, "amy"), 0).text() == "Amy Carter"

    with qtbot.waitSignal(window.saved, timeout=10_000) as saved:
        window.add_button.click()
    assert saved.args[0].startswith("Added Zoe Day")
    qtbot.waitUntil(lambda: "zoe" in {r.username for r in window.records}, timeout=10_000)
    zoe = _records(demo_db)["zoe"]
    assert zoe.role == "carer" and zoe.must_change_password and zoe.badge_code == "Z9"
    assert window.table.item(_row(window, "zoe"), 6).text() == "must change"

    assert "role changed" in _do(qtbot, window, "zoe", window.role_button)
    assert _records(demo_db)["zoe"].role == "senior_carer"

    window.table.selectRow(_row(window, "amy"))
    assert window.active_button.text() == "&Disable"
    assert "disabled" in _do(qtbot, window, "amy", window.active_button)
    assert not _records(demo_db)["amy"].active
    qtbot.waitUntil(lambda: window.table.item(_row(window, "amy"), 3).text() == "disabled")
    window.table.selectRow(_row(window, "amy"))
    assert window.active_button.text() == "&Enable"

    assert "new PIN" in _do(qtbot, window, "zoe", window.pin_button)
    assert _records(demo_db)["zoe"].has_pin

    assert "Badge label written" in _do(qtbot, window, "ben", window.label_button)
    assert Path(tmp_path / "badge-ben.pdf").read_bytes().startswith(b"%PDF")

    # the manager's own role and account: refused with the reason, nothing changed
    assert "own role" in _do(qtbot, window, "mark", window.role_button, "failed")
    assert "own account" in _do(qtbot, window, "mark", window.active_button, "failed")
    assert window.message.text() == "NOT SAVED: " + (
        "Nobody may disable their own account: ask another manager."
    )
    mark = _records(demo_db)["mark"]
    assert mark.role == "manager" and mark.active

    main.lock()
    assert not window.isVisible()


def test_a_duplicate_badge_is_refused_and_nothing_changes(qtbot, demo_db, tmp_path):
    questions = StaffQuestions(ask_badge=lambda p, name, current: "b1002")
    _main, window = _open(qtbot, demo_db, tmp_path, questions)
    why = _do(qtbot, window, "amy", window.badge_button, "failed")
    assert "already belongs to Ben Osei" in why
    assert _records(demo_db)["amy"].badge_code == "B1001"


def test_a_locked_person_is_shown_and_unlocked(qtbot, demo_db, tmp_path):
    with demo_db.write() as s:
        for _ in range(3):
            service_sign_in(s, "ben", "wrong")
    _main, window = _open(qtbot, demo_db, tmp_path, StaffQuestions())
    assert window.table.item(_row(window, "ben"), 6).text() == "locked"
    window.table.selectRow(_row(window, "amy"))
    assert not window.unlock_button.isEnabled()
    assert "may sign in" in _do(qtbot, window, "ben", window.unlock_button)
    assert not _records(demo_db)["ben"].locked
    qtbot.waitUntil(lambda: window.table.item(_row(window, "ben"), 6).text() == "")


def test_a_carer_has_no_staff_window(qtbot, demo_db, tmp_path):
    main = open_window(qtbot, demo_db, tmp_path, lambda: NOW)
    sign_in(qtbot, main, "amy")
    assert not main.menus.staff_action.isEnabled()
    assert main.menus.open_staff() is None and "staff" not in main.menus.windows


def _reset_amy(demo_db, temporary: str) -> None:
    with demo_db.write() as s:
        reset_password(
            s, staff_id_by_username(s, "mark"), staff_id_by_username(s, "amy"), temporary
        )


def test_a_reset_password_is_changed_before_work(qtbot, demo_db, tmp_path):
    _reset_amy(demo_db, "temporary-phrase-1")
    asked = []
    main = open_window(
        qtbot, demo_db, tmp_path, lambda: NOW,
        ask_new_password=lambda p, name: asked.append(name) or "amy-chosen-phrase",
    )  # fmt: skip
    sign_in(qtbot, main, "amy", "temporary-phrase-1")
    assert asked == ["Amy Carter"] and main.user is not None
    assert not main.user.must_change_password
    with demo_db.write() as s:
        assert service_sign_in(s, "amy", "amy-chosen-phrase") is not None
        assert service_sign_in(s, "amy", "temporary-phrase-1") is None


def test_cancelling_the_new_password_signs_out(qtbot, demo_db, tmp_path):
    _reset_amy(demo_db, "temporary-phrase-1")
    main = open_window(qtbot, demo_db, tmp_path, lambda: NOW, ask_new_password=lambda p, name: None)
    page = main.sign_in_page
    page.username.setText("amy")
    page.password.setText("temporary-phrase-1")
    page.submit.click()
    qtbot.waitUntil(lambda: "new password" in page.error.text(), timeout=10_000)
    assert main.user is None and main.stack.currentWidget() is page
    assert _records(demo_db)["amy"].must_change_password
    # a badge and PIN do not get round it
    main.sign_in_page.ask_pin("B1001", "Amy Carter")
    page.pin.setText("4826")
    page.submit.click()
    qtbot.waitUntil(lambda: "temporary password" in page.error.text(), timeout=10_000)
    assert main.user is None


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        (("", "zoe", "long-pass-2026", "long-pass-2026", ""), "full name"),
        (("Zoe Lane", "zoe lane", "long-pass-2026", "long-pass-2026", ""), "plain letters"),
        (("Zoe Lane", "zoe", "long-pass-2026", "other-pass-2026", ""), "did not match"),
        (("Zoe Lane", "zoe", "short", "short", ""), "at least 8"),
        (("Zoe Lane", "zoe", "long-pass-2026", "long-pass-2026", "1111"), "stranger"),
    ],
)
def test_the_add_dialog_names_a_mistake_before_closing(fields, said):
    """Found in use: a username with a space or PIN 1111 closed the dialog and lost all that
    was typed; now the dialog says what is wrong and stays open with it."""
    from emar.ui.admin.staff_dialogs import _new_staff_problem

    assert said in (_new_staff_problem(*fields) or "")
    assert _new_staff_problem("Zoe Lane", "zoe", "long-pass-2026", "long-pass-2026", "") is None
