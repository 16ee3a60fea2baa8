"""Screenshots of Records ▸ Audit log… (docs/user-guide.md "The audit log"), called from
scripts/screenshots.py with the unlocked demo window:

    auditview_shots(app, window, out)
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from earlyyears_desktop.ui.audit_log import AuditLogDialog
from earlyyears_desktop.ui.main_window import MainWindow


def auditview_shots(app: QApplication, window: MainWindow, out: Path) -> None:
    """audit-log.png (every event, newest first) and audit-log-child.png (one child's)."""
    from screenshots import save, settle, wait_until  # the helpers of the script calling this

    services = window.services
    assert services is not None
    child_id = services.children.search_ids()[0]
    window.open_child(child_id)  # an opening, recorded: the first row of the log
    wait_until(app, lambda: window.runner.running == 0, timeout=30.0)
    entry = window.audit_log
    wait_until(app, entry.action.isEnabled, timeout=30.0)
    entry.action.trigger()
    dialog = entry.dialog
    assert isinstance(dialog, AuditLogDialog)
    wait_until(app, lambda: dialog.model.rowCount() > 0, timeout=30.0)
    wait_until(app, lambda: "counting" not in dialog.count.text(), timeout=60.0)
    settle(app, 0.3)
    save(dialog, out, "audit-log")
    name = services.children.get_child(child_id).display_name
    dialog.child.setText(name)
    dialog.choose_child(child_id)
    wait_until(app, lambda: dialog.model.rowCount() > 0, timeout=30.0)
    wait_until(app, lambda: "counting" not in dialog.count.text(), timeout=60.0)
    settle(app, 0.3)
    save(dialog, out, "audit-log-child")
    dialog.close()
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
        auditview_shots(application, win, Path(sys.argv[1]) if len(sys.argv) > 1 else Path("."))
        win.lock()
        runner.wait_for_idle()
