"""Screenshots of the register's keys, for docs/user-guide.md (called by scripts/screenshots.py).

`register_keys_shots` is called with the main window on the demo vault, showing today's
register (not "Register only"): it marks the first three children by their letters as a group
leader at the door would (P, L, A: the keyboard moves on after each), and saves the window
with each button's key under its name and the status line saying what was just saved
(`register-keys.png`). It then undoes the three marks (Ctrl+Z), so the pictures taken after
it show the register as before. Every name is the demo's.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from earlyyears_desktop.ui.register import RegisterView

MARK_KEYS = (Qt.Key.Key_P, Qt.Key.Key_L, Qt.Key.Key_A)


def register_keys_shots(app: QApplication, window: QWidget, view: RegisterView, out: Path) -> None:
    from screenshots import save, wait_until  # the runner of all the shots

    view.current = 0
    view.setFocus()
    for key in MARK_KEYS:
        QTest.keyClick(view, key)
    wait_until(app, lambda: not view._pending() and view.runner.running == 0)
    save(window, out, "register-keys")
    for _key in MARK_KEYS:
        QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        wait_until(app, lambda: not view._pending() and view.runner.running == 0)
