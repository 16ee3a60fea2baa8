"""The children list: a table model over a list of ids, fetching rows a page at a time.

The ids come from one SQL query (search, filters and sorting all in SQL). Rows are read in
pages of PAGE_SIZE on the database thread and kept in a small cache, so a vault of thousands
of children opens as fast as one of ten.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from earlyyears_desktop.domain.enums import AreaOfNeed, ChildStatus
from earlyyears_desktop.services.children import ChildRow
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.widgets import age_text, short_date

PAGE_SIZE = 100
CACHED_PAGES = 20

#: (header, sort key in ChildFilter.sort or None when the column cannot be sorted)
COLUMNS: list[tuple[str, str | None]] = [
    ("Name", "name"),
    ("Legal name", "family_name"),
    ("Date of birth", "date_of_birth"),
    ("Age", "date_of_birth"),
    ("Status", "status"),
    ("Areas of need", None),
    ("Review due", "review"),
]
_AREA_SHORT = {
    AreaOfNeed.COMMUNICATION_AND_INTERACTION.value: "C&I",
    AreaOfNeed.COGNITION_AND_LEARNING.value: "C&L",
    AreaOfNeed.SOCIAL_EMOTIONAL_MENTAL_HEALTH.value: "SEMH",
    AreaOfNeed.SENSORY_PHYSICAL.value: "S/P",
}
ID_ROLE = Qt.ItemDataRole.UserRole + 1
AREAS_COLUMN = 5


def area_legend(separator: str = " · ") -> str:
    """The short forms in the Areas of need column, each with its full words."""
    return separator.join(
        f"{_AREA_SHORT[value]} {label.lower()}" for value, label in AreaOfNeed.choices()
    )


Index = QModelIndex | QPersistentModelIndex


class ChildrenModel(QAbstractTableModel):
    """Rows are fetched through `fetch_rows(ids)` on the runner; `sort_requested` asks the
    page to run the query again in another order."""

    sort_requested = Signal(str, bool)
    page_loaded = Signal()

    def __init__(
        self,
        runner: OpRunner,
        fetch_rows: Callable[[Sequence[str]], list[ChildRow]],
        today: Callable[[], dt.date],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._fetch_rows = fetch_rows
        self._today = today
        self._ids: list[str] = []
        self._pages: OrderedDict[int, dict[str, ChildRow]] = OrderedDict()
        self._pending: set[int] = set()
        self._generation = 0

    # ---- contents ----

    def set_ids(self, ids: list[str], first_page: list[ChildRow] | None = None) -> None:
        self.beginResetModel()
        self._generation += 1
        self._ids = list(ids)
        self._pages.clear()
        self._pending.clear()
        if first_page is not None:
            self._pages[0] = {r.id: r for r in first_page}
        self.endResetModel()

    def clear(self) -> None:
        self.set_ids([])

    def ids(self) -> list[str]:
        return list(self._ids)

    def row_of(self, child_id: str) -> int:
        try:
            return self._ids.index(child_id)
        except ValueError:
            return -1

    def child_id(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def cached_row(self, row: int) -> ChildRow | None:
        """The row if its page is cached; otherwise asks for the page and returns None."""
        if not 0 <= row < len(self._ids):
            return None
        page = row // PAGE_SIZE
        rows = self._pages.get(page)
        if rows is None:
            self._request(page)
            return None
        self._pages.move_to_end(page)
        return rows.get(self._ids[row])

    def _request(self, page: int) -> None:
        if page in self._pending:
            return
        self._pending.add(page)
        generation = self._generation
        ids = self._ids[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        fetch = self._fetch_rows
        self._runner.run(
            lambda: fetch(ids),
            on_done=lambda rows: self._loaded(generation, page, rows),
            on_error=lambda _e: self._pending.discard(page),
        )

    def _loaded(self, generation: int, page: int, rows: list[ChildRow]) -> None:
        if generation != self._generation:
            return  # the list changed while this page was read
        self._pending.discard(page)
        self._pages[page] = {r.id: r for r in rows}
        while len(self._pages) > CACHED_PAGES:
            self._pages.popitem(last=False)
        first = page * PAGE_SIZE
        last = min(first + PAGE_SIZE, len(self._ids)) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
        self.page_loaded.emit()

    # ---- QAbstractTableModel ----

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> str | None:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section][0]
            if role == Qt.ItemDataRole.ToolTipRole and section == AREAS_COLUMN:
                return "Areas of need:\n" + area_legend("\n")
            if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[section][1]:
                return f"Sort by {COLUMNS[section][0].lower()}"
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> str | None:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == ID_ROLE:
            return self._ids[index.row()]
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return None
        row = self.cached_row(index.row())
        if row is None:
            return "…" if index.column() == 0 and role == Qt.ItemDataRole.DisplayRole else None
        return self._text(row, index.column(), role)

    def _text(self, row: ChildRow, column: int, role: int) -> str:
        if column == 0:
            return row.display_name
        if column == 1:
            return row.legal_name
        if column == 2:
            return short_date(row.date_of_birth)
        if column == 3:
            return age_text(row.date_of_birth, self._today())
        if column == 4:
            try:
                return ChildStatus(row.status).label
            except ValueError:
                return row.status
        if column == 5:
            if role == Qt.ItemDataRole.DisplayRole:
                return ", ".join(_AREA_SHORT.get(a, a) for a in row.areas_of_need)
            return "; ".join(AreaOfNeed(a).label for a in row.areas_of_need if _known_area(a))
        if column == 6:
            if row.review_on is None:
                return ""
            text = short_date(row.review_on)
            return f"{text} (overdue)" if row.review_on < self._today() else text
        return ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(COLUMNS) and COLUMNS[column][1]:
            key = COLUMNS[column][1]
            self.sort_requested.emit(key, order == Qt.SortOrder.DescendingOrder)


def _known_area(value: str) -> bool:
    return value in _AREA_SHORT
