"""Settings: changing my own passphrase and making a new recovery key; printing a key."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QMessageBox

from earlyyears_desktop.storage.errors import WrongPassphrase
from earlyyears_desktop.storage.vault import open_vault
from earlyyears_desktop.ui.recovery_key import print_recovery_key
from earlyyears_desktop.ui.settings_page import ChangePassphraseDialog, NewRecoveryKeyDialog

from ..fast_vaults import FAST_KDF
from .conftest import PASSPHRASE

NEW_PASSPHRASE = "lantern meadow otter 42"


def open_settings(window):
    window.show_page("settings")
    return window.page("settings")


def test_change_my_passphrase(qtbot, window, unlock, demo_vault):
    unlock(window)
    page = open_settings(window)
    page.change_button.click()
    dialog = page.dialog
    assert isinstance(dialog, ChangePassphraseDialog) and dialog.isVisible()

    # The current passphrase is checked first; a refusal changes nothing.
    dialog.current.setText("not my passphrase")
    dialog.new.setText(NEW_PASSPHRASE)
    dialog.again.setText(NEW_PASSPHRASE)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.errors["current"].isVisible(), timeout=10_000)
    assert "not your current passphrase" in dialog.errors["current"].text()

    dialog.current.setText(PASSPHRASE)
    dialog.new.setText("short")
    assert dialog.meter.value() < 30 and "at least" in dialog.verdict.text()
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.errors["passphrase"].isVisible(), timeout=10_000)

    dialog.new.setText(NEW_PASSPHRASE)
    dialog.again.setText(NEW_PASSPHRASE + "!")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.errors["again"].isVisible(), timeout=10_000)
    open_vault(demo_vault, PASSPHRASE).lock()  # still the old one

    dialog.again.setText(NEW_PASSPHRASE)
    assert dialog.meter.value() > 50
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save_button.click()
    assert not dialog.isVisible() and dialog.current.text() == ""
    assert "changed" in page.key_message.text()
    with pytest.raises(WrongPassphrase):
        open_vault(demo_vault, PASSPHRASE)
    open_vault(demo_vault, NEW_PASSPHRASE).lock()

    # The next unlock takes the new passphrase.
    window.lock()
    unlock(window, NEW_PASSPHRASE)
    assert not window.is_locked


def test_new_recovery_key_replaces_the_old_one(qtbot, window, unlock, demo_vault):
    unlock(window)
    old_key = window.opened.accounts.new_recovery_key(params=FAST_KDF).key  # a key this test knows
    page = open_settings(window)
    page.recovery_button.click()
    box = page.dialog
    assert isinstance(box, QMessageBox)
    next(b for b in box.buttons() if b.text() == "&Make a new key").click()
    qtbot.waitUntil(lambda: isinstance(page.dialog, NewRecoveryKeyDialog), timeout=10_000)
    dialog = page.dialog
    new_key = dialog.key.text().replace("\n", "")
    assert new_key != old_key and len(new_key.split("-")) == 8
    assert not dialog.done_button.isEnabled()
    dialog.print_button.click()
    assert isinstance(dialog.print_dialog, QPrintDialog)
    dialog.print_dialog.reject()
    dialog.kept.setChecked(True)
    dialog.done_button.click()
    assert not dialog.isVisible() and dialog.key.text() == ""  # shown once

    with pytest.raises(WrongPassphrase):
        open_vault(demo_vault, old_key)
    open_vault(demo_vault, new_key).lock()
    open_vault(demo_vault, PASSPHRASE).lock()  # passphrases are untouched


def test_printed_page_has_the_key_and_team_only(qtbot, tmp_path):
    key = "ABCDE-FGHJK-LMNPQ-RSTUV-WXYZ2-34567-89ABC-DEFGH"
    path = tmp_path / "key.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    print_recovery_key(printer, key, "Cherwell <Early> Years")
    data = QByteArray(path.read_bytes())
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    pdf = QPdfDocument()
    pdf.load(buffer)
    assert pdf.pageCount() == 1
    text = pdf.getAllText(0).text()
    assert "Cherwell <Early> Years" in text
    assert "".join(text.split()).replace("\u2011", "-").count(key) == 1
