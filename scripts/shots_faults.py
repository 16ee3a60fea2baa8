"""Screenshot of an observation saved on a full disk (docs/user-guide.md "The disk is full"),
called from scripts/screenshots.py:

    fault_shots(app, runner, tmp, out)

A small vault of its own; the window shows the failure as the app shows a `DiskFull` from the
database thread (`FormDialog._failed`), without filling a real disk (which needs root: the
tests do that, tests/ui/test_disk_faults_in_the_window.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import QApplication
from shots_alone import PASSPHRASE, small_team_vault, unlocked_window

from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.storage.faults import disk_full
from earlyyears_desktop.ui.observation_dialog import ObservationDialog
from earlyyears_desktop.ui.operations import OpRunner

DAY = dt.date(2026, 11, 25)
WORDS = "Kwame built a ramp from blocks and rolled the car down it, three times, laughing."


def fault_shots(app: QApplication, runner: OpRunner, tmp: Path, out: Path) -> None:
    """disk-full.png: the observation window after a save on a full disk, words kept."""
    from screenshots import save, settle, wait_until  # the helpers of the script calling this

    folder = tmp / "faults-vault"
    created = small_team_vault(folder)
    services = Services(created.vault, clock=Clock.fixed(DAY))
    child = services.children.create_child(ChildInput("Kwame", "Asante", dt.date(2024, 5, 17))).id
    created.vault.lock()
    window = unlocked_window(app, folder, runner, PASSPHRASE, DAY)
    window.open_child(child)
    page = window._children
    assert page is not None
    wait_until(app, lambda: page.record.view is not None)
    page.record.add_observation()
    wait_until(app, lambda: isinstance(getattr(page.record, "dialog", None), ObservationDialog))
    dialog = page.record.dialog
    assert isinstance(dialog, ObservationDialog)
    dialog.text.setPlainText(WORDS)
    dialog._failed(disk_full(Path("/home/amira/Early Years")))
    settle(app, 0.3)
    save(dialog, out, "disk-full")
    dialog.reject()
    window.lock()
    window.close()
    settle(app)
