"""This PC's clock against the database server's, at start and hourly: a clock a little out
is a warning; one far out stops recording on this PC (domain rule: emar/domain/clock_skew.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import QObject, QTimer

from emar.domain.clock_skew import SkewState, skew_state, skew_text
from emar.infra.db import Session
from emar.ui.operations import QueryOp, Screen
from emar.ui.round.giving import Giving
from emar.ui.widgets.banners import Banner

CHECK_MS = 60 * 60 * 1000
Skew = Callable[[Session, datetime], timedelta | None]


class ClockCheck(QObject):
    def __init__(self, screen: Screen, banner: Banner, giving: Giving, skew: Skew) -> None:
        super().__init__(banner)
        self.screen, self.banner, self.giving, self.skew = screen, banner, giving, skew
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self.check()
        self.timer.start()

    def check(self) -> None:
        now, skew = self.screen.desk.clock, self.skew
        QueryOp(self.screen, lambda s: skew(s, now())).success(self._show).run_in_background()

    def _show(self, skew: timedelta | None) -> None:
        state = skew_state(skew)
        self.giving.blocked = None
        if state == SkewState.OK or skew is None:
            self.banner.hide()
            return
        if state == SkewState.WARN:
            self.banner.say(f"{skew_text(skew)}: please tell IT.")
            return
        blocked = (
            f"{skew_text(skew)}: nothing can be recorded on this PC until IT sets its clock "
            "right. Use another PC meanwhile."
        )
        self.giving.blocked = blocked
        self.banner.say(blocked)
