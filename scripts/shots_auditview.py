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


if __name__ == "__main__":  # on its own: the demo vault in a scratch folder [--out DIR]
    import sys

    from shots_alone import run_on_demo_window

    sys.exit(run_on_demo_window(auditview_shots, __doc__.splitlines()[0]))
