"""Screenshots of the focus ring: the Today page with the keyboard on its first Tab stop (in the
usual colours and in high contrast), and the Add a child dialog with the keyboard in a combo box.

Called by scripts/screenshots.py as `keyboard_shots(app, window, out)` with the main window
unlocked on the demo vault; or on its own:

    python scripts/shots_keys.py DEMO_VAULT_FOLDER OUT_FOLDER
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from earlyyears_desktop.ui.child_form import ChildForm
from earlyyears_desktop.ui.main_window import MainWindow
from earlyyears_desktop.ui.theme import apply_theme


def _settle(app: QApplication, seconds: float = 0.2) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def _save(widget: QWidget, out: Path, name: str) -> None:
    path = out / f"{name}.png"
    widget.grab().save(str(path), "PNG", 9)
    print(f"{path}  {path.stat().st_size // 1024} KiB")


def _first_tab_stop_on_today(app: QApplication, window: MainWindow) -> None:
    window.show_page("today")
    window.activateWindow()  # offscreen too: the focus shows in the active window only
    _settle(app, 0.5)
    window.nav.setFocus()
    QTest.keyClick(window.nav, Qt.Key.Key_Tab)
    _settle(app)


def keyboard_shots(app: QApplication, window: MainWindow, out: Path) -> None:
    """focus-today.png, focus-today-high-contrast.png, focus-combo.png."""
    apply_theme(app, False)
    _first_tab_stop_on_today(app, window)
    _save(window, out, "focus-today")
    apply_theme(app, True)
    _first_tab_stop_on_today(app, window)
    _save(window, out, "focus-today-high-contrast")
    apply_theme(app, False)
    services = window.services
    assert services is not None
    form = ChildForm(services, window.runner, None, window)
    form.resize(640, 560)
    form.show()
    form.activateWindow()
    _settle(app)
    form.given.setText("Nia")
    form.findChild(type(form.fmt))
    scroll = form.fmt.parentWidget()
    while scroll is not None and not hasattr(scroll, "ensureWidgetVisible"):
        scroll = scroll.parentWidget()
    if scroll is not None:
        scroll.ensureWidgetVisible(form.fmt)  # type: ignore[attr-defined]
    form.fmt.setFocus()
    _settle(app)
    _save(form, out, "focus-combo")
    form.reject()
    form.deleteLater()


def main(argv: list[str]) -> int:
    import datetime as dt

    from earlyyears_desktop.demo import DEMO_PASSPHRASE
    from earlyyears_desktop.services.clock import Clock
    from earlyyears_desktop.ui.operations import OpRunner
    from earlyyears_desktop.ui.wheel_guard import install_wheel_guard

    folder, out = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([])
    install_wheel_guard(app)
    runner = OpRunner()
    window = MainWindow(folder, runner, clock=Clock.fixed(dt.date(2026, 11, 25)))
    window.resize(1366, 768)
    window.show()
    window.unlock_screen.passphrase.setText(DEMO_PASSPHRASE)
    window.unlock_screen.try_unlock()
    deadline = time.monotonic() + 30
    while window.is_locked and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    _settle(app, 1.0)
    keyboard_shots(app, window, out)
    window.lock()
    runner.wait_for_idle()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
