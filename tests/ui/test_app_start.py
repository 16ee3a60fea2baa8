"""The app comes up on its unlock window without the heavy parts it does not show yet: no
reportlab, no Alembic (no migration is due), no demo generator, no sync code, and none of
Qt's modules beyond the three the window needs (the print support comes with the pages, after
unlocking). Behaviour only (which modules the process loaded), never timings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..fast_vaults import make_vault

#: Run by a fresh interpreter: start the app on the vault, and when a window is on screen, say
#: what is loaded and close the app.
_START_AND_LOOK = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from earlyyears_desktop.ui import app as desktop

qt = QApplication(sys.argv[:1])
heavy = ("reportlab", "alembic", "earlyyears_desktop.demo", "earlyyears_desktop.handouts",
         "earlyyears_desktop.sync.device", "PySide6.QtPrintSupport", "PySide6.QtSvg")

def look():
    if not any(w.isVisible() for w in qt.topLevelWidgets()):
        QTimer.singleShot(20, look)
        return
    print("loaded:", sorted(h for h in heavy if h in sys.modules))
    qt.quit()

QTimer.singleShot(0, look)
sys.exit(desktop.main(["--vault", sys.argv[1]]))
"""


def test_the_unlock_window_comes_up_without_heavy_modules(tmp_path: Path) -> None:
    folder = tmp_path / "vault"
    make_vault(folder).vault.lock()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = subprocess.run(
        [sys.executable, "-c", _START_AND_LOOK, str(folder)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert started.returncode == 0, started.stderr
    assert "loaded: []" in started.stdout.splitlines(), started.stdout
