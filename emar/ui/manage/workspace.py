"""What every tab of the Manage window shares: the window it lives in (the desk, the background
runner, the message line, who is signed in) and the lists the window loads for all tabs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QComboBox, QWidget

from emar.devices.scan import Scan
from emar.domain.scan_intents import pack_gtin
from emar.errors import EmarError, RoomOccupied
from emar.infra.db import Session
from emar.services.home import HomeSettings, UnitView
from emar.services.residents.reading import ResidentSummary
from emar.services.rooms import RoomView
from emar.ui.manage.dialogs import ManageQuestions
from emar.ui.operations import Desk, QueryOp, WriteOp
from emar.ui.tasks import TaskRunner

T = TypeVar("T")


@dataclass(frozen=True)
class Lists:
    """Loaded once for all tabs when the window opens, is shown again, or something changed."""

    units: list[UnitView]
    residents: list[ResidentSummary]
    home: HomeSettings
    rooms: list[RoomView] = field(default_factory=list)  # the active rooms, offered at admission


class Host(Protocol):
    desk: Desk
    tasks: TaskRunner
    questions: ManageQuestions
    zone: ZoneInfo
    staff_id: Callable[[], int | None]

    def fail(self, exc: BaseException) -> None: ...

    def ok(self, text: str) -> None: ...

    def warn(self, text: str) -> None: ...


class ManageTab(QWidget):
    title = ""

    def __init__(self, host: Host) -> None:
        super().__init__()
        self.host = host
        self.ask = host.questions

    def fail(self, exc: BaseException) -> None:
        self.host.fail(exc)

    def refuse(self, message: str) -> None:
        self.host.fail(EmarError(message))

    def write(
        self, op: Callable[[Session], Any], changed: str, done: str | Callable[[Any], str]
    ) -> None:
        """One write in the background; after its commit, say so (`done`, or `done` of what the
        write returned), and every screen then reloads."""
        WriteOp(self.host, op, changed).success(
            lambda result: self.host.ok(done if isinstance(done, str) else done(result))
        ).run_in_background()

    def write_sharing(
        self, op: Callable[[Session, bool], Any], changed: str, done: Callable[[Any], str]
    ) -> None:
        """A write that puts a resident in a room (`op(session, share)`): if someone else lives
        there, ask whether they share it, and only on yes write again saying so."""

        def refused(exc: BaseException) -> None:
            if isinstance(exc, RoomOccupied) and self.ask.confirm(self, "Room", exc.question):
                self.write(lambda s: op(s, True), changed, done)
            else:
                self.fail(exc)

        WriteOp(self.host, lambda s: op(s, False), changed).success(
            lambda result: self.host.ok(done(result))
        ).failure(refused).run_in_background()

    def read_for_resident(
        self,
        combo: QComboBox,
        key: str,
        read: Callable[[Session, int, datetime], T],
        show: Callable[[T], None],
    ) -> None:
        """Read what the tab shows for the resident chosen in `combo`, in the background; only
        the latest read of `key` is shown (choosing quickly shows the last one chosen)."""
        rid = combo.currentData()
        if rid is None:
            return
        now = self.host.desk.clock()
        QueryOp(self.host, lambda s: read(s, rid, now)).latest(key).success(
            show
        ).run_in_background()

    def show_lists(self, lists: Lists) -> None:
        """The window's lists arrived (after opening, showing again, or a change)."""

    def takes(self, scan: Scan) -> bool:
        return False

    def take_scan(self, scan: Scan) -> None:
        """Only called when `takes` said yes."""

    def scanned_pack(self, scan: Scan, wanted: str) -> str | None:
        """The GTIN of a scanned pack; else None, having said why the scan is not one (`wanted`
        says what this tab was waiting for)."""
        parsed = scan.parsed
        gtin, problem = pack_gtin(parsed.kind, parsed.gtin, parsed.problem, wanted)
        if gtin is None:
            self.refuse(problem)
        return gtin

    def first_field(self) -> QWidget | None:
        return None


def fill_residents(combo: QComboBox, residents: list[ResidentSummary]) -> None:
    """The residents, keeping the one chosen (filling the list is not choosing)."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for r in residents:
        combo.addItem(f"{r.room}  {r.name}", r.id)
    combo.setCurrentIndex(max(combo.findData(current), 0))
    combo.blockSignals(False)
