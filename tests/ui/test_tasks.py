"""The background-work helper: results reach the GUI thread, the latest load wins, and a result
for a window that has gone is dropped without touching it."""

import threading

import shiboken6
from PySide6.QtWidgets import QWidget

from emar.ui.tasks import TaskRunner


def test_a_result_arrives_on_the_gui_thread(qtbot):
    runner = TaskRunner()
    got = []
    runner.run(lambda: threading.current_thread().name, got.append, got.append)
    qtbot.waitUntil(lambda: len(got) == 1)
    assert got[0] != threading.current_thread().name  # computed on a worker...
    assert not runner.busy  # ...delivered here, and nothing is pending


def test_an_older_slower_load_never_overwrites_a_newer_one(qtbot):
    runner = TaskRunner()
    release = threading.Event()
    shown = []
    runner.run_latest("resident", lambda: release.wait(5) and "old", shown.append, shown.append)
    runner.run_latest("resident", lambda: "new", shown.append, shown.append)
    qtbot.waitUntil(lambda: shown == ["new"])
    release.set()
    qtbot.waitUntil(lambda: not runner.busy)
    assert shown == ["new"]


def test_a_result_for_a_deleted_window_is_dropped(qtbot):
    window = QWidget()
    runner = TaskRunner(window)
    release, called = threading.Event(), []
    runner.run(lambda: release.wait(5) and "late", called.append, called.append)
    shiboken6.delete(window)  # the window (and its runner) are gone while the job runs
    release.set()
    other = TaskRunner()  # a later job on the same relay still works
    done = []
    other.run(lambda: "ok", done.append, done.append)
    qtbot.waitUntil(lambda: done == ["ok"])
    from PySide6.QtCore import QThreadPool

    assert QThreadPool.globalInstance().waitForDone(10_000)  # the late job has finished
    qtbot.wait(50)  # and its queued result has been handled (dropped)
    assert called == []


def test_a_closed_runner_delivers_nothing(qtbot):
    runner = TaskRunner()
    called = []
    runner.run(lambda: "late", called.append, called.append)
    assert runner.close()  # waits for the job
    qtbot.wait(50)
    assert called == []
