"""A button that shows its key on the button itself, in small print under its label.

The register's buttons are pressed at a busy door, often by keyboard: "Present" with a small
"P" under it, "Undo last mark" with "Ctrl+Z", so that nobody has to rest the pointer on a
button to learn its key. The key line takes the room a 40-pixel button leaves under one line
of text, so the cards are no taller than before. A screen reader is told the key in the
button's accessible description.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPaintEvent, QPalette
from PySide6.QtWidgets import QPushButton, QStyle, QStyleOptionButton, QStylePainter, QWidget

from earlyyears_desktop.ui.page_list import spoken_shortcut

#: the key line's size against the label's
HINT_SCALE = 0.8
#: the space between the label and the key line
LINE_GAP = 1
#: the space left and right of the lines, inside the button's frame
MARGIN = 2


class KeyButton(QPushButton):
    """`label` on the first line, `key` (a letter or a shortcut such as "Ctrl+Z") in smaller
    print on the second. `text()` stays the label; the tooltip and the accessible
    description name the key."""

    def __init__(
        self, label: str, key: str, description: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(label, parent)
        self.key = key
        plain = label.replace("&&", "&")
        self.setAccessibleName(plain.rstrip("…"))
        what = description or plain.rstrip("…")
        self.setToolTip(f"{what} ({key})")
        self.setAccessibleDescription(f"{what}. Shortcut: {spoken_shortcut(key)}")

    def hint_font(self) -> QFont:
        font = QFont(self.font())
        if font.pixelSize() > 0:
            font.setPixelSize(max(9, round(font.pixelSize() * HINT_SCALE)))
        else:
            font.setPointSizeF(max(7.0, font.pointSizeF() * HINT_SCALE))
        font.setWeight(QFont.Weight.DemiBold)
        return font

    def _room(self) -> QSize:
        """The two lines' width (the wider) and height, and a little round them."""
        label_metrics, key_metrics = self.fontMetrics(), QFontMetrics(self.hint_font())
        wide = max(
            label_metrics.horizontalAdvance(self.text().replace("&&", "&")),
            key_metrics.horizontalAdvance(self.key),
        )
        tall = label_metrics.height() + LINE_GAP + key_metrics.height()
        return QSize(wide + 2 * MARGIN + 2, tall + 4)

    def sizeHint(self) -> QSize:
        # Qt's own hint asks for room for the label on one line only, and some styles add
        # a wide margin: as wide as the longer line, as tall as both.
        return (
            super()
            .sizeHint()
            .expandedTo(self._room())
            .boundedTo(QSize(self._room().width() + 16, 10_000))
        )

    def minimumSizeHint(self) -> QSize:
        room = self._room()
        return QSize(room.width(), max(room.height(), self.minimumHeight()))

    def text_colour(self) -> QColor:
        """The colour of both lines (a subclass styled by a style sheet gives its own)."""
        group = QPalette.ColorGroup.Normal if self.isEnabled() else QPalette.ColorGroup.Disabled
        return self.palette().color(group, QPalette.ColorRole.ButtonText)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QStylePainter(self)
        option = QStyleOptionButton()
        self.initStyleOption(option)
        label = option.text
        option.text = ""  # the frame and background only: the two lines are drawn below
        painter.drawControl(QStyle.ControlElement.CE_PushButton, option)
        label_font, key_font = self.font(), self.hint_font()
        label_height = QFontMetrics(label_font).height()
        key_height = QFontMetrics(key_font).height()
        inner = self.rect().adjusted(MARGIN, 0, -MARGIN, 0)
        top = inner.top() + (inner.height() - label_height - LINE_GAP - key_height) // 2
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter
        show_mnemonic = int(flags) | int(Qt.TextFlag.TextShowMnemonic)
        painter.setPen(self.text_colour())
        painter.setFont(label_font)
        painter.drawText(
            QRect(inner.left(), top, inner.width(), label_height), show_mnemonic, label
        )
        painter.setFont(key_font)
        painter.drawText(
            QRect(inner.left(), top + label_height + LINE_GAP, inner.width(), key_height),
            int(flags),
            self.key,
        )
