"""Sign in with username and password, or switch user in seconds with a badge scan and a PIN."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from emar.ui.scanning.keyboard_wedge import CREDENTIAL


class SignInPage(QWidget):
    password_submitted = Signal(str, str)
    pin_submitted = Signal(str, str)  # badge code, PIN

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.badge: str | None = None
        self.title = QLabel("Sign in to eMAR")
        self.title.setObjectName("signInTitle")
        self.message = QLabel("Scan your staff badge, or type your username and password.")
        self.message.setWordWrap(True)
        self.username = QLineEdit(placeholderText="username")
        self.username.setProperty(CREDENTIAL, True)  # a password manager may type it fast
        self.password = QLineEdit(placeholderText="password", echoMode=QLineEdit.EchoMode.Password)
        self.pin = QLineEdit(placeholderText="PIN", echoMode=QLineEdit.EchoMode.Password)
        self.pin.hide()
        self.submit = QPushButton("Sign &in")
        self.submit.setMinimumHeight(48)
        self.submit.clicked.connect(self._submit)
        for field in (self.username, self.password, self.pin):
            field.returnPressed.connect(self._submit)
            field.setMinimumHeight(40)
        self.demo_logins = QLabel()  # the demo home only: says so, with its logins
        self.demo_logins.setObjectName("demoLogins")
        self.demo_logins.setWordWrap(True)
        self.demo_logins.setStyleSheet(
            "background: #fff3cd; border: 1px solid #b58100; padding: 8px; color: #3d2c00;"
        )
        self.demo_logins.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.demo_logins.hide()
        self.setup_button = QPushButton("&Set up the care home…")  # an empty database only
        self.setup_button.setObjectName("setupButton")
        self.setup_button.hide()
        self.error = QLabel()
        self.error.setObjectName("signInError")
        self.error.setWordWrap(True)  # a lockout message is read whole, never clipped
        self.busy = False  # an attempt is being checked: Enter held down sends no more
        form = QFormLayout()
        form.addRow("Username", self.username)
        form.addRow("Password", self.password)
        form.addRow("PIN", self.pin)
        self._form = form
        box = QWidget()
        box.setMinimumWidth(460)
        box.setMaximumWidth(560)
        inner = QVBoxLayout(box)
        for w in (self.title, self.message):
            inner.addWidget(w)
        inner.addLayout(form)
        inner.addWidget(self.submit)
        inner.addWidget(self.error)
        inner.addWidget(self.setup_button)
        inner.addWidget(self.demo_logins)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self._pin_mode(False)

    def reset(self, title: str, message: str) -> None:
        self.busy = False
        self.title.setText(title)
        self.message.setText(message)
        self.error.clear()
        self.badge = None
        for field in (self.username, self.password, self.pin):
            field.clear()
        self._pin_mode(False)
        self.username.setFocus()

    def show_demo_logins(self, text: str | None) -> None:
        self.demo_logins.setText(text or "")
        self.demo_logins.setVisible(bool(text))
        if text:  # every line in sight: a wrapped label is otherwise given too little height
            lines = text.count("\n") + 3  # the first line may wrap once; the padding
            self.demo_logins.setMinimumHeight(lines * self.fontMetrics().lineSpacing() + 16)
        self.setup_button.hide()  # a home exists

    def no_home(self) -> None:
        """The first-run set-up was closed: nobody can sign in until the home exists."""
        self.reset(
            "No care home yet",
            "This database has no care home, so nobody can sign in. Set the home up (or load "
            "the demo home) to begin.",
        )
        self.setup_button.show()
        self.setup_button.setFocus()

    def ask_pin(self, badge: str, name: str) -> None:
        self.badge = badge
        self.message.setText(f"Hello {name}: enter your PIN.")
        self.error.clear()
        self._pin_mode(True)
        self.pin.setFocus()

    def refused(self, message: str) -> None:
        self.busy = False
        self.error.setText(message)
        self.password.clear()
        self.pin.clear()

    def _pin_mode(self, on: bool) -> None:
        for field, visible in ((self.username, not on), (self.password, not on), (self.pin, on)):
            field.setVisible(visible)
            label = self._form.labelForField(field)
            if label is not None:
                label.setVisible(visible)

    def _submit(self) -> None:
        """An empty field is a question, not a failed attempt: nothing is checked or audited."""
        if self.busy:
            return
        if self.badge is not None:
            if not self.pin.text():
                self.error.setText("Type your PIN.")
                self.pin.setFocus()
                return
            self.busy = True
            self.pin_submitted.emit(self.badge, self.pin.text())
            return
        if not self.username.text().strip():
            self.error.setText("Type your username, or scan your badge.")
            self.username.setFocus()
            return
        if not self.password.text():
            self.error.setText("Type your password.")
            self.password.setFocus()
            return
        self.busy = True
        self.password_submitted.emit(self.username.text(), self.password.text())
