"""The app's look: the system palette by default, or a high-contrast palette by choice."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from earlyyears_desktop.ui.focus_ring import focus_ring_style

ERROR_ROLE_STYLE = "color: palette(bright-text); background: #8b0000; padding: 2px 4px;"


def high_contrast_palette() -> QPalette:
    """White and yellow on black: the usual high-contrast scheme, WCAG AAA contrast."""
    p = QPalette()
    black, white, yellow, cyan = QColor("#000000"), QColor("#ffffff"), QColor("#ffff00"), "#00ffff"
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, QPalette.ColorRole.Window, black)
        p.setColor(group, QPalette.ColorRole.WindowText, white)
        p.setColor(group, QPalette.ColorRole.Base, black)
        p.setColor(group, QPalette.ColorRole.AlternateBase, QColor("#1a1a1a"))
        p.setColor(group, QPalette.ColorRole.Text, white)
        p.setColor(group, QPalette.ColorRole.Button, black)
        p.setColor(group, QPalette.ColorRole.ButtonText, yellow)
        p.setColor(group, QPalette.ColorRole.Highlight, yellow)
        p.setColor(group, QPalette.ColorRole.HighlightedText, black)
        p.setColor(group, QPalette.ColorRole.ToolTipBase, black)
        p.setColor(group, QPalette.ColorRole.ToolTipText, white)
        p.setColor(group, QPalette.ColorRole.PlaceholderText, QColor("#c0c0c0"))
        p.setColor(group, QPalette.ColorRole.Link, QColor(cyan))
        p.setColor(group, QPalette.ColorRole.BrightText, white)
    grey = QColor("#9a9a9a")
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, grey)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Window, black)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base, black)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Button, black)
    return p


_system_palette: QPalette | None = None


def apply_theme(app: QApplication, high_contrast: bool) -> None:
    global _system_palette  # the palette the desktop gave us, kept to switch back to
    if _system_palette is None:
        _system_palette = QPalette(app.palette())
    app.setPalette(high_contrast_palette() if high_contrast else _system_palette)
    # Focus must always be visible for keyboard users, whatever the palette (ui/focus_ring.py).
    app.setStyleSheet(focus_ring_style(app.palette(), high_contrast))
