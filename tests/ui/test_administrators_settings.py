"""Settings: who is an administrator, and what only administrators do, by keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from earlyyears_desktop.services.accounts import UnlockedVault, unlock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.ui.colleague_passphrase import ResetPassphraseDialog
from earlyyears_desktop.ui.preferences import Preferences
from earlyyears_desktop.ui.settings_page import SettingsPage

from ..fast_vaults import FAST_KDF, make_vault

DEEPA = "kettle orange harbour 7"
NEW = "lantern meadow otter 42"


def _page(qtbot, runner, unlocked: UnlockedVault, folder) -> SettingsPage:
    page = SettingsPage(unlocked.services, unlocked.accounts, runner, Preferences(folder))
    qtbot.addWidget(page)
    page.show()
    page.reload()
    qtbot.waitUntil(lambda: page.people.count() == 2, timeout=5000)
    return page


def _mnemonics(widget: QWidget) -> list[str]:
    keys = []
    for child in widget.findChildren(QAbstractButton) + widget.findChildren(QLabel):
        text = child.text()
        if "&" in text and not text.endswith("&"):
            keys.append(text[text.index("&") + 1].lower())
    return keys


def test_administrators_in_settings(qtbot, runner, tmp_path):
    folder = tmp_path / "vault"
    created = make_vault(folder)
    amira = UnlockedVault.of(Services(created.vault))
    deepa_id = amira.accounts.add_practitioner(
        "Deepa Nair", "therapist", "", DEEPA, params=FAST_KDF
    )
    deepa = unlock(folder, DEEPA, practitioner_id=deepa_id)
    try:
        # Deepa is not an administrator: she is told whom to ask, and no dialog opens.
        page = _page(qtbot, runner, deepa, folder)
        texts = [page.people.item(i).text() for i in range(2)]
        assert texts[0].startswith("Amira Haddad") and texts[0].endswith("Administrator")
        assert not texts[1].endswith("Administrator")
        keys = _mnemonics(page)
        assert len(keys) == len(set(keys)), keys
        page.add_button.setFocus()
        qtbot.keyClick(page.add_button, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: "Ask Amira Haddad" in page.message.text(), timeout=5000)
        assert page.message.text() == (
            "Only an administrator can add a practitioner. Ask Amira Haddad."
        )
        assert page.dialog is None
        qtbot.keyClick(page, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)  # reset passphrase
        qtbot.waitUntil(lambda: "reset a colleague" in page.message.text(), timeout=5000)
        assert page.dialog is None
        page.people.setFocus()
        qtbot.keyClick(page.people, Qt.Key.Key_Down)  # Deepa herself
        assert page.make_admin_button.isEnabled()
        qtbot.keyClick(page, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: "make someone" in page.message.text(), timeout=5000)
        assert not deepa.services.administrators.is_administrator(deepa_id)
        page.close()

        # Amira is: she makes Deepa an administrator, then resets her passphrase.
        page = _page(qtbot, runner, amira, folder)
        page.people.setCurrentRow(1)
        qtbot.keyClick(page, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: "is now an administrator" in page.message.text(), timeout=5000)
        qtbot.waitUntil(lambda: page.people.item(1).text().endswith("Administrator"), timeout=5000)
        assert page.people.currentRow() == 1 and page.stop_admin_button.isEnabled()
        qtbot.keyClick(page, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: "no longer" in page.message.text(), timeout=5000)
        assert amira.services.administrators.administrators() == [created.vault.practitioner_id]

        qtbot.keyClick(page, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: isinstance(page.dialog, ResetPassphraseDialog), timeout=5000)
        dialog = page.dialog
        assert dialog.who.currentText() == "Deepa Nair"
        keys = _mnemonics(dialog)
        assert len(keys) == len(set(keys)), keys
        qtbot.keyClicks(dialog.key, created.recovery_key)
        qtbot.keyClicks(dialog.new, NEW)
        qtbot.keyClicks(dialog.again, NEW)
        with qtbot.waitSignal(dialog.saved, timeout=10_000):
            qtbot.keyClick(dialog, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
        assert "reset" in page.message.text()
        page.close()
    finally:
        deepa.lock()
    unlock(folder, NEW, practitioner_id=deepa_id).lock()
    created.vault.lock()
