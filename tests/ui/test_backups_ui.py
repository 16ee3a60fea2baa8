"""Backups in the app, by keyboard: Records ▸ Back up now… (Ctrl+Shift+B), the status bar's
"Last backup", and Settings ▸ Backups (folder, how often, back up now)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from earlyyears_desktop.services.backups import NO_BACKUP_YET, BackupFrequency, list_backups
from earlyyears_desktop.services.clock import Clock

from ..fast_vaults import PASSPHRASE, make_vault
from .conftest import TODAY


@pytest.fixture
def window(qtbot, tmp_path: Path, runner) -> Iterator[object]:
    from earlyyears_desktop.ui.main_window import MainWindow

    make_vault(tmp_path / "vault").vault.lock()
    win = MainWindow(tmp_path / "vault", runner, clock=Clock.fixed(TODAY))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    yield win
    win.lock()
    win.idle.remove()


def test_back_up_now_by_keyboard_and_the_status_bar(qtbot, window, unlock, tmp_path: Path) -> None:
    win = window
    usb = tmp_path / "usb"
    usb.mkdir()
    asked: list[object] = []
    win.backups.choose = lambda parent, start: asked.append(start) or usb
    unlock(win, PASSPHRASE)
    label = win.backups.label
    qtbot.waitUntil(lambda: NO_BACKUP_YET in label.text())
    assert label.accessibleDescription() == f"Warning: {NO_BACKUP_YET}"

    # No folder chosen yet: the app asks for one, then backs up there. (The window is made
    # the active one first: a window shortcut reaches only the active window, and after a
    # whole run of tests another may still be.)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    qtbot.keyClick(
        win, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(
        lambda: win.backups.message is not None and win.backups.message.isVisible(),
        timeout=20_000,
    )
    assert asked == [None]
    name = f"earlyyears-backup-{TODAY:%Y%m%d}-100000.eybackup"
    assert win.backups.message.text().startswith(f"Backup written: {name}")
    assert [b.name for b in list_backups(usb)] == [name]
    qtbot.waitUntil(lambda: label.text() == "Last backup: today 10:00")
    assert label.accessibleDescription() == "Last backup: today 10:00"
    assert win.preferences.backup_folder == usb
    win.backups.message.close()

    # Again, to the folder now chosen in Settings; the action is in the Records menu.
    win.services.backups.set_schedule(usb, BackupFrequency.OFF)
    records = win.menuBar().actions()[0].menu()
    assert win.backups.action in records.actions()
    assert win.backups.action.text() == "&Back up now…"
    win.backups.action.trigger()
    qtbot.waitUntil(lambda: len(list_backups(usb)) == 2, timeout=20_000)
    assert asked == [None]


def test_settings_backups_box_by_keyboard(qtbot, window, unlock, tmp_path: Path) -> None:
    win = window
    usb = tmp_path / "usb"
    usb.mkdir()
    unlock(win, PASSPHRASE)
    win.show_page("settings")
    box = win.page("settings").backups
    box._choose = lambda parent, start: usb
    qtbot.waitUntil(lambda: box.every.currentData() == "off")
    box.choose_button.setFocus()
    qtbot.keyClick(box.choose_button, Qt.Key.Key_Space)
    box.every.setFocus()
    qtbot.keyClick(box.every, Qt.Key.Key_Up)  # Every week
    qtbot.keyClick(box.every, Qt.Key.Key_Up)  # Every day
    qtbot.waitUntil(lambda: "every day" in box.message.text())
    schedule = win.services.backups.schedule()
    assert (schedule.folder, schedule.every) == (usb, BackupFrequency.DAILY)
    # Daily and none made yet: the scheduled backup runs at once, quietly.
    qtbot.waitUntil(lambda: len(list_backups(usb)) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: win.backups.label.text() == "Last backup: today 10:00")
    assert win.backups.message is None
