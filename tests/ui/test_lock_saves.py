"""Locking keeps what was typed, and adding a colleague never leaves half a person."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from earlyyears_desktop.storage.keyslots import KeySlotFile
from earlyyears_desktop.storage.vault import unlock_choices


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


def test_a_colleague_whose_record_cannot_be_written_leaves_no_key_slot(
    qtbot, window, unlock
) -> None:
    from earlyyears_desktop.ui.settings_page import add_practitioner

    unlock(window)
    services = window.services
    before = [s.id for s in KeySlotFile.load(window.vault_folder / "keyslots.json").slots]

    class Refusing(type(services.practitioners)):  # a real failure at the moment of writing
        def add(self, *args, **kwargs):
            raise OSError("disk full")

    services.practitioners = Refusing(services.uow)
    with pytest.raises(OSError):
        add_practitioner(services, "Tomasz Nowak", "therapist", "", "willow bridge copper 42")
    after = [s.id for s in KeySlotFile.load(window.vault_folder / "keyslots.json").slots]
    assert after == before
    assert [c.label for c in unlock_choices(window.vault_folder)] == ["Amira Haddad"]
    assert services.children.search_ids()
