"""Restoring a backup in the app, by keyboard: from the unlock screen into a new folder, the
latest backup offered when the vault is damaged, and over the open vault from Settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from earlyyears_desktop.services.accounts import UnlockedVault, unlock
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.ui.preferences import Preferences, VaultMemory
from earlyyears_desktop.ui.restore_dialog import NOT_EMPTY, WRONG_SECRET, RestoreDialog

from ..fast_vaults import PASSPHRASE, make_vault
from .conftest import TODAY

PAGE = 4096


def _mnemonics(widget: QWidget) -> list[str]:
    keys = []
    for child in widget.findChildren(QAbstractButton) + widget.findChildren(QLabel):
        text = child.text()
        if "&" in text and not text.endswith("&"):
            keys.append(text[text.index("&") + 1].lower())
    return keys


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A locked vault and one backup of it on a "USB stick"."""
    root = tmp_path_factory.mktemp("restore-ui")
    usb = root / "usb"
    usb.mkdir()
    created = make_vault(root / "vault")
    made = Services(created.vault, clock=Clock.fixed(TODAY)).backups.back_up_now(usb)
    created.vault.lock()
    return root / "vault", made.path


def _type(qtbot, widget: QWidget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def test_restore_a_backup_from_the_unlock_screen_by_keyboard(
    qtbot, runner, tmp_path, backed_up
) -> None:
    from earlyyears_desktop.ui.unlock import UnlockScreen

    vault, backup = backed_up
    screen = UnlockScreen(vault, runner)
    qtbot.addWidget(screen)
    screen.show()
    assert len(_mnemonics(screen)) == len(set(_mnemonics(screen)))
    assert screen.restore_button.accessibleName()
    screen.restore_button.setFocus()
    qtbot.keyClick(screen.restore_button, Qt.Key.Key_Space)
    dialog = screen.restore_dialog
    assert isinstance(dialog, RestoreDialog) and dialog.isVisible()
    keys = _mnemonics(dialog)
    assert len(keys) == len(set(keys)), keys
    for edit in (dialog.backup, dialog.folder, dialog.secret):
        assert edit.accessibleName()

    # A folder with something in it is refused beside the field, as it is typed.
    full = tmp_path / "full"
    full.mkdir()
    (full / "note.txt").write_text("x")
    _type(qtbot, dialog.backup, str(backup))
    _type(qtbot, dialog.folder, str(full))
    assert dialog.folder_error.text() == NOT_EMPTY and dialog.folder_error.isVisible()

    # The wrong passphrase: said beside its field, and nothing is made.
    target = tmp_path / "restored"
    dialog.folder.clear()
    _type(qtbot, dialog.folder, str(target))
    assert not dialog.folder_error.isVisible()
    _type(qtbot, dialog.secret, "not the passphrase at all")
    qtbot.keyClick(dialog.secret, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.secret_error.text() == WRONG_SECRET, timeout=10_000)
    assert not target.exists()

    with qtbot.waitSignal(screen.restored, timeout=10_000) as restored:
        _type(qtbot, dialog.secret, PASSPHRASE)
        qtbot.keyClick(dialog.secret, Qt.Key.Key_Return)
    assert restored.args == [target]
    assert (target / "keyslots.json").is_file() and (target / "vault.db").is_file()
    unlock(target, PASSPHRASE).lock()  # the restored vault opens with the same passphrase


def test_the_app_remembers_the_restored_folder(qtbot, tmp_path, backed_up) -> None:
    from PySide6.QtWidgets import QApplication

    from earlyyears_desktop.ui.app import Launcher

    vault, _backup = backed_up
    memory = VaultMemory(tmp_path / "config" / "app.ini")
    assert memory.vault_folder is None
    launcher = Launcher(QApplication.instance(), vault, memory)
    launcher.show_window()
    first = launcher.window
    assert first is not None
    restored = tmp_path / "restored"
    make_vault(restored).vault.lock()  # as the dialog leaves it
    first.unlock_screen.restored.emit(restored)
    assert launcher.window is not first and launcher.window is not None
    qtbot.addWidget(launcher.window)
    assert launcher.window.vault_folder == restored
    assert "restored into" in launcher.window.unlock_screen.message.text()
    assert memory.vault_folder == restored
    assert (tmp_path / "config" / "app.ini").stat().st_mode & 0o777 == 0o600
    launcher.window.close()


def test_a_damaged_vault_offers_its_latest_backup(qtbot, runner, tmp_path, backed_up) -> None:
    import shutil

    from earlyyears_desktop.ui.unlock import NO_BACKUP_KNOWN, UnlockScreen

    source, backup = backed_up
    vault = tmp_path / "vault"
    shutil.copytree(source, vault)
    database = vault / "vault.db"
    data = bytearray(database.read_bytes())
    data[2 * PAGE + PAGE // 2] ^= 0x01
    database.write_bytes(bytes(data))
    before = database.read_bytes()

    screen = UnlockScreen(vault, runner, clock=Clock.fixed(TODAY))
    qtbot.addWidget(screen)
    screen.show()
    _type(qtbot, screen.passphrase, PASSPHRASE)
    qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "damaged" in screen.message.text(), timeout=10_000)
    assert NO_BACKUP_KNOWN in screen.message.text()  # no backups folder known yet
    assert not screen.restore_latest.isVisible()

    Preferences(vault).backup_folder = backup.parent
    _type(qtbot, screen.passphrase, PASSPHRASE)
    qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: backup.name in screen.message.text(), timeout=10_000)
    assert f"made {TODAY:%-d %B %Y}" in screen.message.text()
    assert screen.restore_latest.isVisible()
    screen.restore_latest.setFocus()
    qtbot.keyClick(screen.restore_latest, Qt.Key.Key_Space)
    dialog = screen.restore_dialog
    assert isinstance(dialog, RestoreDialog)
    assert dialog.backup.text() == str(backup)
    assert dialog.folder.text() == str(tmp_path / f"vault-restored-{TODAY:%Y%m%d}")
    assert dialog.secret.hasFocus() or dialog.focusWidget() is dialog.secret
    with qtbot.waitSignal(screen.restored, timeout=10_000):
        qtbot.keyClicks(dialog.secret, PASSPHRASE)
        qtbot.keyClick(dialog.secret, Qt.Key.Key_Return)
    assert database.read_bytes() == before  # the damaged vault was never written to
    assert (tmp_path / f"vault-restored-{TODAY:%Y%m%d}" / "vault.db").is_file()


