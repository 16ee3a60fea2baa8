"""Records ▸ Check the vault… runs every check on the worker and shows the results in words;
a damaged vault is refused at the unlock screen with what is wrong. Keyboard only."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from earlyyears_desktop.services.clock import Clock

from ..fast_vaults import PASSPHRASE, make_vault
from .conftest import TODAY

PAGE = 4096


@pytest.fixture(scope="module")
def small_vault(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A small vault, locked, and the first page of its audit trail's table."""
    folder = tmp_path_factory.mktemp("check") / "vault"
    vault = make_vault(folder).vault
    with vault.engine.connect() as conn:
        page = conn.exec_driver_sql(
            "SELECT rootpage FROM sqlite_schema WHERE name = 'audit_events'"
        ).scalar_one()
    vault.lock()
    return folder, int(page)


def open_window(qtbot, folder: Path, runner) -> Iterator[object]:
    from earlyyears_desktop.ui.main_window import MainWindow

    win = MainWindow(folder, runner, clock=Clock.fixed(TODAY))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    yield win
    win.lock()
    win.idle.remove()


@pytest.fixture
def window_on_copy(
    qtbot, small_vault: tuple[Path, int], tmp_path: Path, runner
) -> Iterator[object]:
    folder = Path(shutil.copytree(small_vault[0], tmp_path / "vault"))
    yield from open_window(qtbot, folder, runner)


def results_box() -> QMessageBox | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            return widget
    return None


def test_check_the_vault_by_keyboard_shows_every_result(qtbot, window_on_copy, unlock) -> None:
    win = window_on_copy
    unlock(win, PASSPHRASE)
    qtbot.keyClick(win, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    menu = QApplication.activePopupWidget()
    assert menu is not None
    qtbot.keyClick(menu, Qt.Key.Key_C)

    qtbot.waitUntil(lambda: results_box() is not None, timeout=10_000)
    box = results_box()
    assert box is not None
    assert box.text() == "The vault passed every check."
    lines = box.informativeText().split("\n\n")
    assert [line.split(":")[0] for line in lines] == [
        "SQLite's integrity check (every page and index)",
        "SQLCipher's integrity check (the seal on every page)",
        "Links between records (foreign keys)",
        "The audit trail (every change, in order)",
    ]
    assert all(": passed." in line for line in lines)
    assert box.accessibleName()
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert results_box() is None


def test_the_unlock_screen_says_which_file_is_damaged(
    qtbot, window_on_copy, small_vault: tuple[Path, int]
) -> None:
    win = window_on_copy
    database = win.vault_folder / "vault.db"
    data = bytearray(database.read_bytes())
    data[(small_vault[1] - 1) * PAGE + PAGE // 2] ^= 0x01  # inside a page's sealed contents
    database.write_bytes(bytes(data))

    screen = win.unlock_screen
    screen.passphrase.setText(PASSPHRASE)
    qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "damaged" in screen.message.text(), timeout=10_000)
    assert "vault.db" in screen.message.text()
    assert "nothing in it was changed" in screen.message.text()
    assert win.is_locked
