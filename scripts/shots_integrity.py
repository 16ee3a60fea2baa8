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


if __name__ == "__main__":  # on its own: the demo vault in a scratch folder [--out DIR]
    import sys

    from shots_alone import run_on_demo_window

    sys.exit(run_on_demo_window(integrity_shots, __doc__.splitlines()[0]))