def test_restore_over_the_open_vault_from_settings(qtbot, runner, tmp_path, backed_up) -> None:
    import shutil

    from earlyyears_desktop.ui.main_window import MainWindow

    source, backup = backed_up
    vault = tmp_path / "vault"
    shutil.copytree(source, vault)
    win = MainWindow(vault, runner, clock=Clock.fixed(TODAY))
    qtbot.addWidget(win)
    win.show()
    win.enter(UnlockedVault.of(Services(unlock(vault, PASSPHRASE).services.vault)))
    win.show_page("settings")
    page = win.page("settings")
    box = page.backups  # type: ignore[attr-defined]
    keys = _mnemonics(page)
    assert len(keys) == len(set(keys)), keys
    box.restore_over_button.setFocus()
    qtbot.keyClick(box.restore_over_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: box.restore_dialog is not None, timeout=5000)
    dialog = box.restore_dialog
    assert "last backup" in dialog.explain.text()
    assert len(_mnemonics(dialog)) == len(set(_mnemonics(dialog)))
    _type(qtbot, dialog.backup, str(backup))
    _type(qtbot, dialog.secret, PASSPHRASE)
    qtbot.keyClick(dialog.secret, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.is_locked, timeout=10_000)
    assert win.stack.currentWidget() is win.unlock_screen
    assert "was restored over the records" in win.unlock_screen.message.text()
    assert list((vault / "backups").glob("*.eybackup"))  # the last backup, made first
