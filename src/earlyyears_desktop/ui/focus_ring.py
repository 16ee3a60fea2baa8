"""The focus ring: where the keyboard is, shown plainly on every kind of control.

The platform styles show the focus faintly or not at all (Fusion draws a one-pixel tint on a
button; the Today page's first Tab stop showed nothing), so the app's style sheet draws a ring
at least 2 px wide in a colour with at least 3:1 contrast to the window's background (WCAG 2.2
"focus appearance"): a dark blue on a light desktop palette, a light blue on a dark one, yellow
in high contrast. A control keeps its size when it takes the focus: its unfocused border is as
wide as the ring where the rule replaces the platform's frame. (A focused spin box or date
field draws its arrows plainly: the style sheet's, not the platform's.)

The register's cards draw their own buttons (`ui/register_card.py` CARD_STYLE): a rule there
wins over this one, so the cards give their buttons a ring of their own.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

#: the ring on a light background (#efefef window: 5.3:1; white: 6.2:1)
RING_ON_LIGHT = "#1f5fbf"
#: the ring on a dark background (#2d2d2d: 6.6:1)
RING_ON_DARK = "#8ab4f8"
#: the ring in high contrast (on black: 19.6:1)
RING_HIGH_CONTRAST = "#ffff00"
#: the ring's width in pixels
RING_WIDTH = 2

#: the rules, {ring} filled in; each selector names a kind of control the app gives focus to
_RULES = """
QPushButton:focus, QToolButton:focus {{
    border: {w}px solid {ring}; border-radius: 4px; padding: 1px 2px;
    background: palette(button); color: palette(button-text); }}
QToolButton:focus {{ padding: 0px; }}
QLineEdit:focus, QComboBox:focus {{ border: {w}px solid {ring}; border-radius: 3px;
    padding: 1px 3px; }}
QAbstractSpinBox:focus {{ border: {w}px solid {ring}; border-radius: 3px; }}
QCheckBox, QRadioButton {{ border: {w}px solid transparent; border-radius: 3px;
    padding: 1px 3px; }}
QCheckBox:focus, QRadioButton:focus {{ border-color: {ring}; }}
QAbstractItemView, QScrollArea, QPlainTextEdit, QTextEdit {{ border: 1px solid {frame};
    padding: 1px; }}
QAbstractItemView:focus, QScrollArea:focus, QPlainTextEdit:focus, QTextEdit:focus {{
    border: {w}px solid {ring}; padding: 0px; }}
QTabBar:focus {{ border: none; }}
QTabBar::tab:focus {{ border: {w}px solid {ring}; border-radius: 3px; padding: 4px 10px; }}
QLabel[focusPolicy="StrongFocus"], QLabel[focusPolicy="TabFocus"] {{
    border: {w}px solid transparent; }}
QLabel:focus {{ border: {w}px solid {ring}; }}
"""


#: high contrast only: Fusion draws a tick box's and a radio button's outline from the window
#: colour, black on black, so they vanished; drawn here white, filled yellow when chosen
_HIGH_CONTRAST_INDICATORS = """
QCheckBox::indicator, QRadioButton::indicator { width: 13px; height: 13px;
    border: 2px solid #ffffff; background: #000000; }
QRadioButton::indicator { border-radius: 8px; }
QCheckBox::indicator:checked, QRadioButton::indicator:checked { background: #ffff00; }
QCheckBox::indicator:disabled, QRadioButton::indicator:disabled { border-color: #9a9a9a; }
"""


def ring_colour(palette: QPalette, high_contrast: bool) -> str:
    """The ring's colour for `palette`: one with 3:1 contrast or more to its window colour."""
    if high_contrast:
        return RING_HIGH_CONTRAST
    window = palette.color(QPalette.ColorRole.Window)
    return RING_ON_DARK if window.lightnessF() < 0.5 else RING_ON_LIGHT


def focus_ring_style(palette: QPalette, high_contrast: bool) -> str:
    """The style sheet rules drawing the focus ring for `palette`."""
    frame = palette.color(QPalette.ColorRole.Dark).name()
    rules = _RULES.format(ring=ring_colour(palette, high_contrast), w=RING_WIDTH, frame=frame)
    return rules + _HIGH_CONTRAST_INDICATORS if high_contrast else rules


def contrast(one: str | QColor, other: str | QColor) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""

    def luminance(colour: QColor) -> float:
        def channel(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(colour.redF())
            + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF())
        )

    a, b = sorted((luminance(QColor(one)), luminance(QColor(other))), reverse=True)
    return (a + 0.05) / (b + 0.05)
