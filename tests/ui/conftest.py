"""GUI tests: real widgets offscreen, real SQLCipher vaults in temporary folders.

The demo is built for TODAY and the window's services read a clock fixed on it: no test here
reads the wall clock.
"""

from __future__ import annotations

import os

# Before any Qt import: no screen needed. The demo vaults are made with a cheap Argon2id, which
# their key slots record; a vault or a key slot the app itself makes is tuned on this machine.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from earlyyears_desktop.demo import DEMO_PASSPHRASE
from earlyyears_desktop.services.clock import Clock

from ..conftest import DemoTemplate
from ..fast_vaults import DEMO_DAY

PASSPHRASE = DEMO_PASSPHRASE
#: the day the GUI tests run on: a Wednesday in the demo's autumn term, when Little Steps meets
TODAY = DEMO_DAY


@pytest.fixture(scope="session", autouse=True)
def app_as_started(qapp: QApplication) -> None:
    """The application as `ui/app.py` starts it: its look (`apply_theme`: the focus ring's
    style sheet, in the usual colours) and the scroll wheel rule (`install_wheel_guard`: a
    wheel over a combo box or spin box scrolls what holds it). Every window here, and a test
    that starts the app's Launcher, then sees the same application."""
    from earlyyears_desktop.ui.theme import apply_theme
    from earlyyears_desktop.ui.wheel_guard import install_wheel_guard

    apply_theme(qapp, False)
    install_wheel_guard(qapp)


@pytest.fixture
def demo_template(demo_on_demo_day: DemoTemplate) -> Path:
    """The demo vault built once per run for TODAY, locked: never open it, copy it."""
    return demo_on_demo_day.folder


@pytest.fixture
def demo_vault(demo_on_demo_day: DemoTemplate, tmp_path: Path) -> Path:
    """A copy of the demo vault of this test's own (the demo is built once per run)."""
    return demo_on_demo_day.copy_to(tmp_path / "vault")


@pytest.fixture
def runner(qtbot) -> Iterator[object]:
    from earlyyears_desktop.ui.operations import OpRunner

    runner = OpRunner()
    yield runner
    runner.wait_for_idle()
    # Deliver the results still queued for the GUI thread while this test's widgets live
    # (qtbot closes them after this), not into the next test's event loop.
    QApplication.processEvents()


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


@pytest.fixture
def host(qtbot) -> QWidget:  # type: ignore[no-untyped-def]
    """A shown window for an editor to open over (the Home visits page, a child's record, the
    Meetings page)."""
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    qtbot.waitExposed(widget)
    return widget
