"""The home's settings that change how a round works: which controlled drugs need a witness
beyond Schedules 2 and 3 (always witnessed). Saved at once, audited by the service."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout, QWidget

from emar.services.home import set_cd_witness
from emar.ui.manage.workspace import Host, Lists, ManageTab
from emar.ui.operations import HOME


class HomeTab(ManageTab):
    title = "&Home"

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        intro = QLabel(
            "Controlled drugs of Schedules 2 and 3 (e.g. morphine, oxycodone, midazolam) always "
            "need a witness. The law does not ask one for Schedules 4 and 5; the home may."
        )
        intro.setWordWrap(True)
        self.schedule_4 = QCheckBox("Witness CD Schedule &4 (e.g. benzodiazepines)")
        self.schedule_4.setObjectName("witness_cd_4")
        self.schedule_4.clicked.connect(self._save_4)
        self.schedule_5 = QCheckBox("Witness CD Schedule &5 (e.g. co-codamol)")
        self.schedule_5.setObjectName("witness_cd_5")
        self.schedule_5.clicked.connect(self._save_5)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.schedule_4)
        layout.addWidget(self.schedule_5)
        layout.addStretch(1)

    def show_lists(self, lists: Lists) -> None:
        self.schedule_4.setChecked(lists.home.witness_cd_schedule_4)
        self.schedule_5.setChecked(lists.home.witness_cd_schedule_5)

    def first_field(self) -> QWidget | None:
        return self.schedule_4

    def _save_4(self, on: bool) -> None:
        self._save(4, on)

    def _save_5(self, on: bool) -> None:
        self._save(5, on)

    def _save(self, schedule: int, on: bool) -> None:
        staff = self.host.staff_id()
        if staff is None:
            return
        said = "needs" if on else "no longer needs"
        self.write(
            lambda s: set_cd_witness(s, staff, schedule, on),
            HOME,
            f"A CD Schedule {schedule} dose {said} a witness.",
        )
