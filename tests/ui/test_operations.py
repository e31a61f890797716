"""Reads and writes off the GUI thread, and the change notice after a write's commit."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from emar.errors import ValidationError
from emar.models import AuditEvent
from emar.services.staff.signing import PinRefused
from emar.ui.operations import CHARTS, QueryOp, WriteOp, new_desk
from emar.ui.tasks import TaskRunner


class Screen:
    def __init__(self, db) -> None:
        self.desk = new_desk(db, lambda: datetime.now(UTC))
        self.tasks = TaskRunner()
        self.failures: list[BaseException] = []

    def fail(self, exc: BaseException) -> None:
        self.failures.append(exc)


def events(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count(AuditEvent.id))) or 0


def test_a_query_reads_and_answers_on_the_gui_thread(qtbot, home_db):
    screen, got = Screen(home_db), []
    QueryOp(screen, lambda s: s.scalar(select(func.count(AuditEvent.id)))).success(
        got.append
    ).run_in_background()
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    assert got == [events(home_db)] and not screen.failures


def test_a_write_commits_says_so_and_only_then_tells_every_screen(qtbot, home_db):
    from emar.services.audit import record_event

    screen, order = Screen(home_db), []
    screen.desk.changes.happened.connect(lambda what: order.append(("changed", what)))
    before = events(home_db)

    def write(s):
        record_event(s, "test.write", staff_id=None, detail={})
        return "done"

    WriteOp(screen, write, CHARTS).success(
        lambda result: order.append(("success", result, events(home_db)))
    ).run_in_background()
    qtbot.waitUntil(lambda: len(order) == 2, timeout=10_000)
    assert order == [("success", "done", before + 1), ("changed", CHARTS)]


def test_a_failed_write_changes_nothing_and_tells_no_one(qtbot, home_db):
    from emar.services.audit import record_event

    screen, changed = Screen(home_db), []
    screen.desk.changes.happened.connect(changed.append)
    before = events(home_db)

    def write(s):
        record_event(s, "test.write", staff_id=None, detail={})
        raise ValidationError("no")

    WriteOp(screen, write, CHARTS).run_in_background()
    qtbot.waitUntil(lambda: bool(screen.failures), timeout=10_000)
    assert str(screen.failures[0]) == "no" and changed == [] and events(home_db) == before


@pytest.mark.parametrize("signed", [False, True])
def test_a_refused_pin_is_kept_only_when_the_write_is_signed(qtbot, home_db, signed):
    screen = Screen(home_db)
    before = events(home_db)

    def write(s):
        raise PinRefused("Check: wrong username or PIN.", "amy", "Check", True)

    op = WriteOp(screen, write, CHARTS)
    (op.signed() if signed else op).run_in_background()
    qtbot.waitUntil(lambda: bool(screen.failures), timeout=10_000)
    assert events(home_db) == before + (1 if signed else 0)
