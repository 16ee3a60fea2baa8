"""GUI tests: real widgets offscreen, real SQLCipher vaults in temporary folders.

The demo is built for TODAY and the window's services read a clock fixed on it: no test here
reads the wall clock.
"""

from __future__ import annotations

import os

# Before any Qt import: no screen needed. The demo vaults are made with a cheap Argon2id, which
# their key slots record; a vault or a key slot the app itself makes is tuned on this machine.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from earlyyears_desktop.demo import DEMO_PASSPHRASE, create_demo_vault
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.storage.keyslots import KdfParams

PASSPHRASE = DEMO_PASSPHRASE
#: the day the GUI tests run on: a Wednesday in the demo's autumn term, when Little Steps meets
TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo vault per run (it takes seconds to make); each test gets its own copy."""
    folder = tmp_path_factory.mktemp("template") / "vault"
    demo = create_demo_vault(folder, DEMO_PASSPHRASE, params=KdfParams.for_tests(), today=TODAY)
    demo.vault.lock()
    return folder


@pytest.fixture
def demo_vault(demo_template: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "vault"
    shutil.copytree(demo_template, folder)
    return folder


@pytest.fixture
def runner(qtbot) -> Iterator[object]:
    from earlyyears_desktop.ui.operations import OpRunner

    runner = OpRunner()
    yield runner
    runner.wait_for_idle()


@pytest.fixture
def window(qtbot, demo_vault: Path, runner) -> Iterator[object]:
    """The main window on a demo vault, still locked."""
    from earlyyears_desktop.ui.main_window import MainWindow

    # The services the window gets on unlock read a clock fixed on TODAY.
    win = MainWindow(demo_vault, runner, clock=Clock.fixed(TODAY))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    yield win
    win.lock()
    win.idle.remove()


@pytest.fixture
def unlock(qtbot):
    """unlock(window, passphrase=demo passphrase): type it and press Enter, wait until open."""

    def do(win, passphrase: str = PASSPHRASE) -> None:
        screen = win.unlock_screen
        screen.passphrase.setText(passphrase)
        with qtbot.waitSignal(win.unlocked, timeout=10_000):
            qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)

    return do
