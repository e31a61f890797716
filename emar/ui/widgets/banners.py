"""Full-width messages above the round: a problem (red), what was just done (green), and an
unplugged scanner (amber). Each stays until what it is about is over, not for a few seconds."""

from __future__ import annotations

import logging
from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

log = logging.getLogger(__name__)


class Banner(QLabel):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def say(self, message: str) -> None:
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText(message)
        self.show()


class ProblemBanner(Banner):
    """A problem in plain words; what the scanner sent is behind a "details" link, for IT."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("errorBanner", parent)
        self.message = ""
        self.detail: str | None = None
        self.kind = ""
        self.linkActivated.connect(self._show_detail)

    def show_problem(self, message: str, detail: str | None = None, kind: str = "problem") -> None:
        self.message, self.detail, self.kind = message, detail, kind
        if detail:
            self.setTextFormat(Qt.TextFormat.RichText)
            self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
            self.setText(
                f'{escape(message)} &nbsp; <a href="details" style="color: white">details</a>'
            )
            self.show()
        else:
            self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.say(message)

    def _show_detail(self, _link: str) -> None:
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.say(f"{self.message}\n{self.detail}")

    def clear_problem(self, kind: str | None = None) -> None:
        """Hide the banner (only if it is of `kind`, when given)."""
        if kind is None or self.kind == kind:
            self.kind = ""
            self.hide()


class Messages:
    """The shell's banners as one voice for every screen under it: a problem, the database
    gone, and what was just done."""

    def __init__(self, problem: ProblemBanner, done: Banner, status: Callable[[str], None]) -> None:
        self.problem_banner, self.done_banner, self.status = problem, done, status

    def problem(self, message: str, detail: str | None = None) -> None:
        self.done_banner.hide()
        self.problem_banner.show_problem(message, detail)
        QApplication.beep()

    def database(self, exc: BaseException) -> None:
        log.warning("shown to the user: %s", type(exc).__name__)  # the text may name a resident
        self.problem_banner.show_problem(
            f"{exc}  Nothing was changed; try again when it is back.", kind="database"
        )
        self.status("Database problem")

    def answered(self) -> None:
        """The database answered again: its problem is over."""
        self.problem_banner.clear_problem("database")

    def done(self, message: str) -> None:
        """Said after the commit, and kept until the next action."""
        self.problem_banner.hide()
        self.done_banner.say(message)

    def moved_on(self) -> None:
        """The next action: "recorded" no longer describes what is on screen."""
        self.done_banner.hide()
