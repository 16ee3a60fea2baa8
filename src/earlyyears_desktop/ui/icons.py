"""The app's own icons (drawn for it: resources/icons), loaded from the package data.

The app icon is a set of PNGs, one per size desktops ask for. The sidebar's icons are one-colour
line drawings, tinted when drawn with the current palette: the app's teal where it stands out
against the list's background, the text colour where it would not (the high-contrast theme), the
highlighted-text colour on the selected row. So they keep their contrast when the theme changes.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QPainter,
    QPalette,
    QPixmap,
)

if TYPE_CHECKING:
    from PySide6.QtSvg import QSvgRenderer

#: the sizes the app icon is built at (scripts/build_icons.py)
APP_ICON_SIZES = (16, 32, 48, 128, 256)
#: the app's own colour (the handouts' teal): the sidebar's icons where it has the contrast
ACCENT = QColor("#1B5E66")
#: WCAG's contrast for graphics a user must make out (1.4.11 asks 3:1; we keep to text's 4.5:1)
MIN_CONTRAST = 4.5


def _icons() -> Traversable:
    return resources.files("earlyyears_desktop").joinpath("resources", "icons")


@cache
def app_icon() -> QIcon:
    """Early Years' icon, every size in one QIcon (the window, the taskbar, alt-tab)."""
    icon = QIcon()
    for size in APP_ICON_SIZES:
        pixmap = QPixmap()
        if pixmap.loadFromData(_icons().joinpath(f"earlyyears-desktop-{size}.png").read_bytes()):
            icon.addPixmap(pixmap)
    return icon


def nav_icon_names() -> list[str]:
    """The keys of the sidebar icons the package data holds."""
    folder = _icons().joinpath("nav")
    return sorted(f.name.removesuffix(".svg") for f in folder.iterdir() if f.name.endswith(".svg"))


@cache
def nav_icon(key: str) -> QIcon:
    """The sidebar icon of the page `key`, tinted to the palette when drawn."""
    svg = _icons().joinpath("nav", f"{key}.svg").read_bytes()
    return QIcon(TintedSvgEngine(svg))


def nav_icon_size(font: QFont) -> QSize:
    """The sidebar's icon size for its font: 20 px, larger with a larger text size."""
    side = max(20, round(QFontMetrics(font).height() * 1.15))
    return QSize(side, side)


def _luminance(colour: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    """WCAG's contrast ratio between two colours (1 to 21)."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def tint_for(mode: QIcon.Mode, palette: QPalette) -> QColor:
    """The colour a sidebar icon is drawn in, in this mode, with this palette."""
    if mode == QIcon.Mode.Selected:
        return palette.color(QPalette.ColorRole.HighlightedText)
    if mode == QIcon.Mode.Disabled:
        return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
    if contrast(ACCENT, palette.color(QPalette.ColorRole.Base)) >= MIN_CONTRAST:
        return ACCENT
    return palette.color(QPalette.ColorRole.Text)


class TintedSvgEngine(QIconEngine):
    """Draws a one-colour SVG in the palette's colour for the icon's mode, at any size."""

    def __init__(self, svg: bytes) -> None:
        super().__init__()
        self._svg = svg
        self._renderer: QSvgRenderer | None = None  # made when first drawn (see _draw)
        self._pixmaps: dict[tuple[int, int, float, int], QPixmap] = {}

    def clone(self) -> QIconEngine:
        return TintedSvgEngine(self._svg)

    def isNull(self) -> bool:
        return not self._svg

    def scaledPixmap(
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        colour = tint_for(mode, QGuiApplication.palette())
        side = max(1, round(min(size.width(), size.height()) * scale))
        key = (side, colour.rgba(), scale, mode.value)
        cached = self._pixmaps.get(key)
        if cached is not None:
            return cached
        pixmap = QPixmap(side, side)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._draw(painter, side)
        # Keep the drawing's shape (its alpha), paint it in the colour.
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
        painter.fillRect(QRect(0, 0, side, side), colour)
        painter.end()
        pixmap.setDevicePixelRatio(scale)
        if len(self._pixmaps) > 32:  # a theme change or many sizes: start again
            self._pixmaps.clear()
        self._pixmaps[key] = pixmap
        return pixmap

    def _draw(self, painter: QPainter, side: int) -> None:
        if self._renderer is None:
            # Qt's SVG module is loaded when an icon is first drawn: the sidebar is hidden
            # while the window is locked, so the unlock window comes up without it.
            from PySide6.QtSvg import QSvgRenderer

            self._renderer = QSvgRenderer(QByteArray(self._svg))
        self._renderer.render(painter, QRectF(0, 0, side, side))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        device = painter.device()
        scale = device.devicePixelRatioF() if device is not None else 1.0
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, scale))
