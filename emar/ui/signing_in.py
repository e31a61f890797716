"""Signing in: username and password, or a badge scan and a PIN. While the sign-in screen is up
it takes every scan (a badge asks for its PIN; anything else is "sign in first")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QObject, Signal

from emar.devices.scan import Scan
from emar.devices.scan_parser import UNKNOWN
from emar.domain.scan_intents import RoundScreen, RoundUse, round_use
from emar.infra.db import Session
from emar.services.staff.accounts import StaffView
from emar.services.staff.management import change_own_password
from emar.services.staff.signing import (
    REFUSED,
    badge_holder,
    refusal,
    sign_in,
    sign_in_with_badge,
)
from emar.ui.operations import QueryOp, Screen, WriteOp
from emar.ui.sign_in_page import SignInPage

SIGNED_OUT = RoundScreen(
    signed_in=False,
    on_sign_in_page=True,
    witness_wanted=False,
    resident_open=False,
    can_administer=False,
)


class SignIn(QObject):
    signed_in = Signal(object)  # StaffView
    failed = Signal(object)  # the database did not answer

    def __init__(
        self,
        screen: Screen,
        page: SignInPage,
        showing: Callable[[], bool],
        ask_new_password: Callable[[str], str | None] = lambda _name: None,
    ) -> None:
        super().__init__(page)
        self.screen, self.page, self.showing = screen, page, showing
        self.ask_new_password = ask_new_password
        page.password_submitted.connect(self._with_password)
        page.pin_submitted.connect(self._with_badge)

    def _with_password(self, username: str, password: str) -> None:
        self._sign_in(
            lambda s: sign_in(s, username, password) or refusal(s, username=username),
            REFUSED,
            password,
        )

    def _with_badge(self, badge: str, pin: str) -> None:
        self._sign_in(
            lambda s: sign_in_with_badge(s, badge, pin) or refusal(s, badge=badge),
            "Wrong badge or PIN.",
            None,
        )

    def _sign_in(
        self,
        attempt: Callable[[Session], StaffView | str | None],
        refused: str,
        password: str | None,
    ) -> None:
        # a write: every attempt counts towards the lock, right or wrong
        WriteOp(self.screen, attempt, None).success(
            lambda staff: self._answered(staff, refused, password)
        ).failure(self._no_answer).run_in_background()

    def _answered(self, staff: StaffView | str | None, refused: str, password: str | None) -> None:
        if staff is None or isinstance(staff, str):  # a string says why (wrong, or locked)
            self.page.refused(staff or refused)
        elif staff.must_change_password:
            self._new_password(staff, password)
        else:
            self.signed_in.emit(staff)

    def _new_password(self, staff: StaffView, current: str | None) -> None:
        """A manager reset this password: a new one before any work; cancelling signs out."""
        if current is None:  # a badge and PIN: no password to change from
            self.page.refused(
                "Your password was reset: sign in with your username and the temporary "
                "password to choose a new one."
            )
            return
        new = self.ask_new_password(staff.full_name)
        if new is None:
            self.page.refused("Signed out: choose a new password to start work.")
            return

        def changed(why: str | None) -> None:
            if why is not None:
                self.page.refused(why)
            else:
                self.signed_in.emit(replace(staff, must_change_password=False))

        WriteOp(
            self.screen, lambda s: change_own_password(s, staff.id, current, new), None
        ).success(changed).failure(
            lambda exc: self.page.refused(f"{exc} Sign in again.")
        ).run_in_background()

    def _no_answer(self, exc: BaseException) -> None:
        self.page.refused("Could not check: the database did not answer.")
        self.failed.emit(exc)

    # --- scans while signed out ---------------------------------------------------------
    def takes(self, scan: Scan) -> bool:
        return self.showing()

    def take_scan(self, scan: Scan) -> None:
        parsed = scan.parsed
        found = round_use(parsed.kind, parsed.label_value, parsed.problem or UNKNOWN, SIGNED_OUT)
        if found.use == RoundUse.ASK_PIN:
            badge = parsed.label_value or ""
            QueryOp(self.screen, lambda s: badge_holder(s, badge)).success(
                lambda holder: self._ask_pin(badge, holder)
            ).run_in_background()
        elif found.use == RoundUse.REFUSE:
            self.page.refused(found.message or UNKNOWN)

    def _ask_pin(self, badge: str, holder: StaffView | None) -> None:
        if not self.showing():
            return
        if holder is None:
            self.page.refused("That badge is not known.")
        else:
            self.page.ask_pin(badge, holder.full_name)
