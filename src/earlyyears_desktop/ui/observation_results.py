"""The results of an observation search: a list model over the hits and a delegate that draws
each as two lines, the details and the snippet with the matching words in bold.

Every piece of a record's text is HTML-escaped before it goes into the rich text the delegate
draws: an observation that says "<b>" shows "<b>".
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from earlyyears_desktop.domain.enums import AreaOfNeed, ObservationContext
from earlyyears_desktop.services.observation_search import ObservationHit
from earlyyears_desktop.ui.widgets import short_date

#: the role holding a hit's rich text (details and snippet, escaped, matches in bold)
RICH_TEXT_ROLE = Qt.ItemDataRole.UserRole + 1
HIT_ROLE = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex


def details_of(hit: ObservationHit) -> str:
    """The first line: when, who, where, which area, by whom (plain text)."""
    when = short_date(hit.observed_on)
    if hit.observed_at is not None:
        when += f", {hit.observed_at.strftime('%H:%M')}"
    parts = [when, hit.child_name, _label(ObservationContext, hit.context)]
    if hit.area_of_need:
        parts.append(_label(AreaOfNeed, hit.area_of_need))
    if hit.author_name:
        parts.append(f"by {hit.author_name}")
    if hit.share_with_parents:
        parts.append("shared with parents")
    return " · ".join(p for p in parts if p)


def _label(vocabulary: type[AreaOfNeed] | type[ObservationContext], value: str) -> str:
    try:
        return vocabulary(value).label
    except ValueError:
        return value


def snippet_html(snippet: str, spans: Sequence[tuple[int, int]]) -> str:
    """The snippet as rich text: every piece escaped, the spans in bold."""
    pieces: list[str] = []
    at = 0
    for start, end in sorted(spans):
        if start < at or end > len(snippet):
            continue
        pieces.append(html.escape(snippet[at:start]))
        pieces.append(f"<b>{html.escape(snippet[start:end])}</b>")
        at = end
    pieces.append(html.escape(snippet[at:]))
    return "".join(pieces)


def hit_html(hit: ObservationHit) -> str:
    return (
        f"<div style='font-weight:600'>{html.escape(details_of(hit))}</div>"
        f"<div>{snippet_html(hit.snippet, hit.spans)}</div>"
    )


class ResultsModel(QAbstractListModel):
    """The hits of the last search (a search shows at most a hundred or so: no paging)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hits: tuple[ObservationHit, ...] = ()

    def set_hits(self, hits: Sequence[ObservationHit]) -> None:
        self.beginResetModel()
        self._hits = tuple(hits)
        self.endResetModel()

    def clear(self) -> None:
        self.set_hits(())

    def hit(self, row: int) -> ObservationHit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        hit = self.hit(index.row()) if index.isValid() else None
        if hit is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{details_of(hit)}. {hit.snippet}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Enter or double-click opens this observation in the child's record"
        if role == RICH_TEXT_ROLE:
            return hit_html(hit)
        if role == HIT_ROLE:
            return hit
        return None


class ResultDelegate(QStyledItemDelegate):
    """Draws a hit's rich text, wrapped to the list's width."""

    PADDING = 6

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view

    def _document(self, option: QStyleOptionViewItem, index: _Index) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(0)
        document.setHtml(str(index.data(RICH_TEXT_ROLE) or ""))
        width = self._view.viewport().width() or 600
        document.setTextWidth(max(width - 2 * self.PADDING, 120))
        return document

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        own = QStyleOptionViewItem(option)
        self.initStyleOption(own, index)
        own.text = ""
        widget = own.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, own, painter, widget)
        document = self._document(option, index)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(own.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, own.palette.color(role))
        painter.save()
        rect = option.rect
        painter.translate(rect.left() + self.PADDING, rect.top() + self.PADDING)
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        document = self._document(option, index)
        return QSize(
            int(document.idealWidth()) + 2 * self.PADDING,
            int(document.size().height()) + 2 * self.PADDING,
        )
