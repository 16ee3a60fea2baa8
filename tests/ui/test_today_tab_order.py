"""Today's Tab order follows the page: the sessions' "Open the register" come before the
actions from meetings (they were the last Tab stop of the page)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton


def test_tab_from_the_sections_reaches_open_the_register_first(qtbot, window, unlock) -> None:  # type: ignore[no-untyped-def]
    window.resize(1366, 768)
    window.show()
    unlock(window)
    window.show_page("today")
    today = window.page("today")
    qtbot.waitUntil(
        lambda: bool(today.sessions_box.findChildren(QPushButton, "open-register")), timeout=10_000
    )
    qtbot.waitUntil(lambda: window.runner.running == 0, timeout=10_000)
    window.activateWindow()
    window.nav.setFocus()
    qtbot.keyClick(window.nav, Qt.Key.Key_Tab)
    focused = QApplication.focusWidget()
    assert focused is not None and focused.objectName() == "open-register"
