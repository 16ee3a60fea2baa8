"""Locking keeps what was typed.

(Adding a colleague never leaves half a person: tests/core/test_accounts.py.)"""

from __future__ import annotations

from PySide6.QtCore import Qt


def test_session_notes_typed_just_before_a_lock_are_saved(qtbot, window, unlock) -> None:
    unlock(window)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = window.page("groups")
    qtbot.waitUntil(lambda: page.register_view is not None, timeout=10_000)
    view = page.register_view
    qtbot.waitUntil(lambda: view.side.notes.isEnabled(), timeout=10_000)
    session_id = view.session_id
    view.side.notes.setPlainText("Parents asked for the song sheet - print it for next week")
    window.lock()  # at once: the save-after-typing timer has not fired yet

    unlock(window)
    services = window.services
    register = services.attendance.register(session_id)
    assert register.notes == "Parents asked for the song sheet - print it for next week"
