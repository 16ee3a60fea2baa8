"""Idle detection for auto-lock: no keyboard or mouse input anywhere in the app for a while."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
    }
)


class IdleWatcher(QObject):
    """An application-wide event filter that emits `idle` after `timeout_ms` without input.

    Input only stamps a time (cheap, even for mouse moves); one single-shot timer wakes up,
    and re-arms itself for the remainder when there was input since.
    """

    idle = Signal()

    def __init__(self, app: QApplication, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._timeout_ms = timeout_ms
        self._last_input = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._check)
        self._active = False
        app.installEventFilter(self)

    def set_timeout_ms(self, timeout_ms: int) -> None:
        self._timeout_ms = max(timeout_ms, 1)
        if self._active:
            self.start()

    @property
    def timeout_ms(self) -> int:
        return self._timeout_ms

    def start(self) -> None:
        self._active = True
        self._last_input = time.monotonic()
        self._timer.start(self._timeout_ms)

    def stop(self) -> None:
        self._active = False
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._active and event.type() in _INPUT_EVENTS:
            self._last_input = time.monotonic()
        return False

    def _check(self) -> None:
        if not self._active:
            return
        idle_ms = (time.monotonic() - self._last_input) * 1000
        if idle_ms >= self._timeout_ms - 5:
            self._active = False
            self.idle.emit()
        else:
            self._timer.start(max(int(self._timeout_ms - idle_ms), 1))

    def remove(self) -> None:
        self.stop()
        self._app.removeEventFilter(self)
