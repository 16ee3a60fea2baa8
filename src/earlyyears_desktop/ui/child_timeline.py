"""The child's timeline on their record: every kind of event in one list, newest first.

A list model over the pages `TimelineService.page` returns: the first page comes with the
record (one service call), older pages are read on the database thread when the list is
scrolled to its end (`canFetchMore`/`fetchMore`), so a child with thousands of records opens
at once. Kind toggles above the list filter it in SQL; Enter or a double-click on an entry
asks for its record to be opened (`open_requested(entity, record_id)`).
"""

from __future__ import annotations

import html

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGridLayout,
    QLabel,
    QListView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.timeline import (
    TIMELINE_ENTITIES,
    TimelineCursor,
    TimelineEntry,
    TimelineKind,
    TimelinePage,
)
from earlyyears_desktop.services.unit_of_work import Changes
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.widgets import FieldError, long_date

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
ALL_KINDS = frozenset(TimelineKind)
EMPTY = (
    "Nothing recorded for this child yet. Add an observation… below writes the first entry; "
    "sessions attended and home visits appear here too."
)
EMPTY_FILTERED = "Nothing of the kinds ticked is recorded for this child."
NO_KIND = "Tick at least one kind of entry to see the timeline."
OPEN_HINT = "Enter or a double-click opens an observation, a session or a strategy."

Index = QModelIndex | QPersistentModelIndex


def when(entry: TimelineEntry) -> str:
    day = long_date(entry.date)
    return f"{day}, {entry.time:%H:%M}" if entry.time else day


