"""One app per vault, on the unlock screen: while another Early Years process has the vault
open, typing the passphrase says who has it open and since when, counts as no wrong guess,
and once that app is gone the same keys unlock."""

from __future__ import annotations

import getpass
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from earlyyears_desktop.services.clock import Clock

from ..app_holder import AppHolder, start_app_holder
from ..fast_vaults import PASSPHRASE, make_vault
from .conftest import TODAY


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[AppHolder]:
    folder = tmp_path / "vault"
    make_vault(folder).vault.lock()
    held = start_app_holder(folder, TODAY, PASSPHRASE)
    assert held.first == "ready"
    yield held
    if held.process.poll() is None:
        held.process.kill()
        held.process.wait()


def test_unlock_screen_says_who_has_the_vault_open(qtbot, runner, holder, tmp_path) -> None:
    from earlyyears_desktop.ui.main_window import MainWindow

    win = MainWindow(tmp_path / "vault", runner, clock=Clock.fixed(TODAY))
    qtbot.addWidget(win)
    win.show()
    try:
        screen = win.unlock_screen
        screen.focus_passphrase()
        qtbot.keyClicks(screen.passphrase, PASSPHRASE)
        qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
        qtbot.waitUntil(
            lambda: "another Early Years window" in screen.message.text(), timeout=10_000
        )
        text = screen.message.text()
        assert f"by {getpass.getuser()} on {socket.gethostname()} since " in text
        assert "Close it there first." in text
        assert win.is_locked
        assert screen.failures == 0 and screen.passphrase.isEnabled()
        assert screen.passphrase.text() == ""

        holder.process.send_signal(signal.SIGKILL)
        holder.process.wait(timeout=30)
        qtbot.keyClicks(screen.passphrase, PASSPHRASE)
        with qtbot.waitSignal(win.unlocked, timeout=10_000):
            qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
        assert not win.is_locked
    finally:
        win.lock()
        win.idle.remove()
