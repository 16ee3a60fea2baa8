"""A scroll wheel never changes a choice: over a combo box, a spin box, a date field or a slider
the wheel scrolls what holds it, as it does over a label.

Qt's default is for the wheel to change a combo box's value whenever the pointer passes over it,
so scrolling down a long dialog (Add a child) silently changed "Accessible format" from
"Standard" to "Read aloud". The keyboard (the arrow keys, or opening the list) and the mouse
(a click) still change them.

One filter for the whole application, installed where the QApplication is made
(`ui/app.py` `main`) and by the GUI tests' conftest, through `install_wheel_guard`.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QSlider

#: the kinds of field a wheel would change: their wheel goes to the widget holding them
GUARDED = (QComboBox, QAbstractSpinBox, QSlider)
_NAME = "wheel-guard"


class WheelGuard(QObject):
    """Marks a wheel event over a guarded field as not taken: Qt then offers it to the field's
    parent, and so on up to the scroll area that scrolls. (An application filter answering
    True with the event ignored lets the propagation go on; the field never sees it.)"""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Wheel and isinstance(watched, GUARDED):
            event.ignore()
            return True
        return False


def install_wheel_guard(app: QApplication) -> WheelGuard:
    """The application's wheel guard, installed once (a second call finds the first)."""
    existing = app.findChild(WheelGuard, _NAME)
    if existing is not None:
        return existing
    guard = WheelGuard(app)
    guard.setObjectName(_NAME)
    app.installEventFilter(guard)
    return guard
