"""Screenshots of restoring a backup (docs/user-guide.md "Backups"), called from
scripts/screenshots.py with the unlocked demo window:

    restore_shots(app, window, out)

restore-dialog.png: the unlock screen's Restore a backup… with a backup chosen and a folder
that is not empty, flagged beside the field; restore-over.png: Settings ▸ Backups ▸ Restore a
backup over these records… (administrators), saying what happens before anything does.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from earlyyears_desktop.ui.main_window import MainWindow
from earlyyears_desktop.ui.restore_dialog import RestoreDialog, RestoreOverDialog


def restore_shots(app: QApplication, window: MainWindow, out: Path) -> None:
    from screenshots import save, settle, wait_until  # the helpers of the script calling this

    services = window.services
    assert services is not None
    with tempfile.TemporaryDirectory() as tmp:
        usb = Path(tmp) / "USB stick"
        usb.mkdir()
        made = services.backups.back_up_now(usb)
        taken = Path(tmp) / "EarlyYears"
        taken.mkdir()
        (taken / "notes.txt").write_text("not empty")

        dialog = RestoreDialog(window.runner, window, backup=made.path, folder=taken)
        dialog.show()
        wait_until(app, lambda: dialog.folder_error.isVisible())
        dialog.secret.setFocus()
        settle(app)
        save(dialog, out, "restore-dialog")
        dialog.reject()

        over = RestoreOverDialog(
            window.runner, lambda _b, _s, _p: None, usb, window, choose_file=lambda *_: None
        )
        over.backup.setText(str(made.path))
        over.show()
        settle(app)
        save(over, out, "restore-over")
        over.reject()
