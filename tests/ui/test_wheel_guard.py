"""Scrolling a form with the wheel never changes a date or choice the pointer passes over
(found in the pharmacist's review: a next-review date moved by 12 days, unseen)."""

from __future__ import annotations

from PySide6.QtCore import QDate, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QDateEdit, QScrollArea, QVBoxLayout, QWidget

from emar.ui.widgets.wheel_guard import WheelGuard


def _event(widget: QWidget) -> QWheelEvent:
    centre = QPointF(widget.rect().center())
    return QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, -120),  # one notch towards the user
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )


def _wheel(widget: QWidget) -> None:
    QApplication.sendEvent(widget, _event(widget))


def _form(qtbot) -> tuple[QScrollArea, QDateEdit, QDateEdit]:
    inner = QWidget()
    layout = QVBoxLayout(inner)
    date = QDateEdit(QDate(2027, 11, 27))
    other = QDateEdit(QDate(2026, 1, 15))
    layout.addWidget(other)
    layout.addWidget(date)
    for _ in range(30):
        layout.addWidget(QDateEdit())  # a long form
    area = QScrollArea()
    area.setWidget(inner)
    area.resize(300, 200)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    return area, date, other


def test_without_the_guard_the_wheel_changes_a_date_it_passes_over(qtbot):
    """The hazard itself (so the next test can fail): Qt's own behaviour. The event goes to
    the field's own handler, past any filter on the application (the app's start, tested
    elsewhere in this process, installs the guard for good)."""
    _area, date, _other = _form(qtbot)
    date.wheelEvent(_event(date))
    assert date.date() != QDate(2027, 11, 27)


def test_with_the_guard_the_form_scrolls_and_the_date_stays(qtbot):
    guard = WheelGuard()
    QApplication.instance().installEventFilter(guard)
    try:
        area, date, other = _form(qtbot)
        other.setFocus()
        qtbot.waitUntil(other.hasFocus)
        _wheel(date)
        assert date.date() == QDate(2027, 11, 27)
        assert area.verticalScrollBar().value() > 0  # the wheel scrolled the form instead
        assert other.hasFocus(), "focus"
        _wheel(other)  # the field the user chose still takes the wheel
        assert other.date() != QDate(2026, 1, 15)
    finally:
        QApplication.instance().removeEventFilter(guard)