class TimelineModel(QAbstractListModel):
    """The entries read so far; the next page is read on the runner when the view asks."""

    #: a page landed (the first or a later one)
    page_loaded = Signal()
    #: reading a page failed, with the error
    failed = Signal(object)

    def __init__(self, services: Services, runner: OpRunner, parent: QObject | None = None):
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._child_id: str | None = None
        self._kinds: frozenset[TimelineKind] = ALL_KINDS
        self._entries: list[TimelineEntry] = []
        self._next: TimelineCursor | None = None
        self._loading = False
        self._generation = 0

    # ---- contents ----

    @property
    def child_id(self) -> str | None:
        return self._child_id

    @property
    def kinds(self) -> frozenset[TimelineKind]:
        return self._kinds

    @property
    def loading(self) -> bool:
        return self._loading

    def has_more(self) -> bool:
        return self._next is not None

    def entry(self, row: int) -> TimelineEntry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def show_page(self, child_id: str, kinds: frozenset[TimelineKind], page: TimelinePage) -> None:
        """Show a first page already read (the record's), dropping any page still on its way."""
        self.beginResetModel()
        self._generation += 1
        self._child_id, self._kinds = child_id, kinds
        self._entries = list(page.entries)
        self._next = page.next_cursor
        self._loading = False
        self.endResetModel()
        self.page_loaded.emit()

    def load(self, child_id: str, kinds: frozenset[TimelineKind]) -> None:
        """Read the first page again (kinds changed, or a record of the child did)."""
        self._generation += 1
        generation = self._generation
        self._child_id, self._kinds = child_id, kinds
        self._loading = True
        timeline = self._services.timeline
        self._runner.run(
            lambda: timeline.page(child_id, kinds),
            on_done=lambda page: self._first(generation, child_id, kinds, page),
            on_error=lambda error: self._failed(generation, error),
        )

    def clear(self) -> None:
        self.beginResetModel()
        self._generation += 1
        self._child_id = None
        self._entries, self._next, self._loading = [], None, False
        self.endResetModel()

    def _first(
        self,
        generation: int,
        child_id: str,
        kinds: frozenset[TimelineKind],
        page: TimelinePage,
    ) -> None:
        if generation == self._generation:
            self.show_page(child_id, kinds, page)

    def _more(self, generation: int, page: TimelinePage) -> None:
        if generation != self._generation:
            return  # another child, other kinds, or reloaded since this page was asked for
        self._loading = False
        if page.entries:
            first = len(self._entries)
            self.beginInsertRows(QModelIndex(), first, first + len(page.entries) - 1)
            self._entries.extend(page.entries)
            self._next = page.next_cursor
            self.endInsertRows()
        else:
            self._next = None
        self.page_loaded.emit()

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation == self._generation:
            self._loading = False
            self.failed.emit(error)

    # ---- QAbstractListModel ----

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self._next is not None and not self._loading

    def fetchMore(self, parent: Index) -> None:
        if not self.canFetchMore(parent) or self._child_id is None or self._next is None:
            return
        self._loading = True
        generation = self._generation
        child_id, kinds, after = self._child_id, self._kinds, self._next
        timeline = self._services.timeline
        self._runner.run(
            lambda: timeline.page(child_id, kinds, after),
            on_done=lambda page: self._more(generation, page),
            on_error=lambda error: self._failed(generation, error),
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        entry = self.entry(index.row()) if index.isValid() else None
        if entry is None:
            return None
        if role == ENTRY_ROLE:
            return entry
        if role == Qt.ItemDataRole.DisplayRole:
            # The kind of entry in words, never by colour alone. Three lines on every row:
            # the rows share one height, so thousands lay out at once.
            return f"{when(entry)} · {entry.kind.one}\n{entry.title}\n{entry.detail}"
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            detail = f". {entry.detail}" if entry.detail else ""
            said = f"{entry.kind.one}, {when(entry)}: {entry.title}{detail}"
            if role == Qt.ItemDataRole.ToolTipRole:
                # A tooltip that looks like HTML is drawn as HTML: what was typed ("<b>")
                # is shown as typed.
                return f"<p>{html.escape(said)}</p>"
            return said
        return None


class _RowDelegate(QStyledItemDelegate):
    """Rows as wide as the list, never wider: a long line is cut with "…" (its whole text is
    the row's tooltip and accessible text) instead of a sideways scroll bar."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(1, super().sizeHint(option, index).height())


class TimelineView(QWidget):
    """Kind toggles, the list and its empty state; `open_requested(entity, record_id)` when
    an entry is activated (Enter or double-click)."""

    open_requested = Signal(str, str)

    def __init__(self, services: Services, runner: OpRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Timeline")
        self.model = TimelineModel(services, runner, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        # Three to a row: the record shares the page with the children's list, and a row of
        # all five would make it wider than its pane.
        toggles = QGridLayout()
        toggles.addWidget(QLabel("Show:"), 0, 0, 1, 3)
        self.toggles: dict[TimelineKind, QCheckBox] = {}
        for n, kind in enumerate(TimelineKind):
            box = QCheckBox(kind.label)
            box.setChecked(True)
            box.setAccessibleName(f"Show {kind.label.lower()} on the timeline")
            box.toggled.connect(self._kinds_changed)
            toggles.addWidget(box, 1 + n // 3, n % 3)
            self.toggles[kind] = box
        toggles.setColumnStretch(3, 1)
        layout.addLayout(toggles)

        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setAccessibleName("Timeline entries, newest first")
        self.list.setAccessibleDescription(
            "Press Enter on an observation, a session mark or a strategy to open it; older "
            "entries load as you scroll."
        )
        self.list.setUniformItemSizes(True)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setAlternatingRowColors(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.delegate = _RowDelegate(self.list)
        self.list.setItemDelegate(self.delegate)
        self.list.setMinimumHeight(280)
        self.list.activated.connect(self._activated)
        layout.addWidget(self.list)

        self.empty = QLabel(EMPTY)
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName("Timeline is empty")
        self.empty.hide()
        layout.addWidget(self.empty)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Timeline entries shown")
        layout.addWidget(self.status)
        self.error = FieldError("timeline")
        self.error.setAccessibleName("Problem reading the timeline")
        layout.addWidget(self.error)

        #: a change came while the timeline was hidden: read it again when shown
        self._stale = False
        self.model.page_loaded.connect(self._page_loaded)
        self.model.failed.connect(self._failed)
        runner.changed.connect(self._on_changes)

    # ---- showing ----

    def kinds(self) -> frozenset[TimelineKind]:
        return frozenset(kind for kind, box in self.toggles.items() if box.isChecked())

    def show_child(self, child_id: str, first_page: TimelinePage) -> None:
        """Show a child's timeline from the first page of every kind, read with the record.

        Another child starts with every kind ticked; the same child shown again (after a
        change) keeps the kinds ticked, reading its first page again if some are not.
        """
        self._stale = False
        if child_id != self.model.child_id:
            for box in self.toggles.values():
                box.blockSignals(True)
                box.setChecked(True)
                box.blockSignals(False)
        kinds = self.kinds()
        if kinds == ALL_KINDS:
            self.model.show_page(child_id, kinds, first_page)
        else:
            self.model.load(child_id, kinds)

    def clear_personal_data(self) -> None:
        self._stale = False
        self.model.clear()
        self.empty.hide()
        self.status.clear()
        self.error.clear_message()

    def _kinds_changed(self) -> None:
        if self.model.child_id is None:
            return
        kinds = self.kinds()
        if not kinds:
            self.model.show_page(self.model.child_id, kinds, TimelinePage((), None))
        else:
            self.model.load(self.model.child_id, kinds)

    def _on_changes(self, changes: Changes) -> None:
        """A change that may be the child's: read the first page again, now if the timeline
        is on screen, else when it is shown (marks made in the register do not queue reads
        of a record no one is looking at)."""
        if self.model.child_id is None or not changes.touches(*TIMELINE_ENTITIES):
            return
        if self.isVisible():
            self.model.load(self.model.child_id, self.kinds())
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and self.model.child_id is not None:
            self.model.load(self.model.child_id, self.kinds())
        self._stale = False

    def _page_loaded(self) -> None:
        self.error.clear_message()
        n = self.model.rowCount()
        if n == 0:
            kinds = self.model.kinds
            self.empty.setText(
                NO_KIND if not kinds else EMPTY if kinds == ALL_KINDS else EMPTY_FILTERED
            )
            self.empty.show()
            self.list.hide()
            self.status.clear()
            return
        self.empty.hide()
        self.list.show()
        entries = "entry" if n == 1 else "entries"
        shown = (
            f"Newest {n:,} {entries} shown; scroll down for older ones."
            if self.model.has_more()
            else f"{n:,} {entries}."
        )
        self.status.setText(f"{shown} {OPEN_HINT}")

    def _failed(self, error: BaseException) -> None:
        self.error.show_message(error_text(error))

    def _activated(self, index: QModelIndex) -> None:
        entry = self.model.entry(index.row())
        if entry is not None:
            self.open_requested.emit(entry.entity, entry.record_id)
