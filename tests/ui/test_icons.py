"""The app's own icons: the app icon on every window, a drawn icon for every page in the sidebar,
tinted to keep its contrast in each theme, and package data that matches its sources."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QFont, QIcon, QImage, QPalette
from PySide6.QtWidgets import QApplication, QDialog, QListWidgetItem

from earlyyears_desktop.ui import icons
from earlyyears_desktop.ui.app import Launcher
from earlyyears_desktop.ui.icons import (
    ACCENT,
    APP_ICON_SIZES,
    app_icon,
    contrast,
    nav_icon,
    nav_icon_names,
    nav_icon_size,
)
from earlyyears_desktop.ui.page_list import PAGES
from earlyyears_desktop.ui.theme import high_contrast_palette

ROOT = Path(__file__).parents[2]


def _build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_icons", ROOT / "scripts/build_icons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ink(icon: QIcon, mode: QIcon.Mode = QIcon.Mode.Normal, size: int = 24) -> set[str]:
    """The colours of the icon's opaque pixels (ignoring the anti-aliased edges)."""
    image = icon.pixmap(size, size, mode).toImage().convertToFormat(QImage.Format.Format_ARGB32)
    return {
        image.pixelColor(x, y).name()
        for y in range(image.height())
        for x in range(image.width())
        if image.pixelColor(x, y).alpha() == 255
    }


def test_the_package_data_matches_the_sources(qapp) -> None:
    """scripts/build_icons.py --check: every source built, nothing stale, nothing extra."""
    script = _build_script()
    assert script.problems() == []
    assert script.main(["--check"]) == 0
    # The installers' icons hold the app icon at each of their sizes.
    icons = ROOT / "src" / "earlyyears_desktop" / "resources" / "icons"
    ico = script.unpack_ico((icons / "earlyyears-desktop.ico").read_bytes())
    assert [QImage.fromData(p).width() for p in ico] == list(script.ICO_SIZES)
    icns = script.unpack_icns((icons / "earlyyears-desktop.icns").read_bytes())
    assert [QImage.fromData(p).width() for p in icns] == [s for _, s in script.ICNS_TYPES]


def test_the_check_finds_stale_missing_and_stray_icons(qapp, tmp_path: Path) -> None:
    script = _build_script()
    script.TARGET = tmp_path / "icons"
    script.build()
    assert script.problems() == []
    (script.TARGET / "nav" / "sync.svg").write_text("<svg/>", encoding="utf-8")
    (script.TARGET / "earlyyears-desktop-16.png").write_bytes(
        (script.TARGET / "earlyyears-desktop-32.png").read_bytes()
    )
    (script.TARGET / "nav" / "today.svg").unlink()
    (script.TARGET / "nav" / "old.svg").write_text("<svg/>", encoding="utf-8")
    assert sorted(script.problems()) == [
        "missing: nav/today.svg",
        "no source: nav/old.svg",
        "out of date: earlyyears-desktop-16.png",
        "out of date: nav/sync.svg",
    ]
    assert script.main(["--check"]) == 1


def test_every_page_has_an_icon_of_its_own(qapp) -> None:
    names = nav_icon_names()
    for spec in PAGES:
        assert spec.key in names, spec.key
        assert (ROOT / "resources" / "icons" / "nav" / f"{spec.key}.svg").is_file(), spec.key
        icon = nav_icon(spec.key)
        assert not icon.isNull(), spec.key
        assert _ink(icon), f"{spec.key}: nothing drawn"
    # Each page's icon is its own drawing, not one picture under several names.
    pictures = {bytes(nav_icon(s.key).pixmap(24, 24).toImage().constBits()) for s in PAGES}
    assert len(pictures) == len(PAGES)


def test_sidebar_icons_keep_their_contrast_in_every_theme(qapp) -> None:
    normal = QPalette(qapp.palette())
    try:
        light = QPalette(normal)
        light.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
        light.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
        qapp.setPalette(light)
        # The app's teal on a light list; the highlighted text's colour on the selected row.
        assert _ink(nav_icon("strategies")) == {ACCENT.name()}
        assert _ink(nav_icon("strategies"), QIcon.Mode.Selected) == {"#ffffff"}
        # A dark desktop theme: teal on dark grey would be faint, so the text's own colour.
        dark = QPalette(normal)
        dark.setColor(QPalette.ColorRole.Base, QColor("#2b2b2b"))
        dark.setColor(QPalette.ColorRole.Text, QColor("#eeeeee"))
        qapp.setPalette(dark)
        assert _ink(nav_icon("strategies")) == {"#eeeeee"}
        # High contrast: teal on black would be too faint, so white; black on the yellow row.
        qapp.setPalette(high_contrast_palette())
        assert contrast(ACCENT, QColor("#000000")) < icons.MIN_CONTRAST
        assert _ink(nav_icon("strategies")) == {"#ffffff"}
        assert _ink(nav_icon("strategies"), QIcon.Mode.Selected) == {"#000000"}
    finally:
        qapp.setPalette(normal)


def test_the_sidebar_icons_grow_with_the_text_size(qapp) -> None:
    """20 px at most text sizes; beside large text, large enough to match it."""
    font = QFont()
    font.setPointSizeF(7)
    assert nav_icon_size(font) == QSize(20, 20)
    font.setPointSizeF(20)
    assert nav_icon_size(font).width() >= 30


def test_every_window_shows_the_app_icon(qtbot, tmp_path: Path) -> None:
    """The launcher gives the application the icon, every size of it: each top-level window and
    dialog without one of its own shows it, and so does the taskbar."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setWindowIcon(QIcon())
    launcher = Launcher(app, tmp_path / "no-vault-yet")
    try:
        icon = app.windowIcon()
        assert not icon.isNull()
        assert {s.width() for s in icon.availableSizes()} >= set(APP_ICON_SIZES)
        assert icon.cacheKey() == app_icon().cacheKey()
        dialog = QDialog()
        qtbot.addWidget(dialog)
        assert dialog.windowIcon().cacheKey() == icon.cacheKey()
    finally:
        launcher.runner.wait_for_idle()


def test_the_sidebar_shows_the_drawn_icons_and_the_page_chosen(qtbot, window, unlock) -> None:
    unlock(window)
    items: list[QListWidgetItem] = [window.nav.item(i) for i in range(window.nav.count())]
    assert [item.text() for item in items] == [spec.title for spec in PAGES]
    for spec, item in zip(PAGES, items, strict=True):
        assert not item.icon().isNull(), spec.key
        assert item.icon().cacheKey() == nav_icon(spec.key).cacheKey(), spec.key
    # After unlocking, the page shown is the chosen (highlighted) row, not only the current one.
    assert window.nav.currentRow() == 0
    assert window.nav.item(0).isSelected()
