"""First run on an empty database: set up the care home (its name and time zone, its units and
rooms, its first manager), or load the demo home to try eMAR. Each a clear choice; nothing is
written until the last step, and then in one transaction (`set_up_home`).

The wizard only collects and checks what is typed, with the same pure rules the service
applies again (room ranges, password and PIN rules)."""

from __future__ import annotations

from typing import Literal
from zoneinfo import available_timezones

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from emar.domain.room_names import parse_units
from emar.domain.schedule import DEFAULT_ZONE
from emar.errors import EmarError
from emar.infra.passwords import check_password_rules, check_pin_rules
from emar.services.home_setup import HomePlan, UnitPlan

FirstRunAnswer = HomePlan | Literal["demo"] | None
CHOICE, HOME, UNITS, MANAGER, CONFIRM, DEMO = range(6)
UNITS_EXAMPLE = "Ground floor: G01-G20\nFirst floor: F01-F20"


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("setupError")
    label.setWordWrap(True)
    label.setStyleSheet("color: #a4001d; font-weight: bold;")
    return label


def _intro(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class ChoicePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Welcome to eMAR")
        self.setSubTitle("This database has no care home yet.")
        self.set_up = QRadioButton("&Set up your care home (its units, rooms and first manager)")
        self.set_up.setObjectName("choiceSetUp")
        self.demo = QRadioButton(
            "Load the &demo home to try eMAR (Willow Court: 22 fictional residents, their "
            "charts and two weeks of records; not for real residents)"
        )
        self.demo.setObjectName("choiceDemo")
        self.set_up.setChecked(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.set_up)
        layout.addWidget(self.demo)
        layout.addWidget(
            _intro(
                "Setting up takes a few minutes: afterwards the manager adds staff, residents "
                "and their charts. The demo home can only be added to an empty database."
            )
        )
        layout.addStretch(1)

    def nextId(self) -> int:
        return DEMO if self.demo.isChecked() else HOME


class DemoPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("The demo home")
        self.setSubTitle("Willow Court Care Home, to try eMAR.")
        layout = QVBoxLayout(self)
        layout.addWidget(
            _intro(
                "22 fictional residents over two units, their charts, two weeks of records "
                "and a pharmacist's review. The sign-in screen will show the demo logins (a "
                "carer, a senior carer, a nurse, the manager, a pharmacist and an "
                "administrator).\n\nUse it to try eMAR and to train; never for real residents."
            )
        )
        layout.addStretch(1)

    def nextId(self) -> int:
        return -1


class HomePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("The care home")
        self.setSubTitle("Its name on every screen and report, and its time zone.")
        self.name = QLineEdit(placeholderText="e.g. Beech House Care Home")
        self.name.setObjectName("homeName")
        self.zone = QComboBox()
        self.zone.setObjectName("homeZone")
        self.zone.setEditable(True)
        self.zone.addItems(sorted(available_timezones()))
        self.zone.setCurrentText(DEFAULT_ZONE)
        completer = QCompleter(self.zone.model(), self.zone)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.zone.setCompleter(completer)
        self.error = _error_label()
        form = QFormLayout(self)
        form.addRow("&Home name", self.name)
        form.addRow("&Time zone", self.zone)
        form.addRow(
            "",
            _intro(
                "Doses are scheduled in this zone's local time, and its clock changes (summer "
                "time) are followed."
            ),
        )
        form.addRow(self.error)
        self.name.setFocus()

    def validatePage(self) -> bool:
        if not self.name.text().strip():
            self.error.setText("Give the home its name.")
            return False
        if self.zone.currentText() not in available_timezones():
            self.error.setText(
                f"{self.zone.currentText()!r} is not a time zone: choose one from the list "
                "(type part of its name, e.g. London)."
            )
            return False
        self.error.clear()
        return True


class UnitsPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Units and rooms")
        self.setSubTitle(
            "One unit (a floor or wing) per line; after a colon, its rooms. A range such as "
            "G01-G20 is every room between. Rooms can be added later too."
        )
        self.units = QPlainTextEdit()
        self.units.setObjectName("homeUnits")
        self.units.setPlaceholderText(UNITS_EXAMPLE)
        self.units.setTabChangesFocus(True)  # Tab moves on, as in the other fields
        self.preview = QLabel()
        self.preview.setObjectName("unitsPreview")
        self.preview.setWordWrap(True)
        self.error = _error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.units, 1)
        layout.addWidget(self.preview)
        layout.addWidget(self.error)
        self.units.textChanged.connect(self._preview)

    def plans(self) -> tuple[UnitPlan, ...]:
        return tuple(UnitPlan(n, tuple(r)) for n, r in parse_units(self.units.toPlainText()))

    def _preview(self) -> None:
        try:
            units = self.plans()
        except EmarError as exc:
            self.preview.setText("")
            self.error.setText(str(exc))
            return
        self.error.clear()
        self.preview.setText(describe_units(units))

    def validatePage(self) -> bool:
        try:
            self.plans()
        except EmarError as exc:
            self.error.setText(str(exc))
            return False
        return True


class ManagerPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("The first manager")
        self.setSubTitle(
            "The person who adds staff, residents and charts. Their PIN signs checks, "
            "witnesses and overrides."
        )
        self.full_name = QLineEdit(placeholderText="as it appears on records")
        self.full_name.setObjectName("managerName")
        self.username = QLineEdit(placeholderText="for signing in, e.g. jo.reid")
        self.username.setObjectName("managerUsername")
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.password.setObjectName("managerPassword")
        self.password_again = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.password_again.setObjectName("managerPasswordAgain")
        self.pin = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.pin.setObjectName("managerPin")
        self.pin_again = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.pin_again.setObjectName("managerPinAgain")
        self.error = _error_label()
        form = QFormLayout(self)
        form.addRow("&Full name", self.full_name)
        form.addRow("&Username", self.username)
        form.addRow("&Password (8 or more characters)", self.password)
        form.addRow("Password &again", self.password_again)
        form.addRow("P&IN (4-8 digits)", self.pin)
        form.addRow("PIN a&gain", self.pin_again)
        form.addRow(self.error)

    def validatePage(self) -> bool:
        try:
            if not self.full_name.text().strip() or not self.username.text().strip():
                raise EmarError("Give the manager's full name and a username.")
            if self.password.text() != self.password_again.text():
                raise EmarError("The two passwords differ: type them again.")
            check_password_rules(self.password.text())
            if self.pin.text() != self.pin_again.text():
                raise EmarError("The two PINs differ: type them again.")
            check_pin_rules(self.pin.text())
        except EmarError as exc:
            self.error.setText(str(exc))
            return False
        self.error.clear()
        return True


class ConfirmPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Ready to set up")
        self.setSubTitle("Nothing is saved until you press Create the home.")
        self.summary = QLabel()
        self.summary.setObjectName("setupSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addStretch(1)

    def nextId(self) -> int:
        return -1  # the last step of setting up (the demo page comes after it by number only)


def describe_units(units: tuple[UnitPlan, ...]) -> str:
    def rooms(u: UnitPlan) -> str:
        if not u.rooms:
            return "no rooms yet"
        said = ", ".join(runs_of(u.rooms))
        return f"1 room: {said}" if len(u.rooms) == 1 else f"{len(u.rooms)} rooms: {said}"

    return "\n".join(f"{u.name}: {rooms(u)}" for u in units)


def runs_of(rooms: tuple[str, ...]) -> list[str]:
    """The rooms as runs, so a gap shows: G01, G02, G03, G05 -> "G01 to G03", "G05"."""
    out: list[str] = []
    start = prev = rooms[0]
    for room in (*rooms[1:], None):
        if room is not None and _follows(prev, room):
            prev = room
            continue
        out.append(start if start == prev else f"{start} to {prev}")
        if room is not None:
            start = prev = room
    return out


def _follows(a: str, b: str) -> bool:
    """b is the room after a: the same letters, the next number, the same width."""
    head_a, num_a = a.rstrip("0123456789"), a[len(a.rstrip("0123456789")) :]
    head_b, num_b = b.rstrip("0123456789"), b[len(b.rstrip("0123456789")) :]
    return bool(
        num_a and num_b and head_a == head_b and len(num_a) == len(num_b)
        and int(num_b) == int(num_a) + 1
    )  # fmt: skip


class FirstRunWizard(QWizard):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("eMAR: first run")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.choice, self.home = ChoicePage(), HomePage()
        self.units, self.manager, self.confirm = UnitsPage(), ManagerPage(), ConfirmPage()
        self.demo = DemoPage()
        for page_id, page in enumerate(
            (self.choice, self.home, self.units, self.manager, self.confirm, self.demo)
        ):
            self.setPage(page_id, page)
        self.currentIdChanged.connect(self._shown)
        self.resize(720, 520)

    def _shown(self, page_id: int) -> None:
        if page_id == DEMO:
            self.setButtonText(QWizard.WizardButton.FinishButton, "Load the &demo home")
        else:
            self.setButtonText(QWizard.WizardButton.FinishButton, "&Create the home")
        if page_id == CONFIRM:
            plan = self.plan()
            self.confirm.summary.setText(
                f"{plan.name}, time zone {plan.time_zone}.\n\n"
                f"{describe_units(plan.units)}\n\n"
                f"First manager: {plan.manager_full_name} (signs in as "
                f"{plan.manager_username.strip().lower()}).\n\n"
                "Then sign in as the manager: Settings > Staff to add staff, Manage > "
                "Residents, charts and stock to admit residents and write their charts."
            )

    def plan(self) -> HomePlan:
        return HomePlan(
            name=self.home.name.text().strip(),
            time_zone=self.home.zone.currentText(),
            units=self.units.plans(),
            manager_username=self.manager.username.text(),
            manager_full_name=self.manager.full_name.text(),
            manager_password=self.manager.password.text(),
            manager_pin=self.manager.pin.text(),
        )

    def answer(self) -> FirstRunAnswer:
        if self.result() != QWizard.DialogCode.Accepted:
            return None
        return "demo" if self.choice.demo.isChecked() else self.plan()


def ask_first_run(parent: QWidget) -> FirstRunAnswer:
    wizard = FirstRunWizard(parent)
    wizard.exec()
    return wizard.answer()
