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


if __name__ == "__main__":  # on its own: the demo vault in a scratch folder
    import datetime as dt
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from earlyyears_desktop.demo import DEMO_PASSPHRASE, create_demo_vault
    from earlyyears_desktop.services.clock import Clock
    from earlyyears_desktop.storage.keyslots import KdfParams
    from earlyyears_desktop.ui.operations import OpRunner
    from earlyyears_desktop.ui.theme import apply_theme

    application = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(application, QApplication)
    apply_theme(application, False)
    day = dt.date(2026, 11, 25)
    with tempfile.TemporaryDirectory() as scratch:
        create_demo_vault(
            Path(scratch) / "v", DEMO_PASSPHRASE, params=KdfParams.for_tests(), today=day
        ).vault.lock()
        runner = OpRunner()
        win = MainWindow(Path(scratch) / "v", runner, clock=Clock.fixed(day))
        win.resize(1366, 768)
        win.show()
        from screenshots import wait_until

        win.unlock_screen.passphrase.setText(DEMO_PASSPHRASE)
        win.unlock_screen.passphrase.returnPressed.emit()
        wait_until(application, lambda: not win.is_locked, timeout=60.0)
        backup_shots(application, win, Path(sys.argv[1]) if len(sys.argv) > 1 else Path("."))
        win.lock()
        runner.wait_for_idle()
