"""Giving one dose: from the pack scan (or "give without a barcode") to "recorded", or abandoned.

`GivingFlow` is the state of one dose and nothing else; `Giving` runs it. A flow starts with a
scan or a chosen dose and ends when the dose is recorded, cancelled, the resident changes, or the
screen locks. Its end clears everything typed for it (dose choice, PRN reason, witness and PIN,
site, no-scan reason, override), and any answer from the database that arrives for a flow that
has ended is dropped, so nothing of one dose can reach the next.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from emar.devices.scan_parser import ParsedScan
from emar.domain.clock_text import clock
from emar.domain.scan_intents import PACK_LABEL_REASON, DoseScan, dose_scan
from emar.domain.verdict import Verdict
from emar.errors import EmarError
from emar.infra.db import Session
from emar.services.home import get_home
from emar.services.round.recording import Override, Recorded, last_site, record_given
from emar.services.round.verification import Intent, PackScan, verify
from emar.services.staff.signing import Signature
from emar.ui.operations import RECORDS, QueryOp, Screen, WriteOp
from emar.ui.round.dialogs import OverrideAnswer, RoundQuestions
from emar.ui.round.verdict_panel import VerdictPanel

_flow_ids = itertools.count(1)


@dataclass
class GivingFlow:
    """One dose being given. `scan` is the pack scanned; without one, `line_id` and
    `scheduled_at` say which dose was chosen on screen and `no_scan_reason` why."""

    resident_id: int
    staff_id: int
    scan: ParsedScan | None = None
    line_id: int | None = None
    scheduled_at: datetime | None = None
    no_scan_reason: str | None = None
    dose: Decimal | None = None  # chosen from a range; None = the line's fixed dose
    given_at: datetime | None = None  # a late entry: when it was really given
    late_reason: str | None = None  # a late entry: why it is recorded only now
    route: str | None = None  # without a pack: the route the carer confirmed
    expiry_read: date | None = None  # the scan could not show the expiry: read off the pack
    expiry_not_shown: bool = False  # ... and the pack shows none
    verdict: Verdict | None = None
    checks: int = 0  # verifications asked for; only the latest answer is shown
    saving: bool = False  # Confirm pressed: the write is on its way to the database
    id: int = field(default_factory=lambda: next(_flow_ids))

    def scanned(self) -> DoseScan:
        scan = self.scan
        return dose_scan(scan.kind, scan.gtin, scan.label_value) if scan else DoseScan()

    def intent(self, at: datetime) -> Intent:
        scan, scanned = self.scan, self.scanned()
        pack = None
        if scan is not None and scanned.gtin:
            pack = PackScan(
                scanned.gtin,
                scan.batch,
                scan.expiry,
                scan.serial,
                expiry_uncertain=scan.expiry_uncertain,
                expiry_read=self.expiry_read,
                expiry_not_shown=self.expiry_not_shown,
            )
        line_id = scanned.line_id if scanned.line_id is not None else self.line_id
        return Intent(
            self.resident_id,
            self.staff_id,
            self.given_at or at,
            pack=pack,
            chart_line_id=line_id,
            scheduled_at=self.scheduled_at,
            dose=self.dose,
            route=self.route if pack is None else None,
        )

    @property
    def why_no_scan(self) -> str | None:
        if self.scanned().gtin:
            return None
        return self.no_scan_reason or PACK_LABEL_REASON

    @property
    def ready(self) -> bool:
        """Showing a verdict that may be confirmed now."""
        return self.verdict is not None and not self.verdict.blocked and not self.saving

    @property
    def what(self) -> str:
        """The dose in words, for a message that outlives the flow."""
        verdict = self.verdict
        if verdict is None or verdict.line is None:
            return "this dose"
        return f"{verdict.line.medicine} for {verdict.resident_name}"


class Giving(QObject):
    """Runs the flow on the verdict panel: verify off the GUI thread, show, confirm, record."""

    verdict_shown = Signal(object)  # Verdict
    recorded = Signal(str)
    failed = Signal(object)  # an exception that is not a rule's answer (database gone...)
    # a save that failed after its dose left the screen (another resident, locked): said aloud
    not_recorded = Signal(str)
    ended = Signal()

    def __init__(
        self,
        screen: Screen,
        panel: VerdictPanel,
        ask_override: Callable[[QWidget, str], OverrideAnswer | None],
        parent: QWidget,
        questions: RoundQuestions | None = None,
    ) -> None:
        super().__init__(parent)
        self.screen, self.panel, self.clock = screen, panel, screen.desk.clock
        self._ask_override = ask_override
        self._questions = questions  # read when asked: tests answer in its place
        self._parent = parent
        self.flow: GivingFlow | None = None
        self.blocked: str | None = None  # why nothing may be recorded on this PC (its clock)
        panel.confirmed.connect(self.confirm)
        panel.cancelled.connect(self.cancel)
        panel.override_requested.connect(self.override)
        panel.dose_chosen.connect(self.choose_dose)
        panel.route_confirmed.connect(self.answer_route)
        panel.other_route_requested.connect(self.other_route)
        panel.expiry_answered.connect(self.answer_expiry)

    # --- a flow's life ----------------------------------------------------------------------
    def start(self, flow: GivingFlow) -> None:
        """A new dose: whatever was on screen for the last one is gone first."""
        self.end()
        self.flow = flow
        self._verify(flow)

    def cancel(self) -> None:
        """Cancel (Esc): not while the dose is being saved, so its outcome is seen."""
        if self.flow is not None and not self.flow.saving:
            self.end()

    def end(self) -> None:
        """Recorded, cancelled, another resident, or locked: nothing of this dose remains. A save
        still on its way is not lost: its outcome is reported when it arrives."""
        had = self.flow is not None
        self.flow = None
        self.panel.reset()
        if had:
            self.ended.emit()

    def choose_dose(self, dose: object) -> None:
        flow = self.flow
        if flow is not None and not flow.saving and isinstance(dose, Decimal):
            flow.dose = dose
            self._recheck(flow)

    def answer_route(self, route: str) -> None:
        """The route given without a barcode: the chart's, confirmed, or another (a stop)."""
        flow = self.flow
        if flow is not None and not flow.saving and route.strip():
            flow.route = route.strip()
            self._recheck(flow)

    def other_route(self) -> None:
        flow = self.flow
        if flow is None or self._questions is None:
            return
        ask = self._questions.ask_text
        route = ask(self._parent, "Route", "Which route is it being given by?")
        if route and flow is self.flow:
            self.answer_route(route)

    def answer_expiry(self, read: object) -> None:
        """The expiry read off the pack (a date), or None: the pack shows none."""
        flow = self.flow
        if flow is None or flow.saving:
            return
        flow.expiry_read = read if isinstance(read, date) else None
        flow.expiry_not_shown = read is None
        self._recheck(flow)

    def _recheck(self, flow: GivingFlow) -> None:
        flow.verdict = None  # nothing may be confirmed until the answer is checked
        self.panel.busy()
        self._verify(flow)

    def reverify(self) -> None:
        """The data under a ready verdict may have changed (another PC gave the dose)."""
        if self.flow is not None and self.flow.ready:
            self._verify(self.flow, refresh=True)

    # --- verify -----------------------------------------------------------------------------
    def _verify(self, flow: GivingFlow, refresh: bool = False) -> None:
        flow.checks += 1
        check = flow.checks
        intent = flow.intent(self.clock())
        now = self.clock

        def job(session: Session) -> tuple[Verdict, str | None]:
            verdict = verify(session, intent, now())
            site = None
            if verdict.line is not None:
                found = last_site(session, verdict.line.id)
                if found:
                    site = f"{found[0]}, {clock(found[1], get_home(session).zone, now())}"
            return verdict, site

        QueryOp(self.screen, job).success(
            lambda result: self._show(flow, result, refresh, check)
        ).failure(self.failed.emit).run_in_background()

    def _show(
        self,
        flow: GivingFlow,
        result: tuple[Verdict, str | None],
        refresh: bool,
        check: int | None = None,
    ) -> None:
        if flow is not self.flow or flow.saving:
            return  # the flow ended (or is being saved) while the database answered
        if check is not None and check != flow.checks:
            return  # an older answer (the dose was changed since): the newer one decides
        verdict, site = result
        if refresh and flow.verdict is not None and _same(flow.verdict, verdict):
            return
        flow.verdict = verdict
        self.panel.show_verdict(verdict, site, refresh=refresh, late_reason=flow.late_reason)
        self.verdict_shown.emit(verdict)

    # --- record -----------------------------------------------------------------------------
    def confirm(self) -> None:
        flow = self.flow
        if flow is None or not flow.ready:
            return
        self._record(flow)

    def override(self) -> None:
        """A senior signs with their PIN and gives a reason; the entry is flagged for review."""
        flow = self.flow
        if flow is None or flow.verdict is None or not flow.verdict.overridable:
            return
        answer = self._ask_override(self._parent, flow.verdict.headline)
        if answer is not None and flow is self.flow:
            self._record(flow, answer)

    def _record(self, flow: GivingFlow, override: OverrideAnswer | None = None) -> None:
        if self.blocked:
            self.panel.not_recorded(self.blocked)
            return
        intent = flow.intent(self.clock())
        form = self.panel.form()
        no_scan = flow.why_no_scan if intent.pack is None else None
        now = self.clock

        witness = Signature(form.witness, form.witness_pin) if form.witness else None
        senior = None
        if override is not None:
            senior = Override(Signature(override[0], override[1]), override[2])

        def job(session: Session) -> Recorded:
            return record_given(
                session,
                intent,
                now(),
                witness=witness,
                prn_reason=form.prn_reason,
                no_scan_reason=no_scan,
                site=form.site,
                override=senior,
                late_entry_reason=form.late_reason,
            )

        flow.saving = True
        self.panel.busy()
        WriteOp(self.screen, job, RECORDS).signed().success(
            lambda done: self._recorded(flow, done)
        ).failure(self._refused(flow)).run_in_background()

    def _recorded(self, flow: GivingFlow, done: Recorded) -> None:
        # the commit has happened: only now does the screen say "recorded"
        flow.saving = False
        if flow is self.flow:
            self.end()
        self.recorded.emit(done.message)

    def _refused(self, flow: GivingFlow) -> Callable[[BaseException], None]:
        def show(exc: BaseException) -> None:
            flow.saving = False
            if flow is self.flow:
                self.panel.not_recorded(str(exc))
            else:  # the carer moved on: the failure must still be seen
                self.not_recorded.emit(f"NOT RECORDED: {flow.what}. {exc}")
            if not isinstance(exc, EmarError):
                self.failed.emit(exc)

        return show


def _same(a: Verdict, b: Verdict) -> bool:
    return [(c.code, c.message) for c in a.checks] == [(c.code, c.message) for c in b.checks]
