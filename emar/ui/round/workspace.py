"""The round: the residents' list on the left, the open resident on the right, and the dose in
hand. It is the screen that takes every scan no other screen wants (see scanning/router.py)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSplitter

from emar.devices.scan import Scan
from emar.devices.scan_parser import UNKNOWN
from emar.domain.scan_intents import STAFF, RoundScreen, RoundUse, round_use
from emar.infra.db import Session
from emar.services.permissions import Action, allowed
from emar.services.residents.reading import ResidentSummary
from emar.services.round.alerts import Alert, alerts
from emar.services.round.due import ResidentRound, due_list
from emar.services.round.resident_view import ResidentDetail, resident_detail
from emar.services.staff.accounts import StaffView
from emar.services.staff.signing import badge_holder
from emar.ui.operations import Desk, QueryOp
from emar.ui.round.dialogs import RoundQuestions
from emar.ui.round.dose_actions import DoseActions
from emar.ui.round.giving import Giving, GivingFlow
from emar.ui.round.resident_page import ResidentPage
from emar.ui.round.round_list import RoundList
from emar.ui.tasks import TaskRunner
from emar.ui.widgets.banners import Messages

Loaded = tuple[list[ResidentRound], list[Alert]]


class RoundWorkspace(QSplitter):
    round_loaded = Signal()
    resident_loaded = Signal(int)
    recorded = Signal(str)

    def __init__(
        self,
        desk: Desk,
        messages: Messages,
        questions: RoundQuestions,
        unit_id: Callable[[], int | None],
    ) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self.desk, self.messages, self.questions, self.unit_id = desk, messages, questions, unit_id
        self.tasks = TaskRunner(self)
        self.user: StaffView | None = None
        self.resident: ResidentSummary | None = None
        self.can_administer = False
        self.unseen: str | None = None  # a failed save that ended on a locked screen
        self.round_list = RoundList()
        self.round_list.resident_chosen.connect(self._chosen)
        self.page = ResidentPage()
        self.addWidget(self.round_list)
        self.addWidget(self.page)
        self.setSizes([700, 660])
        self.giving = Giving(
            self, self.page.verdict, questions.ask_override, self, questions=questions
        )
        self.giving.recorded.connect(self.recorded_here)
        self.giving.failed.connect(self.fail)
        self.giving.not_recorded.connect(self._not_recorded)
        self.actions = DoseActions(self)
        desk.changes.happened.connect(self._changed)

    # --- who is here --------------------------------------------------------------------
    def begin(self, user: StaffView) -> None:
        self.user = user
        self.can_administer = allowed(user.role, Action.ADMINISTER)
        self.page.allow(administer=self.can_administer, correct=allowed(user.role, Action.CORRECT))
        if self.unseen:
            self.messages.problem(self.unseen)
            self.unseen = None
        self.load_round()

    def end(self) -> None:
        """Locked: every resident detail and the dose in hand (its PIN and reason) are gone."""
        self.user = None
        self.resident = None
        self.tasks.forget("resident")  # a resident still loading is not shown after sign-in
        self.round_list.clear()
        self.page.clear()
        self.giving.end()
        self.page.allow(administer=False, correct=False)

    def who(self) -> tuple[int, int] | None:
        """(resident, staff member) of the dose in hand, if both are there."""
        if self.user is None or self.resident is None:
            return None
        return self.resident.id, self.user.id

    def fail(self, exc: BaseException) -> None:
        self.messages.database(exc)

    # --- loading ------------------------------------------------------------------------
    def load_round(self) -> None:
        unit_id, now = self.unit_id(), self.desk.clock()
        staff_id = self.user.id if self.user else None

        def fetch(session: Session) -> Loaded:
            rounds = due_list(session, now, unit_id=unit_id)
            return rounds, alerts(session, now, unit_id=unit_id, rounds=rounds, staff_id=staff_id)

        QueryOp(self, fetch).latest("round").success(self._show_round).run_in_background()

    def _show_round(self, loaded: Loaded) -> None:
        if self.user is None:
            return  # locked meanwhile: show nothing
        rounds, found = loaded
        self.messages.answered()
        self.round_list.show_round(rounds, found, self.resident.id if self.resident else None)
        self.messages.status(f"{len(rounds)} residents")
        self.round_loaded.emit()

    def open_resident(self, resident_id: int) -> None:
        """Only the latest request is shown: a slower, older load must not switch the screen
        back to the resident before."""
        now = self.desk.clock()
        QueryOp(self, lambda s: resident_detail(s, resident_id, now)).latest("resident").success(
            self._show_resident
        ).run_in_background()

    def _show_resident(self, detail: ResidentDetail | None) -> None:
        if self.user is None:
            return
        if detail is None:
            self.messages.problem("That resident label is not for a current resident.")
            return
        if self.resident is not None and self.resident.id != detail.resident.id:
            self.giving.end()  # a dose for one resident never carries over to the next
        self.resident = detail.resident
        self.round_list.follow(detail.resident.id)
        self.page.show_detail(detail)
        self.resident_loaded.emit(detail.resident.id)

    def _changed(self, _kind: str) -> None:
        self.reload()  # any change on this PC may touch the round

    def reload(self) -> None:
        """After a write on this PC, or on the poll for other PCs' records."""
        if self.user is None:
            return
        self.load_round()
        if self.resident is not None and self.giving.flow is None:
            self.open_resident(self.resident.id)

    def poll(self) -> None:
        """Another PC's records show here within seconds; a verdict waiting for Confirm is
        checked again, so a dose given meanwhile elsewhere turns it into a stop."""
        if self.user is not None and not self.tasks.busy:
            self.reload()
            self.giving.reverify()

    def _chosen(self, resident_id: int) -> None:
        if self.resident is None or resident_id != self.resident.id:
            self.giving.end()
            self.messages.moved_on()
        self.open_resident(resident_id)

    # --- scans ----------------------------------------------------------------------------
    def takes(self, scan: Scan) -> bool:
        return True  # the last resort: whatever no other screen took

    def take_scan(self, scan: Scan) -> None:
        parsed = scan.parsed
        verdict = self.page.verdict
        screen = RoundScreen(
            signed_in=self.user is not None,
            on_sign_in_page=False,
            witness_wanted=verdict.isVisible() and verdict.witness.isVisible(),
            resident_open=self.resident is not None,
            can_administer=self.can_administer,
        )
        found = round_use(parsed.kind, parsed.label_value, parsed.problem or UNKNOWN, screen)
        if found.use == RoundUse.WITNESS:
            badge = parsed.label_value or ""
            QueryOp(self, lambda s: badge_holder(s, badge)).success(
                self._fill_witness
            ).run_in_background()
            return
        if parsed.kind == STAFF:
            return  # a badge mid-round is not an action: "recorded" stays
        self.messages.moved_on()
        if found.use == RoundUse.OPEN_RESIDENT:
            self.giving.end()
            self.open_resident(int(parsed.label_value or 0))
        elif found.use == RoundUse.GIVE and self.user and self.resident:
            self.messages.problem_banner.hide()
            self.giving.start(GivingFlow(self.resident.id, self.user.id, scan=parsed))
        elif found.use == RoundUse.REFUSE:
            self.messages.problem(found.message or UNKNOWN, parsed.detail)

    def _fill_witness(self, holder: StaffView | None) -> None:
        verdict = self.page.verdict
        if holder is not None and verdict.witness.isVisible():
            verdict.witness.setText(holder.username)
            verdict.witness_pin.setFocus()

    # --- after recording ------------------------------------------------------------------
    def recorded_here(self, message: str) -> None:
        """The commit has happened: say so until the next action (not on a locked screen: the
        message names a resident). The screens reload when they hear of the change."""
        if self.user is not None:
            self.messages.done(message)
            self.recorded.emit(message)

    def _not_recorded(self, message: str) -> None:
        if self.user is None:
            self.unseen = message  # shown to whoever signs in next, not on the lock screen
        else:
            self.messages.problem(message)
