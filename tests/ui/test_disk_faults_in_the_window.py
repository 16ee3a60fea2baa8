"""The app's window on a disk that fills up or is read-only (a tmpfs of the test's own): an
observation saved on a full disk says so in one plain sentence beside the buttons, keeps the
words typed and saves them once there is room; the unlock screen says a read-only disk's
vault cannot be opened there. Both are kept in the incident log, by type only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from earlyyears_desktop.services.accounts import unlock
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.ui.main_window import MainWindow
from earlyyears_desktop.ui.observation_dialog import ObservationDialog

from ..fast_vaults import PASSPHRASE, make_vault
from ..small_disk import SmallDisk, small_disk

DAY = dt.date(2027, 12, 24)
TYPED = "Kwame built a ramp from blocks and rolled the car down it"
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    with small_disk(tmp_path / "disk") as mounted:
        yield mounted


def _window(qtbot, folder: Path, runner) -> MainWindow:  # type: ignore[no-untyped-def]
    win = MainWindow(folder, runner, clock=Clock.fixed(DAY))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    return win


def _type_passphrase(qtbot, win: MainWindow) -> None:  # type: ignore[no-untyped-def]
    win.unlock_screen.passphrase.setText(PASSPHRASE)
    qtbot.keyClick(win.unlock_screen.passphrase, Qt.Key.Key_Return)


def test_an_observation_saved_on_a_full_disk_keeps_its_words(
    qtbot, disk: SmallDisk, runner, incident_log_folder: Path
) -> None:
    folder = disk.folder / "vault"
    created = make_vault(folder)
    services = Services(created.vault, clock=Clock.fixed(DAY))
    child = services.children.create_child(ChildInput("Kwame", "Asante", DAY.replace(2025))).id
    created.vault.lock()
    win = _window(qtbot, folder, runner)
    try:
        with qtbot.waitSignal(win.unlocked, timeout=20_000):
            _type_passphrase(qtbot, win)
        win.open_child(child)
        page = win._children
        assert page is not None
        qtbot.waitUntil(lambda: page.record.view is not None, timeout=10_000)
        page.activateWindow()
        qtbot.keyClick(page, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(
            lambda: (
                isinstance(getattr(page.record, "dialog", None), ObservationDialog)
                and page.record.dialog.isVisible()
            ),
            timeout=10_000,
        )
        dialog = page.record.dialog
        assert isinstance(dialog, ObservationDialog)
        qtbot.keyClicks(dialog.text, TYPED)
        disk.fill()

        qtbot.keyClick(dialog.text, Qt.Key.Key_Return, CTRL)
        qtbot.waitUntil(lambda: dialog.summary.isVisible(), timeout=10_000)

        assert dialog.summary.text() == (
            "The disk is full: nothing was saved. Free some space on the disk that holds "
            f"the vault ({folder}) and try again."
        )
        assert dialog.isVisible() and dialog.text.toPlainText() == TYPED
        assert not any(
            w.windowTitle() == "Something went wrong" for w in QApplication.topLevelWidgets()
        )
        log = (incident_log_folder / "incidents.log").read_text()
        assert "earlyyears_desktop.storage.errors.DiskFull" in log
        assert "Kwame" not in log and "ramp" not in log and str(folder) not in log

        disk.free()
        with qtbot.waitSignal(dialog.saved, timeout=10_000):
            qtbot.keyClick(dialog.text, Qt.Key.Key_Return, CTRL)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    finally:
        win.lock()
        win.idle.remove()
    unlocked = unlock(folder, PASSPHRASE, clock=Clock.fixed(DAY))
    try:
        [saved] = unlocked.services.observations.for_child(child)
        assert unlocked.services.observations.get(saved.id).text == TYPED
    finally:
        unlocked.lock()


def test_the_unlock_screen_says_a_read_only_disk_cannot_hold_the_vault(
    qtbot, disk: SmallDisk, runner
) -> None:
    folder = disk.folder / "vault"
    make_vault(folder).vault.lock()
    win = _window(qtbot, folder, runner)
    disk.read_only()
    try:
        _type_passphrase(qtbot, win)
        message = win.unlock_screen.message
        qtbot.waitUntil(
            lambda: message.isVisible() and "read-only" in message.text(), timeout=10_000
        )
        assert message.text() == (
            f"The vault folder {folder} is on a read-only disk, so the vault was not opened: "
            "Early Years needs to write there as it is used."
        )
        assert win.is_locked
    finally:
        disk.writable()
        win.idle.remove()
