"""Screenshots of the strategy library for docs/user-guide.md.

`library_shots(app, window, out)` is called by scripts/screenshots.py with the demo's main
window, unlocked. On its own, it makes a demo vault and takes only these pictures:

    python scripts/shots_library.py [--out docs/images]
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from earlyyears_desktop.ui.main_window import MainWindow


def _settle(app: QApplication, seconds: float = 0.2) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def _until(app: QApplication, done: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        app.processEvents()
        if time.monotonic() > deadline:
            raise TimeoutError("the strategy library did not get ready in time")
        time.sleep(0.01)
    _settle(app)


def _save(widget: QWidget, out: Path, name: str) -> None:
    path = out / f"{name}.png"
    widget.grab().save(str(path), "PNG", 9)
    print(f"{path}  {path.stat().st_size // 1024} KiB")


def library_shots(app: QApplication, window: MainWindow, out: Path) -> None:
    """strategies.png (the library, a strategy chosen) and strategy-dialog.png (a new
    strategy with a message beside the title)."""
    from earlyyears_desktop.ui.strategies_page import StrategiesPage

    window.show_page("strategies")
    page = window.page("strategies")
    assert isinstance(page, StrategiesPage)
    _until(app, lambda: page.list.count() > 0)
    page.search.setText("routines")
    page.search.returnPressed.emit()
    _until(app, lambda: 0 < page.list.count() < 20)
    for row in range(page.list.count()):
        if page.list.item(row).text().startswith("Now and next board"):
            page.list.setCurrentRow(row)
    _settle(app)
    _save(window, out, "strategies")

    page.new_strategy()
    dialog = page.dialog
    assert dialog is not None
    dialog.home.setPlainText("Blow bubbles with your child before you go in.")
    dialog.tags.setText("Routines, bubbles")
    dialog.save()
    _until(app, lambda: dialog.errors["title"].isVisible())
    _save(dialog, out, "strategy-dialog")
    dialog.reject()
    page.clear_filters()
    _settle(app)


def main(argv: list[str] | None = None) -> int:
    from earlyyears_desktop.demo import DEMO_PASSPHRASE, create_demo_vault
    from earlyyears_desktop.services.clock import Clock
    from earlyyears_desktop.storage.keyslots import KdfParams
    from earlyyears_desktop.ui.operations import OpRunner

    sys.path.insert(0, str(Path(__file__).parent))
    from screenshots import PICTURE_DAY, SIZE

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent.parent / "docs/images")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Early Years")
    runner = OpRunner()
    with tempfile.TemporaryDirectory(prefix="earlyyears-shots-") as tmp:
        folder = Path(tmp) / "demo-vault"
        demo = create_demo_vault(
            folder, DEMO_PASSPHRASE, params=KdfParams.for_tests(), today=PICTURE_DAY
        )
        demo.vault.lock()
        window = MainWindow(folder, runner, clock=Clock.fixed(PICTURE_DAY))
        window.resize(*SIZE)
        window.show()
        window.unlock_screen.passphrase.setText(DEMO_PASSPHRASE)
        window.unlock_screen.try_unlock()
        _until(app, lambda: not window.is_locked)
        library_shots(app, window, args.out)
        window.lock()
        window.idle.remove()
        window.close()
        runner.wait_for_idle()
    return 0


if __name__ == "__main__":
    sys.exit(main())
