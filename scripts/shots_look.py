"""The app's own look: the sidebar with its icons, and every icon on one sheet.

`look_shots(app, window, out)` is called from scripts/screenshots.py with the unlocked demo
window (sidebar.png). Run on its own, it also draws the icon sheet
and the window with a large text size, to look at while drawing icons:

    python scripts/shots_look.py [--out /tmp/look]
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QFont, QIcon, QImage, QPainter, QPalette
from PySide6.QtWidgets import QApplication

from earlyyears_desktop.ui.icons import APP_ICON_SIZES, app_icon, nav_icon, nav_icon_names
from earlyyears_desktop.ui.main_window import MainWindow
from earlyyears_desktop.ui.theme import apply_theme


def look_shots(app: QApplication, window: MainWindow, out: Path) -> None:
    """sidebar.png: the sidebar's pages on Today, as usual and in high contrast, side by side."""
    from screenshots import settle  # the helpers of the script calling this

    window.show_page("today")
    shots = []
    for high_contrast in (False, True):
        apply_theme(app, high_contrast)
        settle(app, 0.3)
        nav = window.nav
        last = nav.visualItemRect(nav.item(nav.count() - 1))
        bottom = nav.mapTo(window.sidebar, last.bottomLeft()).y() + 12
        shots.append(window.sidebar.grab(QRect(0, 0, window.sidebar.width(), bottom)).toImage())
    apply_theme(app, False)
    settle(app, 0.3)
    gap = 16
    sheet = QImage(
        sum(s.width() for s in shots) + gap, max(s.height() for s in shots), shots[0].format()
    )
    sheet.fill(QColor("#ffffff"))
    painter = QPainter(sheet)
    painter.drawImage(0, 0, shots[0])
    painter.drawImage(shots[0].width() + gap, 0, shots[1])
    painter.end()
    sheet.save(str(out / "sidebar.png"))


def icon_sheet(path: Path) -> None:
    """Every icon on one sheet: the app icon at each size; each sidebar icon at 16, 20, 24 and
    48 px, as drawn on the normal palette, a selected row and the high-contrast palette."""
    from earlyyears_desktop.ui.theme import high_contrast_palette

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    keys = nav_icon_names()
    row, sizes = 56, (16, 20, 24, 48)
    width, height = 40 + 3 * 200, 300 + row * len(keys)
    sheet = QImage(width, height, QImage.Format.Format_ARGB32)
    sheet.fill(QColor("#ffffff"))
    painter = QPainter(sheet)
    x = 20
    for size in APP_ICON_SIZES:
        painter.drawPixmap(x, 20, app_icon().pixmap(size, size))
        x += size + 20
    normal = QPalette(app.palette())
    looks = [
        ("normal", normal, normal.color(QPalette.ColorRole.Base), QIcon.Mode.Normal),
        ("selected", normal, normal.color(QPalette.ColorRole.Highlight), QIcon.Mode.Selected),
        ("high contrast", high_contrast_palette(), QColor("#000000"), QIcon.Mode.Normal),
    ]
    for column, (name, palette, background, mode) in enumerate(looks):
        left = 20 + column * 200
        app.setPalette(palette)
        painter.fillRect(QRect(left, 290, 190, row * len(keys)), background)
        painter.setPen(QColor("#000000"))
        painter.drawText(left, 285, name)
        for i, key in enumerate(keys):
            x = left + 6
            for size in sizes:
                top = 290 + i * row + (row - size) // 2
                painter.drawPixmap(x, top, nav_icon(key).pixmap(size, size, mode))
                x += size + 10
    app.setPalette(normal)
    painter.end()
    sheet.save(str(path))


def main(argv: list[str] | None = None) -> int:
    import datetime as dt

    from screenshots import SIZE, settle, wait_until

    from earlyyears_desktop.demo import DEMO_PASSPHRASE, create_demo_vault
    from earlyyears_desktop.services.clock import Clock
    from earlyyears_desktop.storage.keyslots import KdfParams
    from earlyyears_desktop.ui.operations import OpRunner

    parser = argparse.ArgumentParser(description="the sidebar and the icons, to look at")
    parser.add_argument("--out", type=Path, default=Path("/tmp/look"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setWindowIcon(app_icon())
    icon_sheet(args.out / "icons-sheet.png")
    day = dt.date(2026, 11, 25)
    runner = OpRunner(app)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "demo-vault"
        demo = create_demo_vault(folder, DEMO_PASSPHRASE, params=KdfParams.for_tests(), today=day)
        demo.vault.lock()
        base = QFont(app.font())
        for name, points in (("", None), ("-large-text", base.pointSizeF() * 1.6)):
            if points is not None:
                big = QFont(base)
                big.setPointSizeF(points)
                app.setFont(big)
            window = MainWindow(folder, runner, clock=Clock.fixed(day))
            window.resize(*SIZE)
            window.show()
            window.unlock_screen.passphrase.setText(DEMO_PASSPHRASE)
            window.unlock_screen.try_unlock()
            wait_until(app, lambda w=window: not w.is_locked)
            folder_out = args.out / (name.strip("-") or "normal-text")
            folder_out.mkdir(exist_ok=True)
            look_shots(app, window, folder_out)
            window.grab().save(str(folder_out / "window.png"))
            window.lock()
            window.close()
            settle(app)
        runner.wait_for_idle()
    print(f"saved in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
