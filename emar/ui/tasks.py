"""The one helper for background work: run a function on the thread pool, get the result on the
GUI thread. Database and file work goes through here so the window never freezes.

Every job's outcome comes back through one relay object that lives as long as the process (it has
no parent, so no window can take it down with it). The relay finds the job's runner by a key; a
runner that was closed or deleted meanwhile (its window went away, the screen was locked) is
simply not found, and the late result is dropped. Nothing Qt is created or destroyed per job, so
a worker never touches an object the GUI has deleted.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

Ticket = tuple[int, int]  # (runner key, job id)


class _Relay(QObject):
    done = Signal(object, object)
    failed = Signal(object, object)

    def __init__(self) -> None:
        super().__init__()
        self.runners: dict[int, TaskRunner] = {}
        self.done.connect(self._on_done)
        self.failed.connect(self._on_failed)

    def _runner(self, ticket: Ticket) -> TaskRunner | None:
        runner = self.runners.get(ticket[0])
        if runner is None or not shiboken6.isValid(runner):
            self.runners.pop(ticket[0], None)
            return None
        return runner

    @Slot(object, object)
    def _on_done(self, ticket: Ticket, result: object) -> None:
        runner = self._runner(ticket)
        if runner is not None:
            runner._deliver(ticket[1], result, failed=False)

    @Slot(object, object)
    def _on_failed(self, ticket: Ticket, exc: object) -> None:
        runner = self._runner(ticket)
        if runner is not None:
            runner._deliver(ticket[1], exc, failed=True)


_relay: _Relay | None = None
_keys = itertools.count(1)


def _the_relay() -> _Relay:
    """Created on the GUI thread by the first runner; kept until the process ends."""
    global _relay
    if _relay is None:
        _relay = _Relay()
    return _relay


class _Job(QRunnable):
    def __init__(self, ticket: Ticket, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.ticket, self.fn, self.relay = ticket, fn, relay

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # delivered to the GUI thread, shown there
            self.relay.failed.emit(self.ticket, exc)
        else:
            self.relay.done.emit(self.ticket, result)


Callbacks = tuple[Callable[[Any], None], Callable[[BaseException], None]]


class TaskRunner(QObject):
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._relay = _the_relay()
        self._key = next(_keys)
        self._relay.runners[self._key] = self
        self.destroyed.connect(lambda _=None, key=self._key: _forget(key))
        self._pending: dict[int, Callbacks] = {}
        self._latest: dict[str, int] = {}
        self._ids = itertools.count(1)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        job_id = next(self._ids)
        self._pending[job_id] = (on_done, on_error)
        if len(self._pending) == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Job((self._key, job_id), fn, self._relay))

    def run_latest(
        self,
        key: str,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Like `run`, for loads that replace what is on screen: only the latest job of `key`
        delivers, so an older, slower load never overwrites a newer one."""
        ticket = self._latest[key] = self._latest.get(key, 0) + 1

        def done(result: Any) -> None:
            if self._latest.get(key) == ticket:
                on_done(result)

        self.run(fn, done, on_error)

    def forget(self, key: str) -> None:
        """Whatever `key`'s jobs still running bring back is dropped."""
        self._latest[key] = self._latest.get(key, 0) + 1

    def drop_pending(self) -> None:
        """Forget the callbacks of jobs still running (their results will be dropped)."""
        if self._pending:
            self._pending.clear()
            self.busy_changed.emit(False)

    def _deliver(self, job_id: int, outcome: object, *, failed: bool) -> None:
        callbacks = self._pending.pop(job_id, None)
        if callbacks is None:
            return
        if not self._pending:
            self.busy_changed.emit(False)
        if not failed:
            callbacks[0](outcome)
        elif isinstance(outcome, BaseException):
            callbacks[1](outcome)

    def close(self, msecs: int = 10_000) -> bool:
        """For shutdown: no callback runs after this; waits for running jobs to end."""
        self._pending.clear()
        _forget(self._key)
        return self._pool.waitForDone(msecs)

    wait_for_done = close


def _forget(key: int) -> None:
    if _relay is not None:
        _relay.runners.pop(key, None)
