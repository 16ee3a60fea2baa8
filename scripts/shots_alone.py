"""What the `shots_*.py` scripts share: their small vaults, and running one of them alone.

`scripts/screenshots.py` calls every `shots_*` function with its own application, runner and
unlocked demo window; each script can also be run on its own (`python scripts/shots_X.py
[--out DIR]`), which is what `run_with_runner` and `run_on_demo_window` set up.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication

from earlyyears_desktop.domain.enums import Role
from earlyyears_desktop.services.container import CreatedVault, set_up_vault
from earlyyears_desktop.storage.keyslots import KdfParams
from earlyyears_desktop.ui.main_window import MainWindow
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.theme import apply_theme

FAST = KdfParams.for_tests()
PASSPHRASE = "correct horse battery staple"
TEAM = "Cherwell Early Years SEND Team"
#: the demo vault's day when a script runs alone (screenshots.py passes its own)
DEMO_DAY = dt.date(2026, 11, 25)
DOCS_IMAGES = Path(__file__).parent.parent / "docs/images"


def small_team_vault(folder: Path) -> CreatedVault:
    """A new vault (cheap Argon2id, never for real records) whose first practitioner, Amira
    Haddad, is its administrator; the scripts add the colleagues their pictures need."""
    return set_up_vault(
        folder,
        team_name=TEAM,
        practitioner_name="Amira Haddad",
        role=Role.GROUP_LEADER.value,
        passphrase=PASSPHRASE,
        params=FAST,
    )


def unlocked_window(
    app: QApplication, folder: Path, runner: OpRunner, passphrase: str, day: dt.date
) -> MainWindow:
    """The app's main window on `folder`, the guide's size, unlocked as a user would."""
    from screenshots import wait_until  # scripts/ is on the path

    from earlyyears_desktop.services.clock import Clock

    window = MainWindow(folder, runner, clock=Clock.fixed(day))
    window.resize(1366, 768)
    window.show()
    window.unlock_screen.passphrase.setText(passphrase)
    window.unlock_screen.passphrase.returnPressed.emit()
    wait_until(app, lambda: not window.is_locked, timeout=60.0)
    return window


def _application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    return app


def _out_folder(description: str, argv: list[str] | None) -> Path:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=DOCS_IMAGES)
    out: Path = parser.parse_args(argv).out
    out.mkdir(parents=True, exist_ok=True)
    return out


def run_with_runner(
    shots: Callable[[QApplication, OpRunner, Path, Path], None],
    description: str,
    argv: list[str] | None = None,
) -> int:
    """Run a `shots(app, runner, tmp, out)` script on its own, in a scratch folder."""
    out = _out_folder(description, argv)
    app = _application()
    runner = OpRunner()
    with tempfile.TemporaryDirectory(prefix="earlyyears-shots-") as tmp:
        shots(app, runner, Path(tmp), out)
        runner.wait_for_idle()
    return 0


def run_on_demo_window(
    shots: Callable[[QApplication, MainWindow, Path], None],
    description: str,
    argv: list[str] | None = None,
) -> int:
    """Run a `shots(app, window, out)` script on its own: the demo vault in a scratch folder,
    unlocked in a main window of the guide's size."""
    from earlyyears_desktop.demo import DEMO_PASSPHRASE, create_demo_vault

    out = _out_folder(description, argv)
    app = _application()
    apply_theme(app, False)
    with tempfile.TemporaryDirectory(prefix="earlyyears-shots-") as tmp:
        folder = Path(tmp) / "v"
        create_demo_vault(folder, DEMO_PASSPHRASE, params=FAST, today=DEMO_DAY).vault.lock()
        runner = OpRunner()
        window = unlocked_window(app, folder, runner, DEMO_PASSPHRASE, DEMO_DAY)
        shots(app, window, out)
        window.lock()
        runner.wait_for_idle()
    return 0
