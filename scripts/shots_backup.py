"""Screenshot of Settings ▸ Backups with the status bar's "Last backup" (docs/user-guide.md
"Backups"), called from scripts/screenshots.py with the unlocked demo window:

    backup_shots(app, window, out)

A backup folder is made in a scratch folder, a backup written there through the services, and
the Settings page shown scrolled to its Backups box.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QScrollArea

from earlyyears_desktop.services.backups import BackupFrequency
from earlyyears_desktop.ui.main_window import MainWindow


def backup_shots(app: QApplication, window: MainWindow, out: Path) -> None:
    """backups.png: Settings ▸ Backups (folder, every day) and "Last backup: today 10:00"."""
    from screenshots import save, settle, wait_until  # the helpers of the script calling this

    services = window.services
    assert services is not None
    with tempfile.TemporaryDirectory() as tmp:
        usb = Path(tmp) / "USB stick"
        usb.mkdir()
        services.backups.set_schedule(usb, BackupFrequency.DAILY)
        services.backups.back_up_now(usb)
        window.backups.refresh()
        window.show_page("settings")
        page = window.page("settings")
        box = page.backups  # type: ignore[attr-defined]
        box.reload()
        wait_until(app, lambda: box.folder.text() == str(usb), timeout=30.0)
        wait_until(app, lambda: window.backups.label.text().startswith("Last backup"))
        for area in page.findChildren(QScrollArea):
            area.ensureWidgetVisible(box)
        settle(app, 0.3)
        save(window, out, "backups")
        window.show_page("today")
        settle(app)


if __name__ == "__main__":  # on its own: the demo vault in a scratch folder [--out DIR]
    import sys

    from shots_alone import run_on_demo_window

    sys.exit(run_on_demo_window(backup_shots, __doc__.splitlines()[0]))
