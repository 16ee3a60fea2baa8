"""The register's cards in a scrolling grid: as many columns as the width holds."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QScrollArea, QWidget

from earlyyears_desktop.ui.register_card import CARD_MIN_WIDTH, CARD_STYLE, ChildCard

#: the gap between cards
CARD_SPACING = 8


class CardGrid(QScrollArea):
    """Cards laid out row by row; the columns follow the viewport's width.

    The width is read in resizeEvent rather than by an event filter on the viewport: a
    Python event filter is called while Qt destroys the widgets at exit, and crashed the
    interpreter.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: the cards' parent widget
        self.host = QWidget()
        self.host.setStyleSheet(CARD_STYLE)
        self.grid = QGridLayout(self.host)
        self.grid.setContentsMargins(2, 2, 2, 2)
        self.grid.setSpacing(CARD_SPACING)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.setWidgetResizable(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWidget(self.host)
        self._columns = 2
        self._cards: list[ChildCard] = []

    @property
    def columns(self) -> int:
        """Cards side by side: as many as the width holds."""
        return self._columns

    def lay_out(self, cards: Iterable[ChildCard]) -> None:
        """Place `cards` (children of `host`) in this order, row by row."""
        self._cards = list(cards)
        self._columns = self._columns_that_fit()
        self._place()

    def _place(self) -> None:
        for column in range(self.grid.columnCount()):
            self.grid.setColumnStretch(column, 0)
        for column in range(self._columns):
            self.grid.setColumnStretch(column, 1)
        for index, card in enumerate(self._cards):
            row, column = divmod(index, self._columns)
            self.grid.addWidget(card, row, column)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        columns = self._columns_that_fit()
        if columns != self._columns:
            self._columns = columns
            self._place()

    def _columns_that_fit(self) -> int:
        """As many columns as the width holds of cards with every button's words whole (the
        buttons' keys under their names made a card wider than CARD_MIN_WIDTH: "Apologie:"
        in two columns)."""
        margins = self.grid.contentsMargins()
        room = self.viewport().width() - margins.left() - margins.right() + CARD_SPACING
        hinted = self._cards[0].sizeHint().width() if self._cards else 0
        return max(1, room // (max(CARD_MIN_WIDTH, hinted) + CARD_SPACING))

    def fully_visible(self, cards: Iterable[ChildCard]) -> list[ChildCard]:
        """Those of `cards` whose whole card is on screen now, in the order given."""
        viewport = self.viewport()
        area = viewport.rect()
        seen = []
        for card in cards:
            if not card.isVisible():
                continue
            top_left = card.mapTo(viewport, card.rect().topLeft())
            bottom_right = card.mapTo(viewport, card.rect().bottomRight())
            if area.contains(top_left) and area.contains(bottom_right):
                seen.append(card)
        return seen
