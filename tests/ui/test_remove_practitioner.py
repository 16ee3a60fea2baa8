"""Settings > Remove from this vault…: a colleague leaves, by keyboard alone, with a re-key."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from earlyyears_desktop.services.accounts import WrongPassphrase, unlock
from earlyyears_desktop.ui.preferences import Preferences
from earlyyears_desktop.ui.remove_practitioner import RemovePractitionerDialog
from earlyyears_desktop.ui.settings_page import NewRecoveryKeyDialog, SettingsPage

from ..fast_vaults import FAST_KDF, PASSPHRASE, make_vault

TOMASZ = "Tomasz's passphrase, 2026"


def _mnemonics(widget: QWidget) -> list[str]:
    keys = []
    for child in widget.findChildren(QAbstractButton) + widget.findChildren(QLabel):
        text = child.text()
        if "&" in text and not text.endswith("&") and "<" not in text:
            keys.append(text[text.index("&") + 1].lower())
    return keys


def test_remove_a_colleague_and_rekey_by_keyboard(qtbot, runner, tmp_path):
    folder = tmp_path / "vault"
    created = make_vault(folder)
    created.vault.lock()
    amira = unlock(folder, PASSPHRASE)  # as the app does: holds the app lock
    tomasz = amira.accounts.add_practitioner(
        "Tomasz Wiśniewski", "portage_worker", "", TOMASZ, params=FAST_KDF
    )
    try:
        page = SettingsPage(amira.services, amira.accounts, runner, Preferences(folder))
        qtbot.addWidget(page)
        page.show()
        page.reload()
        qtbot.waitUntil(lambda: page.people.count() == 2, timeout=5000)
        keys = _mnemonics(page)
        assert len(keys) == len(set(keys)), keys
        assert page.remove_button.accessibleName()
        page.people.setFocus()
        qtbot.keyClick(page.people, Qt.Key.Key_Home)  # Amira herself: not removable
        assert not page.remove_button.isEnabled()
        qtbot.keyClick(page.people, Qt.Key.Key_Down)
        assert page.chosen_practitioner() == tomasz and page.remove_button.isEnabled()
        qtbot.keyClick(page, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: isinstance(page.dialog, RemovePractitionerDialog), timeout=5000)
        dialog = page.dialog
        assert isinstance(dialog, RemovePractitionerDialog)
        assert "Tomasz Wiśniewski" in dialog.text.text()
        assert "before today still opens" in dialog.text.text()
        dialog_keys = _mnemonics(dialog)
        assert len(dialog_keys) == len(set(dialog_keys)), dialog_keys
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.rekey_button, timeout=5000)
        qtbot.keyClick(dialog, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: "has a new key" in page.message.text(), timeout=10000)
        assert "ask for it back or destroy it" in page.message.text()
        # Every re-key makes a new recovery key, shown once with its Print…
        qtbot.waitUntil(lambda: isinstance(page.dialog, NewRecoveryKeyDialog), timeout=5000)
        shown = page.dialog
        assert isinstance(shown, NewRecoveryKeyDialog)
        assert "destroy the old printout" in " ".join(
            label.text() for label in shown.findChildren(QLabel)
        )
        assert shown.print_button.isVisible()
        new_recovery = shown.key.text().replace("\n", "")
        qtbot.waitUntil(lambda: QApplication.focusWidget() is shown.key, timeout=5000)
        qtbot.keyClick(shown, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)  # written down
        qtbot.waitUntil(shown.done_button.isEnabled, timeout=5000)  # a mnemonic's animated click
        qtbot.keyClick(shown, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # Done
        qtbot.waitUntil(lambda: not shown.isVisible(), timeout=5000)
        assert shown.key.text() == ""  # shown once
        qtbot.waitUntil(lambda: page.people.item(1).text().endswith("Left"), timeout=5000)
        page.people.setCurrentRow(1)
        assert not page.remove_button.isEnabled()
        page.close()
    finally:
        amira.lock()
    try:
        unlock(folder, TOMASZ).lock()
        raise AssertionError("Tomasz still unlocks")
    except WrongPassphrase:
        pass
    unlock(folder, PASSPHRASE).lock()
    unlock(folder, new_recovery).lock()
    try:
        unlock(folder, created.recovery_key).lock()
        raise AssertionError("the old recovery key still unlocks")
    except WrongPassphrase:
        pass
