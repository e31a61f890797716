"""Reads and writes off the GUI thread, in the style of Anki's `QueryOp` / `CollectionOp`
(qt/aqt/operations): a screen says what to do with a session and what to do with the answer;
the work runs on the task pool and the answer comes back on the GUI thread.

After a write has committed, every open screen of this PC is told (`Changes.happened`), so no
screen refreshes another by hand. Records made on other PCs still arrive through each screen's
poll.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, Self, TypeVar

from PySide6.QtCore import QObject, Signal

from emar.infra.db import Database, Session
from emar.services.staff.signing import write_signed
from emar.ui.tasks import TaskRunner

T = TypeVar("T")
Clock = Callable[[], datetime]

# What a write changed, for screens that only care about some of it.
RECORDS = "records"  # administrations, PRN outcomes, corrections
CHARTS = "charts"  # chart lines and their checks
RESIDENTS = "residents"  # admission, details, absences, leaving
STOCK = "stock"
CATALOGUE = "catalogue"
HOME = "home"  # the home's settings
REVIEWS = "reviews"  # pharmacists' reviews and their recommendations
STAFF = "staff"  # staff accounts


class Changes(QObject):
    """This PC's writes, announced after their commit."""

    happened = Signal(str)


@dataclass
class Desk:
    """What every screen of one PC shares."""

    db: Database
    changes: Changes
    clock: Clock


def new_desk(db: Database, clock: Clock = lambda: datetime.now(UTC)) -> Desk:
    return Desk(db, Changes(), clock)


class Screen(Protocol):
    """A screen that runs operations: its desk, its own task runner (dropped when it closes),
    and where a failure is shown."""

    desk: Desk
    tasks: TaskRunner

    def fail(self, exc: BaseException) -> None: ...


class QueryOp(Generic[T]):
    """Read with a session off the GUI thread; `success` gets the answer on the GUI thread."""

    def __init__(self, screen: Screen, op: Callable[[Session], T]) -> None:
        self.screen, self.op = screen, op
        self._success: Callable[[T], Any] = lambda _result: None
        self._failure: Callable[[BaseException], Any] = screen.fail
        self._latest: str | None = None

    def success(self, fn: Callable[[T], Any]) -> Self:
        self._success = fn
        return self

    def failure(self, fn: Callable[[BaseException], Any]) -> Self:
        self._failure = fn
        return self

    def latest(self, key: str) -> Self:
        """Only the newest answer of `key` is shown: an older, slower one never replaces it."""
        self._latest = key
        return self

    def _job(self) -> T:
        with self.screen.desk.db.read() as session:
            return self.op(session)

    def _done(self, result: T) -> None:
        self._success(result)

    def run_in_background(self) -> None:
        tasks = self.screen.tasks
        if self._latest is None:
            tasks.run(self._job, self._done, self._failure)
        else:
            tasks.run_latest(self._latest, self._job, self._done, self._failure)


class WriteOp(QueryOp[T]):
    """One write transaction off the GUI thread. `success` runs after the commit (only then may
    a screen say "recorded"), and then every screen hears that `changed` changed (None: a write
    no screen shows, such as a sign-in attempt)."""

    def __init__(self, screen: Screen, op: Callable[[Session], T], changed: str | None) -> None:
        super().__init__(screen, op)
        self.changed = changed
        self._signed = False

    def signed(self) -> Self:
        """The write checks someone's PIN: a refused PIN is recorded in its own transaction,
        which commits although the write itself does not."""
        self._signed = True
        return self

    def _job(self) -> T:
        db = self.screen.desk.db
        if self._signed:
            return write_signed(db, self.op)
        with db.write() as session:
            return self.op(session)

    def _done(self, result: T) -> None:
        self._success(result)
        if self.changed is not None:
            self.screen.desk.changes.happened.emit(self.changed)
