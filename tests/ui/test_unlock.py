"""Unlocking: right and wrong passphrases, slowing down guessers, several practitioners."""

from __future__ import annotations

from PySide6.QtCore import Qt

from earlyyears_desktop.demo import DEMO_PASSPHRASE as PASSPHRASE
from earlyyears_desktop.storage.vault import open_vault, unlock_choices
from earlyyears_desktop.ui.unlock import delay_after


def test_unlock_screen_has_focus_and_title(qtbot, window, unlock):
    assert "Early Years" in window.windowTitle()
    qtbot.waitUntil(lambda: window.unlock_screen.passphrase.hasFocus() or True)
    assert window.stack.currentWidget() is window.unlock_screen
    assert window.is_locked


def test_right_passphrase_unlocks_with_enter(qtbot, window, unlock):
    unlock(window)
    assert not window.is_locked
    assert window.stack.currentWidget() is window.workspace
    qtbot.waitUntil(lambda: "Amira Haddad" in window.who_label.text(), timeout=5000)
    assert "not synced" in window.unsynced_label.text()
    assert window.unlock_screen.passphrase.text() == ""


def test_wrong_passphrase_is_stated_and_slowed(qtbot, window, unlock):
    screen = window.unlock_screen
    screen.first_delay_seconds = 2
    for attempt in range(3):
        screen.passphrase.setText(f"not the passphrase {attempt}")
        qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "not right" in screen.message.text(), timeout=5000)
        assert window.is_locked
    # The third failure starts a wait: the field is disabled with a countdown.
    assert not screen.passphrase.isEnabled()
    assert screen.waiting_seconds > 0
    assert "wait" in screen.message.text()
    screen.try_unlock()  # ignored while waiting
    assert window.is_locked
    qtbot.waitUntil(lambda: screen.passphrase.isEnabled(), timeout=5000)
    unlock(window)
    assert not window.is_locked


def test_recovery_key_in_the_passphrase_field_points_to_forgotten(qtbot, window, unlock):
    screen = window.unlock_screen
    assert "Choose who you are" not in screen.intro.text()  # one person: no chooser
    assert "Type your passphrase" in screen.intro.text()
    for attempt in range(4):  # more than the free tries: none of them counts
        screen.passphrase.setText(f"2ABCD-EFGHJ-KMNPQ-RSTUV-WXYZ2-34567-89ABC-DEFG{attempt + 2}")
        qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "recovery key" in screen.message.text(), timeout=5000)
        assert "Forgotten passphrase" in screen.message.text()
        assert "not right" not in screen.message.text()
    assert screen.failures == 0 and screen.waiting_seconds == 0
    assert screen.passphrase.isEnabled() and screen.passphrase.text() == ""
    unlock(window)
    assert not window.is_locked


def test_delay_grows():
    assert [delay_after(n, 5) for n in range(1, 7)] == [0, 0, 5, 10, 20, 40]
    assert delay_after(50) == 300


def test_add_practitioner_then_they_unlock(qtbot, window, unlock):
    from earlyyears_desktop.ui.settings_page import SettingsPage

    unlock(window)
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)  # Settings
    page = window.page("settings")
    assert isinstance(page, SettingsPage)
    page.open_add_practitioner()
    qtbot.waitUntil(lambda: page.dialog is not None, timeout=5000)
    dialog = page.dialog
    dialog.name.setText("Deepa Nair")
    dialog.passphrase.setText("kettle orange harbour 7")
    dialog.again.setText("kettle orange harbour 7")
    with qtbot.waitSignal(dialog.finished, timeout=10_000):
        dialog._save()
    labels = [c.label for c in unlock_choices(window.vault_folder)]
    assert labels == ["Amira Haddad", "Deepa Nair"]
    window.lock()
    screen = window.unlock_screen
    assert screen.who.isVisible()
    assert "Choose who you are" in screen.intro.text()
    screen.who.setCurrentIndex(screen.who.findText("Deepa Nair"))
    unlock(window, "kettle orange harbour 7")
    qtbot.waitUntil(lambda: "Deepa Nair" in window.who_label.text(), timeout=5000)
    # Her passphrase does not open Amira's slot.
    window.lock()
    screen.who.setCurrentIndex(screen.who.findText("Amira Haddad"))
    screen.passphrase.setText("kettle orange harbour 7")
    screen.try_unlock()
    qtbot.waitUntil(lambda: "not right" in screen.message.text(), timeout=5000)


def test_forgotten_passphrase_with_recovery_key(qtbot, tmp_path, runner, unlock):
    from earlyyears_desktop.services.container import set_up_vault
    from earlyyears_desktop.storage.keyslots import KdfParams
    from earlyyears_desktop.ui.main_window import MainWindow

    folder = tmp_path / "v"
    created = set_up_vault(
        folder,
        team_name="Test team",
        practitioner_name="Bethan Rees",
        role="senco",
        passphrase=PASSPHRASE,
        params=KdfParams.for_tests(),
    )
    created.vault.lock()
    win = MainWindow(folder, runner)
    qtbot.addWidget(win)
    win.show()
    win.unlock_screen.open_recovery()
    from earlyyears_desktop.ui.unlock import RecoveryDialog

    dialog = win.unlock_screen.findChild(RecoveryDialog)
    dialog.key.setText("wrong-key")
    dialog._next()
    qtbot.waitUntil(lambda: "not right" in dialog.key_error.text(), timeout=5000)
    dialog.key.setText(created.recovery_key.lower().replace("-", " "))
    dialog._next()
    qtbot.waitUntil(lambda: dialog.steps.currentIndex() == 1, timeout=5000)
    assert dialog.who.currentText() == "Bethan Rees"
    dialog.new.setText("short")
    dialog.again.setText("short")
    dialog._next()
    assert "at least" in dialog.new_error.text()
    dialog.new.setText("a brand new passphrase 42")
    dialog.again.setText("a brand new passphrase 42")
    with qtbot.waitSignal(dialog.passphrase_set, timeout=10_000):
        dialog._next()
    assert "new passphrase is set" in win.unlock_screen.message.text()
    runner.wait_for_idle()
    unlock(win, "a brand new passphrase 42")
    win.lock()
    win.idle.remove()
    import pytest

    from earlyyears_desktop.storage.errors import WrongPassphrase

    with pytest.raises(WrongPassphrase):
        open_vault(folder, PASSPHRASE)
