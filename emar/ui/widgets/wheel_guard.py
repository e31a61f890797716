"""A mouse wheel turned over a form scrolls the form; it never changes a field the user did not
choose. Qt's date, number and list fields take the wheel whenever the pointer passes over them,
so scrolling a long form (the pharmacist's review) could move a next-review date unseen. With
this filter on the application, such a field takes the wheel only when it has the focus."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QWidget,
)


class WheelGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Wheel
            and isinstance(watched, QAbstractSpinBox | QComboBox)
            and not watched.hasFocus()
        ):
            _scroll_behind(watched, event)  # type: ignore[arg-type]
            return True
        return False


def _scroll_behind(field: QWidget, event: QWheelEvent) -> None:
    """The wheel goes to the scroll area holding the field, as if turned over its background
    (Qt passes a synthetic wheel event to no parent, so it is given to the area itself)."""
    area = field.parentWidget()
    while area is not None and not isinstance(area, QAbstractScrollArea):
        area = area.parentWidget()
    if area is None:
        return
    viewport = area.viewport()
    at = QPointF(viewport.mapFromGlobal(event.globalPosition().toPoint()))
    QApplication.sendEvent(
        viewport,
        QWheelEvent(
            at,
            event.globalPosition(),
            event.pixelDelta(),
            event.angleDelta(),
            event.buttons(),
            event.modifiers(),
            event.phase(),
            event.inverted(),
        ),
    )


def guard_wheel(app: QApplication) -> WheelGuard:
    """Install the guard on the whole application (keep the returned object alive)."""
    guard = WheelGuard(app)
    app.installEventFilter(guard)
    return guard
