"""The Children page: search and filter the list, see and edit a child's record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import AreaOfNeed, ChildStatus
from earlyyears_desktop.services.children import ChildFilter, ChildRecord, ChildRow, Saved
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.groups import GroupRow
from earlyyears_desktop.services.unit_of_work import Changes
from earlyyears_desktop.ui.child_form import ChildForm
from earlyyears_desktop.ui.child_record import ChildRecordView, ChildView, read_child_view
from earlyyears_desktop.ui.children_model import COLUMNS, PAGE_SIZE, ChildrenModel, area_legend
from earlyyears_desktop.ui.enum_combo import EnumCombo
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.pages import Page
from earlyyears_desktop.ui.widgets import DownIntoResults, heading

SEARCH_DEBOUNCE_MS = 150
#: the child's record beside the list: narrowest and widest, in pixels
RECORD_WIDTH = (320, 420)
_CHILD_ENTITIES = ("child", "carer", "consent", "team_member", "observation", "support_plan")


class ChildrenPage(Page):
    #: emitted after each list query lands, with the number of children found
    list_ready = Signal(int)
    #: emitted when a child's record has been shown
    record_shown = Signal(str)
    #: a session's register asked for from a child's timeline
    session_requested = Signal(str)
    #: a support plan asked for from a child's record
    plan_requested = Signal(str)
    #: a meeting asked for from a child's record (its id)
    meeting_open_requested = Signal(str)

    def __init__(self, services: Services, runner: OpRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.setAccessibleName("Children")
        self._sort = ("name", False)
        self._query_generation = 0
        self._selected_id: str | None = None
        #: the child whose record was last opened (recorded in the audit trail)
        self._opened_id: str | None = None
        self._groups_loaded = False
        #: (child id, observation id) to open once that child's record is shown
        self._pending_observation: tuple[str, str] | None = None

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading("Children and families"), 1)
        self.new_button = QPushButton("&Add a child…")
        self.new_button.setAccessibleName("Add a child")
        self.new_button.setToolTip("Add a child (Ctrl+N)")
        self.new_button.clicked.connect(self.add_child)
        top.addWidget(self.new_button)
        layout.addLayout(top)

        filters = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by a child’s or a carer’s name…")
        self.search.setAccessibleName("Search children by name")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        filters.addWidget(self.search, 2)
        self.group = self._combo("Group", [("All groups", None)])
        self.area = EnumCombo(AreaOfNeed, "Filter: Area of need", none_label="All areas of need")
        self.status = EnumCombo(ChildStatus, "Filter: Status", none_label="Any status")
        self.review = self._combo(
            "Review due",
            [
                ("Any review date", None),
                ("Review overdue", 0),
                ("Review due in 4 weeks", 28),
                ("Review due in 3 months", 91),
            ],
        )
        for combo, description in (
            (self.group, "Show only the children enrolled in one group"),
            (self.area, "Show only the children with this area of need"),
            (self.status, "Show only the children with this status"),
            (self.review, "Show only the children whose support plan review is due by then"),
        ):
            combo.setAccessibleDescription(description)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContentsOnFirstShow)
            filters.addWidget(combo, 1)
            combo.currentIndexChanged.connect(self.run_query)
        layout.addLayout(filters)

        self.count = QLabel("")
        self.count.setAccessibleName("Number of children found")
        self.legend = QLabel(area_legend())
        self.legend.setAccessibleName("Areas of need: short forms")
        self.legend.setToolTip("The short forms in the Areas of need column")
        counts = QHBoxLayout()
        counts.addWidget(self.count, 1)
        counts.addWidget(self.legend)
        layout.addLayout(counts)
        self.empty_hint = QLabel("")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setAccessibleName("No children to show")
        self.empty_hint.hide()

        self.model = ChildrenModel(runner, self._fetch_rows, self._today, self)
        self.model.sort_requested.connect(self._sort_by)
        self.table = QTableView()
        DownIntoResults(self.search, self.table)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Children list")
        self.table.setAccessibleDescription(
            "The children found, one a row: moving to a row shows that child's record beside "
            "the list; click a column's title to sort by it"
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.setSectionsClickable(True)
        header.sortIndicatorChanged.connect(self.model.sort)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.activated.connect(lambda index: self._current_changed(index, None))

        self.record = ChildRecordView(services, runner)
        self.record.edit_requested.connect(self.edit_child)
        self.record.session_requested.connect(self.session_requested)
        self.record.plan_requested.connect(self.plan_requested)
        self.record.meeting_open_requested.connect(self.meeting_open_requested)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        list_side = QWidget()
        list_layout = QVBoxLayout(list_side)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.empty_hint)
        list_layout.addWidget(self.table, 1)
        splitter.addWidget(list_side)
        splitter.addWidget(self.record)
        # The list gets the room: the record wraps its text and reads well narrow.
        self.record.setMinimumWidth(320)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setSizes([800, 380])
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        self._split_set = False
        layout.addWidget(splitter, 1)
        self._size_columns()

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.run_query)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self._search_now)

        QShortcut(QKeySequence.StandardKey.New, self, self.add_child)
        # Ctrl+F is the window's Find action: it comes to focus_search while this page is
        # shown (a shortcut of this page's own would make the key ambiguous).
        runner.changed.connect(self._on_changes)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._split_set:
            # The first time the page has its real width: the record takes about 30% of it
            # (320-420 px) so that on a small screen the names in the list are not cut short.
            self._split_set = True
            total = sum(self.splitter.sizes())
            record = max(RECORD_WIDTH[0], min(RECORD_WIDTH[1], int(total * 0.3)))
            if total > record:
                self.splitter.setSizes([total - record, record])

    def _combo(self, name: str, items: list[tuple[str, object]]) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(f"Filter: {name}")
        for label, value in items:
            combo.addItem(label, value)
        return combo

    def _size_columns(self) -> None:
        """The two name columns share the spare width; each short column is as wide as its
        longest likely value or its header. Measured from text, not from the rows: sizing to
        the contents would read every row of a long list."""
        header = self.table.horizontalHeader()
        cells = self.table.fontMetrics()
        heads = header.fontMetrics()
        arrow = self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize) + 16
        samples = {
            2: ["28 Sep 2026"],
            3: ["12y 11m"],
            4: [label for _, label in ChildStatus.choices()],
            5: ["C&I, SEMH, S/P"],
            6: ["28 Sep 2026 (overdue)"],
        }
        for column, texts in samples.items():
            content = max(cells.horizontalAdvance(t) for t in texts) + 14
            title = heads.horizontalAdvance(COLUMNS[column][0]) + arrow
            self.table.setColumnWidth(column, max(content, title))
        for column in (0, 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(cells.horizontalAdvance("Name") + arrow)

    def _today(self) -> dt.date:
        return self.services.children.today()

    def _fetch_rows(self, ids: Sequence[str]) -> list[ChildRow]:
        return self.services.children.rows(ids)

    # ---- the protocol ----

    def reload(self) -> None:
        if not self._groups_loaded:
            self.runner.run(self.services.groups.groups, on_done=self._groups_ready)
        self.run_query()

    def clear_personal_data(self) -> None:
        self._query_generation += 1  # any query in flight is ignored when it lands
        self._debounce.stop()
        self.search.clear()
        self._selected_id = self._opened_id = None
        self._pending_observation = None
        self.model.clear()
        self.record.clear_personal_data()
        self.count.setText("")
        self.empty_hint.hide()
        while self.group.count() > 1:
            self.group.removeItem(1)
        self._groups_loaded = False

    # ---- the list ----

    def _groups_ready(self, groups: list[GroupRow]) -> None:
        current = self.group.currentData()
        self.group.blockSignals(True)
        while self.group.count() > 1:
            self.group.removeItem(1)
        for g in groups:
            self.group.addItem(g.name, g.id)
        self.group.setCurrentIndex(max(self.group.findData(current), 0))
        self.group.blockSignals(False)
        self._groups_loaded = True

    def current_filter(self) -> ChildFilter:
        review_days = self.review.currentData()
        review_by = None
        if review_days is not None:
            review_by = self._today() + dt.timedelta(days=review_days)
            if review_days == 0:
                review_by = self._today() - dt.timedelta(days=1)
        return ChildFilter(
            text=self.search.text(),
            group_id=self.group.currentData(),
            area_of_need=self.area.value(),
            status=self.status.value(),
            review_due_by=review_by,
            sort=self._sort[0],
            descending=self._sort[1],
        )

    def _search_now(self) -> None:
        self._debounce.stop()
        self.run_query()

    def run_query(self) -> None:
        self._debounce.stop()
        flt = self.current_filter()
        children = self.services.children
        self._query_generation += 1
        generation = self._query_generation

        def work() -> tuple[list[str], list[ChildRow]]:
            ids = children.search_ids(flt)
            return ids, children.rows(ids[:PAGE_SIZE])

        self.runner.run(
            work,
            on_done=lambda result: self._listed(generation, *result),
            on_error=self._query_failed,
        )

    def _listed(self, generation: int, ids: list[str], first: list[ChildRow]) -> None:
        if generation != self._query_generation:
            return
        keep = self._selected_id
        self.model.set_ids(ids, first)
        n = len(ids)
        self.count.setText(f"{n} child" if n == 1 else f"{n} children")
        self._show_empty_hint(n)
        row = self.model.row_of(keep) if keep else -1
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        elif keep:
            self._selected_id = self._opened_id = None
            self.record.clear_personal_data()
        self.list_ready.emit(n)

    def _filtering(self) -> bool:
        return bool(self.search.text().strip()) or any(
            combo.currentIndex() > 0 for combo in (self.group, self.area, self.status, self.review)
        )

    def _show_empty_hint(self, n: int) -> None:
        if n:
            self.empty_hint.hide()
            return
        if self._filtering():
            text = (
                "No child matches this search and these filters. Check the spelling, or set "
                "the filters back to “All” to see everyone."
            )
        else:
            text = (
                "No children recorded yet. Use “Add a child…” (Ctrl+N) to add the first "
                "child with a parent or carer and the consents they give."
            )
        self.empty_hint.setText(text)
        self.empty_hint.show()

    def _query_failed(self, error: BaseException) -> None:
        self.count.setText(error_text(error))

    def _sort_by(self, key: str, descending: bool) -> None:
        if self._sort != (key, descending):
            self._sort = (key, descending)
            self.run_query()

    def focus_search(self) -> bool:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
        return True

    # ---- the record ----

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex | None) -> None:
        child_id = self.model.child_id(current.row()) if current.isValid() else None
        if child_id is None:
            return
        if child_id == self._selected_id and self.record.view is not None:
            return
        self._selected_id = child_id
        self.open_child(child_id)

    def open_child(self, child_id: str, *, opening: bool = True) -> None:
        """Show the child's record; `opening` False for a refresh of the record shown. Only
        an opening goes in the audit trail, once: asking again for the child whose record is
        already open (a search's observation, the Today page) is not another opening."""
        self._selected_id = child_id
        opening = opening and child_id != self._opened_id
        if opening:
            self._opened_id = child_id
        services = self.services
        self.runner.run(
            lambda: read_child_view(services, child_id, opening=opening),
            on_done=self._show_child,
            on_error=self._child_failed,
        )

    def show_observation(self, child_id: str, observation_id: str) -> None:
        """Show a child's record and, in it, one of their observations (from a search)."""
        self._pending_observation = (child_id, observation_id)
        row = self.model.row_of(child_id)
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self.open_child(child_id)

    def _show_child(self, view: ChildView) -> None:
        if view.record.id != self._selected_id:
            return
        self.record.show_child(view)
        pending, self._pending_observation = self._pending_observation, None
        if pending is not None and pending[0] == view.record.id:
            self.record.open_observation(pending[1])
        self.record_shown.emit(view.record.id)

    def _child_failed(self, error: BaseException) -> None:
        self._opened_id = None
        self.record.clear_personal_data()
        self.record.empty.setText(error_text(error))

    def _on_changes(self, changes: Changes) -> None:
        if not changes.touches(*_CHILD_ENTITIES) and not changes.touches("enrolment", "group"):
            return
        if changes.touches("group"):
            self._groups_loaded = False
        if self.isVisible():
            self.reload()
        if self._selected_id and changes.touches(*_CHILD_ENTITIES):
            self.open_child(self._selected_id, opening=False)

    # ---- adding and editing ----

    def add_child(self) -> None:
        form = ChildForm(self.services, self.runner, None, self)
        form.saved.connect(self._child_saved)
        form.open()
        self.new_form = form

    def edit_child(self, record: ChildRecord) -> None:
        form = ChildForm(self.services, self.runner, record, self)
        form.saved.connect(self._child_saved)
        form.open()
        self.new_form = form

    def _child_saved(self, saved: Saved[str]) -> None:
        self._selected_id = saved.id
        self.open_child(saved.id, opening=False)
        if saved.warning:
            self.count.setText(saved.warning)
