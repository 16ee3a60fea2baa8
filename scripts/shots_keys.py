"""Screenshots of the focus ring: the Today page with the keyboard on its first Tab stop (in the
usual colours and in high contrast), and the Add a child dialog with the keyboard in a combo box.

Called by scripts/screenshots.py as `keyboard_shots(app, window, out)` with the main window
unlocked on the demo vault; or on its own, on a demo vault of its own (scripts/shots_alone.py):

    python scripts/shots_keys.py [--out FOLDER]
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from earlyyears_desktop.ui.child_form import ChildForm
from earlyyears_desktop.ui.main_window import MainWindow
from earlyyears_desktop.ui.theme import apply_theme


def _first_tab_stop_on_today(app: QApplication, window: MainWindow) -> None:
    from screenshots import settle  # the runner of all the shots

    window.show_page("today")
    window.activateWindow()  # offscreen too: the focus shows in the active window only
    settle(app, 0.5)
    window.nav.setFocus()
    QTest.keyClick(window.nav, Qt.Key.Key_Tab)
    settle(app)


def keyboard_shots(app: QApplication, window: MainWindow, out: Path) -> None:
    """focus-today.png, focus-today-high-contrast.png, focus-combo.png."""
    from screenshots import save, settle  # the runner of all the shots

    apply_theme(app, False)
    _first_tab_stop_on_today(app, window)
    save(window, out, "focus-today")
    apply_theme(app, True)
    _first_tab_stop_on_today(app, window)
    save(window, out, "focus-today-high-contrast")
    apply_theme(app, False)
    services = window.services
    assert services is not None
    form = ChildForm(services, window.runner, None, window)
    form.resize(640, 560)
    form.show()
    form.activateWindow()
    settle(app)
    form.given.setText("Nia")
    scroll = form.fmt.parentWidget()
    while scroll is not None and not hasattr(scroll, "ensureWidgetVisible"):
        scroll = scroll.parentWidget()
    if scroll is not None:
        scroll.ensureWidgetVisible(form.fmt)  # type: ignore[attr-defined]
    form.fmt.setFocus()
    settle(app)
    save(form, out, "focus-combo")
    form.reject()
    form.deleteLater()


if __name__ == "__main__":
    from shots_alone import run_on_demo_window

    sys.exit(run_on_demo_window(keyboard_shots, __doc__.splitlines()[0]))
