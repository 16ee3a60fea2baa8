"""Screenshot of Records ▸ Check the vault… (docs/user-guide.md "Check the vault"), called from
scripts/screenshots.py with the unlocked demo window:

    integrity_shots(app, window, out)
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from earlyyears_desktop.ui.main_window import MainWindow


def _results_box() -> QMessageBox | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            return widget
    return None


def integrity_shots(app: QApplication, window: MainWindow, out: Path) -> None:
    """vault-check.png: the results of every check on the demo vault."""
    from screenshots import save, settle, wait_until  # the helpers of the script calling this

    window.check_action.trigger()
    wait_until(app, lambda: _results_box() is not None, timeout=120.0)
    box = _results_box()
    assert box is not None
    settle(app, 0.3)
    save(box, out, "vault-check")
    box.close()
    settle(app)


if __name__ == "__main__":  # on its own: the demo vault in a scratch folder
    import datetime as dt
    import sys
    import tempfile

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
    with tempfile.TemporaryDirectory() as tmp:
        create_demo_vault(
            Path(tmp) / "v", DEMO_PASSPHRASE, params=KdfParams.for_tests(), today=day
        ).vault.lock()
        runner = OpRunner()
        win = MainWindow(Path(tmp) / "v", runner, clock=Clock.fixed(day))
        win.resize(1366, 768)
        win.show()
        from screenshots import wait_until

        win.unlock_screen.passphrase.setText(DEMO_PASSPHRASE)
        win.unlock_screen.passphrase.returnPressed.emit()
        wait_until(application, lambda: not win.is_locked, timeout=60.0)
        integrity_shots(application, win, Path(sys.argv[1]) if len(sys.argv) > 1 else Path("."))
        win.lock()
        runner.wait_for_idle()
