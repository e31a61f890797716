"""What a carer records on the round without scanning a pack: a dose given from a pack with no
barcode, a dose not given and why, a late entry, a correction of an entry on the MAR, and how a
PRN dose worked. Each is one write; the screen says "recorded" after its commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from emar.domain.codes import DROPPED, OTHER
from emar.domain.doses import DoseState, effective_entries
from emar.domain.rights.entry_time import LATE_ENTRY_FOR, may_fill_in_late
from emar.domain.schedule import nearest_instant
from emar.infra.db import Session
from emar.services.charts.disposals import WITNESS_NEEDED
from emar.services.round.due import DueDose
from emar.services.round.recording import (
    Recorded,
    correct_entry,
    not_given_codes,
    record_not_given,
    record_prn_outcome,
)
from emar.services.staff.signing import Signature
from emar.ui.operations import RECORDS, QueryOp, WriteOp
from emar.ui.round.giving import GivingFlow
from emar.ui.round.not_given_dialog import CodeChoice

if TYPE_CHECKING:
    from emar.ui.round.workspace import RoundWorkspace

CHOOSE_DOSE = "Choose the dose in the list first."


class DoseActions:
    def __init__(self, round_: RoundWorkspace) -> None:
        self.round = round_
        self.ask = round_.questions
        page = round_.page
        page.give_button.clicked.connect(self.give_without_scan)
        page.not_given_button.clicked.connect(self.not_given)
        page.late_button.clicked.connect(self.late_entry)
        page.correct_button.clicked.connect(self.correct_selected)
        round_.round_list.prn_outcome_button.clicked.connect(self.record_prn_outcome)

    def _chosen_dose(self) -> DueDose | None:
        dose = self.round.page.selected_dose()
        if dose is None or self.round.who() is None:
            self.round.messages.problem(CHOOSE_DOSE)
            return None
        return dose

    def _write(
        self,
        write: Callable[[Session], Recorded],
        refused: Callable[[BaseException], bool] | None = None,
    ) -> None:
        """One write off the GUI thread; "recorded" is shown after its commit. `refused` may
        take a refusal in hand (True), else it is shown."""
        blocked = self.round.giving.blocked
        if blocked:
            self.round.messages.problem(f"NOT RECORDED: {blocked}")
            return

        def failed(exc: BaseException) -> None:
            if refused is None or not refused(exc):
                self.round.messages.problem(str(exc))

        WriteOp(self.round, write, RECORDS).success(
            lambda done: self.round.recorded_here(done.message)
        ).failure(failed).run_in_background()

    def give_without_scan(self) -> None:
        dose = self._chosen_dose()
        if dose is None:
            return
        reason = self.ask.ask_text(
            self.round, "No barcode to scan", f"Why can {dose.medicine} not be scanned?"
        )
        who = self.round.who()
        if not reason or who is None:
            return
        self.round.messages.moved_on()
        self.round.giving.start(
            GivingFlow(
                *who,
                line_id=dose.chart_line_id,
                scheduled_at=dose.scheduled_at,
                no_scan_reason=reason,
            )
        )

    def not_given(self) -> None:
        dose = self._chosen_dose()
        if dose is None:
            return
        if dose.state == DoseState.MISSED:
            self.late_entry()  # a missed slot is filled in as a late entry, with its reason
            return
        self._with_codes(lambda codes: self._ask_not_given(dose, codes))

    def late_entry(self) -> None:
        """Fill in a dose whose time has passed: given earlier, or not given; flagged."""
        dose = self._chosen_dose()
        if dose is None:
            return
        if not may_fill_in_late(dose.scheduled_at, dose.entry is not None, self.round.desk.clock()):
            self.round.messages.problem(LATE_ENTRY_FOR)
            return
        self._with_codes(lambda codes: self._ask_late(dose, codes))

    def _with_codes(self, then: Callable[[list[CodeChoice]], None]) -> None:
        QueryOp(self.round, lambda s: [CodeChoice(*row) for row in not_given_codes(s)]).success(
            then
        ).run_in_background()

    def _ask_not_given(self, dose: DueDose, codes: list[CodeChoice]) -> None:
        if self.round.who() is None:
            return
        answer = self.ask.ask_not_given(self.round, codes, dose.medicine)
        if answer is not None:
            self._record_not_given(dose, *answer)

    def _ask_late(self, dose: DueDose, codes: list[CodeChoice]) -> None:
        if self.round.who() is None:
            return
        due = dose.scheduled_at.astimezone(dose.zone)
        question = f"What happened to the {due:%H:%M} dose of {dose.medicine} ({dose.dose})?"
        answer = self.ask.ask_late_entry(self.round, codes, question, due.time())
        who = self.round.who()
        if answer is None or who is None:
            return
        if answer.given_at is not None:
            self.round.messages.moved_on()
            self.round.giving.start(
                GivingFlow(
                    *who,
                    line_id=dose.chart_line_id,
                    scheduled_at=dose.scheduled_at,
                    no_scan_reason="late entry: recorded after the dose",
                    given_at=nearest_instant(dose.scheduled_at, answer.given_at, dose.zone),
                    late_reason=answer.reason,
                )
            )
            return
        self._record_not_given(dose, answer.code or OTHER, answer.note, answer.reason)

    def _record_not_given(
        self,
        dose: DueDose,
        code: str,
        note: str | None,
        late_reason: str | None = None,
        witness: Signature | None = None,
    ) -> None:
        who = self.round.who()
        if who is None:
            return
        resident_id, staff_id = who
        now = self.round.desk.clock()

        def needs_witness(exc: BaseException) -> bool:
            """Code D for a CD the home witnesses: its destruction needs a witness's PIN."""
            if code != DROPPED or witness is not None or str(exc) != WITNESS_NEEDED:
                return False
            signed = self.ask.ask_witness(self.round, dose.medicine)
            if signed is None:
                self.round.messages.problem(f"NOT RECORDED: {WITNESS_NEEDED}")
            else:
                self._record_not_given(dose, code, note, late_reason, Signature(*signed))
            return True

        self._write(
            lambda session: record_not_given(
                session,
                resident_id=resident_id,
                chart_line_id=dose.chart_line_id,
                staff_id=staff_id,
                code=code,
                now=now,
                scheduled_at=dose.scheduled_at,
                note=note,
                late_entry_reason=late_reason,
                witness=witness,
            ),
            needs_witness,
        )

    def correct_selected(self) -> None:
        """Correct the current entry of the chosen MAR cell: a new entry supersedes it."""
        entries = self.round.page.selected_entries()
        user = self.round.user
        if not entries or user is None:
            self.round.messages.problem("Choose a MAR cell that has an entry.")
            return
        current = effective_entries(entries)[-1]
        answer = self.ask.ask_correction(self.round, current.staff_name)
        if answer is None:
            return
        outcome, code, reason = answer
        staff_id, now = user.id, self.round.desk.clock()
        self._write(
            lambda session: correct_entry(
                session,
                administration_id=current.id,
                staff_id=staff_id,
                reason=reason,
                now=now,
                outcome=outcome,
                code=code,
            )
        )

    def record_prn_outcome(self) -> None:
        alert = self.round.round_list.selected_alert()
        user = self.round.user
        if alert is None or alert.administration_id is None or user is None:
            self.round.messages.problem("Choose a PRN outcome alert first.")
            return
        answer = self.ask.ask_prn_outcome(self.round, alert.message)
        if answer is None:
            return
        effect, note = answer
        admin_id, staff_id, now = alert.administration_id, user.id, self.round.desk.clock()
        self._write(
            lambda session: record_prn_outcome(
                session,
                administration_id=admin_id,
                staff_id=staff_id,
                effect=effect,
                note=note,
                now=now,
            )
        )
