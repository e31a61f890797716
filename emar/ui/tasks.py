"""The one helper for background work: run a function on the thread pool, get the result on the
GUI thread. Database and file work goes through here so the window never freezes.

One long-lived relay object carries every job's outcome back (queued signal, job id); nothing
Qt is created or destroyed per job, so a worker never touches an object the GUI has deleted.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class _Relay(QObject):
    done = Signal(int, object)
    failed = Signal(int, object)


class _Job(QRunnable):
    def __init__(self, job_id: int, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.job_id, self.fn, self.relay = job_id, fn, relay

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # delivered to the GUI thread, shown there
            self.relay.failed.emit(self.job_id, exc)
        else:
            self.relay.done.emit(self.job_id, result)


Callbacks = tuple[Callable[[Any], None], Callable[[BaseException], None]]


class TaskRunner(QObject):
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._relay = _Relay(self)
        self._relay.done.connect(self._on_done)
        self._relay.failed.connect(self._on_failed)
        self._pending: dict[int, Callbacks] = {}
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
        self._pool.start(_Job(job_id, fn, self._relay))

    def _take(self, job_id: int) -> Callbacks | None:
        callbacks = self._pending.pop(job_id, None)
        if not self._pending:
            self.busy_changed.emit(False)
        return callbacks

    @Slot(int, object)
    def _on_done(self, job_id: int, result: object) -> None:
        callbacks = self._take(job_id)
        if callbacks:
            callbacks[0](result)

    @Slot(int, object)
    def _on_failed(self, job_id: int, exc: object) -> None:
        callbacks = self._take(job_id)
        if callbacks and isinstance(exc, BaseException):
            callbacks[1](exc)

    def wait_for_done(self, msecs: int = 10_000) -> bool:
        """For shutdown: wait for running jobs; their callbacks are dropped."""
        self._pending.clear()
        return self._pool.waitForDone(msecs)
