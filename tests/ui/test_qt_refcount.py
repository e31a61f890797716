"""Guard against a Qt binding that leaks references to None on every event.

PySide6 6.12.0 does: on Python 3.11 (where None is not immortal) a ward PC left running would
eventually crash with "deallocating None". pyproject.toml pins below it; this test fails if a
future upgrade brings the leak back.
"""

import sys

from PySide6.QtWidgets import QApplication, QWidget


def test_processing_events_does_not_leak_references_to_none(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    app = QApplication.instance()
    for _ in range(50):  # settle caches first
        widget.update()
        app.processEvents()
    before = sys.getrefcount(None)
    for _ in range(2000):
        widget.update()
        app.processEvents()
    assert abs(sys.getrefcount(None) - before) < 200
